"""Static-files storage whose URLs follow the request's script prefix (API Gateway stage).

Through the execute-api URL (``https://<id>.execute-api.<region>.amazonaws.com/prod/...``) API
Gateway strips the stage from the path and Zappa hands it to Django as ``SCRIPT_NAME``, so
``reverse()`` gives ``/prod/...`` links. ``STATIC_URL`` does not follow: Django adds the script
prefix to a *relative* ``STATIC_URL`` only once per process (the settings property is cached on
first use), so it has to stay absolute (``/static/``), and a page would link its stylesheet as
``/static/...``: outside the stage, where API Gateway answers 403.

This storage adds the prefix of the request being served (``get_script_prefix()``, which
Django's WSGI handler sets per request, thread-locally) to each URL instead. On a custom domain
Zappa sets no script name, the prefix is ``/`` and URLs stay ``/static/...``. WhiteNoise keeps
serving them either way: it matches ``PATH_INFO``, from which the stage is already stripped.
"""

from __future__ import annotations

from django.urls import get_script_prefix
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ScriptPrefixedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """``{% static %}`` gives /prod/static/... via the execute-api URL, /static/... elsewhere."""

    def url(self, name: str | None, force: bool = False) -> str:
        url = super().url(name, force)
        prefix = get_script_prefix().rstrip("/")
        # Only site-relative URLs: a STATIC_URL on another host (https://cdn..., //cdn...) is
        # left alone, and so is one that already carries the prefix.
        if (
            prefix
            and url.startswith("/")
            and not url.startswith("//")
            and not url.startswith(prefix + "/")
        ):
            return prefix + url
        return url
