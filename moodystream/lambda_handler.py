"""The AWS Lambda entry point: Zappa's handler, with each Set-Cookie header sent once.

``zappa_settings.json`` names :func:`handler` as the function's ``lambda_handler`` (Zappa's
default is ``handler.lambda_handler``, the copy of ``zappa/handler.py`` it puts at the zip root).

Why: Zappa 0.63's ``ZappaWSGIMiddleware`` keeps every ``Set-Cookie`` header and appends a
lower-cased ``set-cookie`` copy (a workaround from before API Gateway had ``multiValueHeaders``),
and the REST (v1) branch of its handler then lists ``response.headers.getlist(key)`` (a
case-insensitive lookup, so both copies) under *both* names. Every cookie goes out four times.
Browsers cope, but it is four times the header bytes on every response that sets a session.

Everything else is Zappa's: keep-warm pings, scheduled and direct invocations, HTTP API (v2)
events (whose cookies are a separate ``cookies`` list) come back untouched; only dictionaries
with ``headers``/``multiValueHeaders`` are rewritten, and only their Set-Cookie entries.

**Django is set up in Lambda's init phase**, when the runtime imports this module: Zappa's
``LambdaHandler()`` (the settings, ``django.setup()``, the middleware) is made here, not by the
first invocation as Zappa does by default (its ``INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT``, which
Zappa's README documents, does the same), and what every request or the first preview would
import on first use is imported too: the URLconf with its views (Django loads it on the first
request) and the Spotify client (requests, spotipy, the gateway). An on-demand function's init
phase runs on a whole vCPU, its invocations on the share of their memory size (0.58 of one at
1,024 MB), so a new container's first request no longer does that work at a little over half
speed. Nothing here touches the network: the secret is read by the first request that needs it.
Only on Lambda (``AWS_LAMBDA_FUNCTION_NAME``, with the package's ``zappa_settings`` module);
imported anywhere else (tests, tools) this module sets nothing up.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

from zappa.handler import LambdaHandler
from zappa.handler import lambda_handler as zappa_lambda_handler

SET_COOKIE = "set-cookie"


def set_up_in_init_phase() -> bool:
    """Make Zappa's handler (it keeps one per process) now, on Lambda; whether it was made."""
    if not os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or importlib.util.find_spec(
        "zappa_settings"
    ) is None:
        return False
    LambdaHandler()
    load_what_requests_use()
    return True


def load_what_requests_use() -> None:
    """The URLconf and every view, and the Spotify client's modules: imported, nothing run."""
    from django.urls import get_resolver

    import playlists.spotify.accounts  # the token requests' client
    import playlists.spotify.gateway  # noqa: F401 - the Web API's: requests, spotipy

    get_resolver().url_patterns  # noqa: B018 - loads the URLconf and the views


set_up_in_init_phase()


def handler(event: Any, context: Any) -> Any:
    """Run the event through Zappa; send each distinct Set-Cookie header once."""
    response = zappa_lambda_handler(event, context)
    if isinstance(response, dict):
        multi = response.get("multiValueHeaders")
        if isinstance(multi, dict):
            response["multiValueHeaders"] = dedupe_multi_value_cookies(multi)
        single = response.get("headers")
        if isinstance(single, dict):
            response["headers"] = dedupe_single_value_cookies(single)
    return response


def dedupe_multi_value_cookies(headers: dict[str, Any]) -> dict[str, Any]:
    """One Set-Cookie entry (under the first spelling seen) listing each distinct value once.

    The order of the cookies is kept, and so is that of the other headers.
    """
    values: list[Any] = []
    result: dict[str, Any] = {}
    key_kept: str | None = None
    for key, items in headers.items():
        if not (isinstance(key, str) and key.lower() == SET_COOKIE):
            result[key] = items
            continue
        if key_kept is None:
            key_kept = key
            result[key] = values  # filled below; keeps the header's position
        for value in items if isinstance(items, list) else [items]:
            if value not in values:
                values.append(value)
    return result


def dedupe_single_value_cookies(headers: dict[str, Any]) -> dict[str, Any]:
    """Drop a Set-Cookie entry whose value another spelling of the name already carries.

    Differently-cased names with *different* values are kept: without ``multiValueHeaders``
    that is the only way a response can carry several cookies.
    """
    seen: list[Any] = []
    result: dict[str, Any] = {}
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == SET_COOKIE:
            if value in seen:
                continue
            seen.append(value)
        result[key] = value
    return result
