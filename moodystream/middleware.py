"""Project-wide middleware."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from time import monotonic

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from moodystream.aws_secrets import SecretUnavailable, load_app_secret

logger = logging.getLogger(__name__)

#: Least time between two attempts at the secret after a transient failure. Requests in between
#: get the 503 page at once, so a throttled Secrets Manager is not hammered by every request.
RETRY_INTERVAL_SECONDS = 30.0

#: Secret key -> the setting it becomes (as moodystream.settings maps them at import).
SECRET_TO_SETTING = {
    "SPOTIPY_CLIENT_ID": "SPOTIFY_CLIENT_ID",
    "SPOTIPY_CLIENT_SECRET": "SPOTIFY_CLIENT_SECRET",
    "SPOTIPY_REDIRECT_URI": "SPOTIFY_REDIRECT_URI",
    "DJANGO_SECRET_KEY": "SECRET_KEY",
}


class ServiceUnavailableMiddleware:
    """Answer every request with a 503 page while the Spotify credentials could not be loaded.

    Settings record the failure (one log line, no secret) instead of crashing at import, so the
    Lambda container stays up and users see an explanation rather than API Gateway's bare 502.

    When the failure was transient (``settings.SPOTIFY_CREDENTIALS_RETRYABLE``: Secrets Manager
    throttled, timed out or failed on its side at cold start), the secret is read again, at most
    once every ``RETRY_INTERVAL_SECONDS`` (monotonic clock) and by one thread at a time; without
    this a container kept alive by keep-warm pings would serve 503s until AWS recycled it. On
    success the values go into ``settings`` and requests are served again. A permanent failure
    (no such secret, a missing key, bad JSON, access denied) is never retried: a new container
    is needed once someone has fixed it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._lock = threading.Lock()
        # Django builds the middleware when it loads the WSGI app, right after the settings'
        # own attempt failed: the first retry comes an interval later, not on the first request
        # (which would double a throttled cold start).
        self._last_attempt = monotonic()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SPOTIFY_CREDENTIALS_ERROR and not self._retry_secret():
            return render(request, "errors/503.html", status=503)
        return self.get_response(request)

    def _retry_secret(self) -> bool:
        """Whether the credentials are available now (after a retry made here or elsewhere)."""
        with self._lock:
            if not settings.SPOTIFY_CREDENTIALS_ERROR:
                return True  # another thread's retry succeeded meanwhile
            if not getattr(settings, "SPOTIFY_CREDENTIALS_RETRYABLE", False):
                return False
            if settings.DEMO_MODE:
                # Only locally (a secret name set, its read failed, so no client ID: demo mode
                # chose the emulator at import). Real credentials can't be switched in now.
                return False
            now = monotonic()
            if now - self._last_attempt < RETRY_INTERVAL_SECONDS:
                return False
            # Claim this attempt before the (up to seconds long) call, outside the lock: a
            # concurrent request gets its 503 at once instead of waiting for the outcome.
            self._last_attempt = now

        failure: SecretUnavailable | None = None
        values: dict[str, str] = {}
        try:
            values = load_app_secret(settings.SPOTIFY_SECRET_NAME, settings.SPOTIFY_SECRET_REGION)
        except SecretUnavailable as exc:  # its message holds no secret value
            failure = exc

        with self._lock:
            if failure is not None:
                settings.SPOTIFY_CREDENTIALS_ERROR = str(failure)
                settings.SPOTIFY_CREDENTIALS_RETRYABLE = failure.transient
                if failure.transient:
                    logger.warning(
                        "Spotify credentials still unavailable, next try in %.0f s or more: %s",
                        RETRY_INTERVAL_SECONDS,
                        failure,
                    )
                else:
                    logger.error(
                        "Spotify credentials unavailable, no more retries in this container: %s",
                        failure,
                    )
                return False
            for secret_key, setting in SECRET_TO_SETTING.items():
                setattr(settings, setting, values[secret_key])
            settings.SPOTIFY_CREDENTIALS_RETRYABLE = False
            settings.SPOTIFY_CREDENTIALS_ERROR = ""  # last: other threads then see it all set
        logger.info(
            "Spotify credentials loaded from secret %r on a retry; serving requests again",
            settings.SPOTIFY_SECRET_NAME,
        )
        return True
