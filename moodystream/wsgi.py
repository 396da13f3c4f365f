"""WSGI entry point for `manage.py runserver` and any WSGI server.

In demo mode (local only, never in production) the bundled Spotify emulator is mounted at
``settings.DEMO_EMULATOR_PATH`` in the same process, so one command serves the whole demo.
Mounted like this it answers the browser (consent page) and this server's own calls, which go
to the loopback address and port this server listens on, never to the request's Host (see
``playlists.connection``). Its test-only control API is off (tests and benchmarks run their own
emulator; ``MOODYSTREAM_DEMO_EMULATOR_CONTROL_API`` switches it on for a local e2e run), and its
pages carry the same security headers as the app's.
On Lambda, Zappa builds its own WSGI app from ``django_settings`` and never imports this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moodystream.settings")

django_application = get_wsgi_application()

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def emulator_security_headers() -> list[tuple[str, str]]:
    """The app's own security headers, for the emulator's pages.

    The same Content-Security-Policy, except that the emulator's pages may be framed by the app
    (same origin: its player and embed pages), hence ``frame-ancestors 'self'`` and SAMEORIGIN.
    """
    from django.conf import settings
    from django.utils.csp import CSP, build_policy

    policy: dict[str, Any] = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
    return [
        ("Content-Security-Policy", build_policy(policy)),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY),
        ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY),
    ]


def with_headers(app: WSGIApp, headers: list[tuple[str, str]]) -> WSGIApp:
    """``app`` with ``headers`` added to every response that does not set them itself."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def start(status: str, response_headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            present = {name.lower() for name, _ in response_headers}
            extra = [(name, value) for name, value in headers if name.lower() not in present]
            return start_response(status, [*response_headers, *extra], *exc_info)

        return app(environ, start)

    return wrapped


def _with_demo_emulator(django_app: WSGIApp) -> WSGIApp:
    from django.conf import settings

    if not settings.DEMO_MODE or settings.IS_PRODUCTION:
        return django_app
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from spotify_emulator import DEMO_CLIENT, EmulatorConfig, create_app

    # Covers at the emulator's own URLs: Spotify's CDN is out of reach in an offline demo.
    emulator = create_app(
        EmulatorConfig(
            clients=[DEMO_CLIENT],
            image_host="emulator",
            enable_control_api=settings.DEMO_EMULATOR_CONTROL_API,
        )
    )
    mounted = with_headers(emulator, emulator_security_headers())
    return DispatcherMiddleware(django_app, {settings.DEMO_EMULATOR_PATH: mounted})


application: WSGIApp = _with_demo_emulator(django_application)
