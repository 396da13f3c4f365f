"""Every address of the demo's mounted Spotify emulator, and its mounting: the one module that
knows where the emulator lives when MoodyStream runs in demo mode.

In demo mode (local only, never in production) the bundled emulator is mounted at
``settings.DEMO_EMULATOR_PATH`` in the same process (:func:`mount`, used by ``moodystream.wsgi``),
so one command serves the whole demo. It answers the browser (consent page, dashboard, covers,
web player) at the address the request came to, and this server's own calls at the loopback
address and port this server listens on, never where the request's Host header points. Its
test-only control API is off (tests and benchmarks run their own emulator;
``MOODYSTREAM_DEMO_EMULATOR_CONTROL_API`` switches it on for a local e2e run), and its pages
carry the same security headers as the app's.

On Lambda, Zappa builds its own WSGI app from ``django_settings``: nothing is mounted there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

SPOTIFY_DASHBOARD = "https://developer.spotify.com/dashboard"


def mounted() -> bool:
    """The demo's emulator runs inside this app (no external Spotify API configured)."""
    return bool(settings.DEMO_MODE) and not settings.SPOTIFY_API_BASE_URL


def internal_base(request: HttpRequest) -> str:
    """Where this server reaches its own mounted emulator: never where the Host header says.

    The request's Host is the client's to choose (any port passes ALLOWED_HOSTS), and following
    it would send the user's token to whatever listens there. The port comes from the socket
    this server accepted the request on (``SERVER_PORT``, set by the WSGI server), the host is
    the loopback address demo mode serves on.
    """
    port = int(request.META.get("SERVER_PORT") or 80)
    return f"http://127.0.0.1:{port}{settings.DEMO_EMULATOR_PATH}/"


def browser_root(request: HttpRequest) -> str:
    """The mounted emulator as the user's browser reaches it, without a trailing slash."""
    return request.build_absolute_uri(settings.DEMO_EMULATOR_PATH)


def accounts_base_url(request: HttpRequest) -> str:
    """Spotify's accounts service for this server's own calls (the emulator in demo mode)."""
    return settings.SPOTIFY_ACCOUNTS_BASE_URL or internal_base(request)


def api_base_url(request: HttpRequest) -> str:
    """Spotify's Web API for this server's own calls (the emulator in demo mode)."""
    return settings.SPOTIFY_API_BASE_URL or internal_base(request) + "v1/"


def for_browser(request: HttpRequest, url: str) -> str:
    """``url`` (the authorize page) as the browser is sent to it: in demo mode the mounted
    emulator as this request reached it, where the server's own calls use the internal address."""
    internal = internal_base(request)
    if settings.SPOTIFY_ACCOUNTS_BASE_URL or not url.startswith(internal):
        return url
    return browser_root(request) + "/" + url[len(internal) :]


def loopback_redirect(request: HttpRequest) -> HttpResponse | None:
    """In demo mode, the same page on 127.0.0.1 for a request to ``localhost``: Spotify (and so
    the emulator) refuses `localhost` redirect URIs. None when there is nothing to redirect."""
    if settings.DEMO_MODE and request.get_host().split(":")[0] == "localhost":
        return HttpResponseRedirect(
            request.build_absolute_uri().replace("://localhost", "://127.0.0.1", 1)
        )
    return None


def web_player_base(request: HttpRequest) -> str:
    """The emulator's stand-in for open.spotify.com (its playlist and embed pages)."""
    return browser_root(request) + "/open"


def dashboard_url(request: HttpRequest) -> str:
    """Spotify's developer dashboard, or the emulator's demo one in demo mode."""
    if settings.DEMO_MODE:
        return browser_root(request) + "/dashboard"
    return SPOTIFY_DASHBOARD


def image_sources(request: HttpRequest) -> list[str]:
    """Where the mounted emulator serves covers, for the Content-Security-Policy."""
    root = browser_root(request)
    return [f"{root}/image/", f"{root}/mosaic/"]


# -- mounting ------------------------------------------------------------------------------
def security_headers() -> list[tuple[str, str]]:
    """The app's own security headers, for the emulator's pages.

    The same Content-Security-Policy, except that the emulator's pages may be framed by the app
    (same origin: its player and embed pages), hence ``frame-ancestors 'self'`` and SAMEORIGIN.
    """
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


def mount(django_app: WSGIApp) -> WSGIApp:
    """``django_app`` with the emulator mounted at ``DEMO_EMULATOR_PATH`` in demo mode (as is
    otherwise, and always in production)."""
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
    mounted_emulator = with_headers(emulator, security_headers())
    return DispatcherMiddleware(django_app, {settings.DEMO_EMULATOR_PATH: mounted_emulator})
