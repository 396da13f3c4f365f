"""Demo mode's Content-Security-Policy: images and frames from the mounted emulator only.

``settings.SECURE_CSP`` names Spotify's CDN and open.spotify.com. In demo mode the covers and
the embedded player come from the emulator mounted under ``DEMO_EMULATOR_PATH`` on whatever
host and port serve the request, so the exact sources are only known per request: this
middleware (listed after Django's ContentSecurityPolicyMiddleware, so its response hook runs
first) hands that middleware a per-response policy, the mechanism Django's own
``csp_override`` decorator uses. Outside demo mode it does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP

from playlists.web_player import emulator_mounted, emulator_root, web_base


def demo_sources(request: HttpRequest) -> dict[str, list[str]]:
    """The img-src and frame-src directives for a demo-mode page on this request's host."""
    directives: dict[str, list[str]] = {}
    if emulator_mounted():
        root = emulator_root(request)
        directives["img-src"] = [CSP.SELF, f"{root}/image/", f"{root}/mosaic/"]
    if not settings.SPOTIFY_WEB_BASE_URL:
        directives["frame-src"] = [f"{web_base(request)}/embed/"]
    return directives


class DemoSpotifySourcesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEMO_MODE and not hasattr(response, "_csp_config"):
            response._csp_config = {**settings.SECURE_CSP, **demo_sources(request)}  # type: ignore[attr-defined]
        return response
