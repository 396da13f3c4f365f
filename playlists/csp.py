"""The Content-Security-Policy's Spotify sources, per request: images and frames come from
Spotify (its CDN, open.spotify.com) or, in demo mode, from the mounted emulator only.

``settings.SECURE_CSP`` names Spotify's CDN and open.spotify.com. In demo mode the covers and
the embedded player come from the emulator mounted under ``DEMO_EMULATOR_PATH`` on whatever
host and port serve the request, so the exact sources are only known per request. This
middleware, listed after Django's ContentSecurityPolicyMiddleware (so its response hook runs
first), hands that middleware a per-response policy: the mechanism Django's own
``csp_override`` decorator uses. A view that set its own policy keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP

from playlists.web_player import SPOTIFY_WEB, emulator_mounted, emulator_root, web_base


def frame_sources(request: HttpRequest) -> list[str]:
    """Exactly the embed player the result page frames: open.spotify.com, or the demo's."""
    base = web_base(request)
    return [SPOTIFY_WEB] if base == SPOTIFY_WEB else [f"{base}/embed/"]


def image_sources(request: HttpRequest) -> list[str]:
    """Our own static files, plus Spotify's CDN or, in demo mode, the emulator's covers."""
    if emulator_mounted():
        root = emulator_root(request)
        return [CSP.SELF, f"{root}/image/", f"{root}/mosaic/"]
    return list(cast(list[str], settings.SECURE_CSP["img-src"]))


class SpotifySourcesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if hasattr(response, "_csp_config"):
            return response
        try:
            sources = {"img-src": image_sources(request), "frame-src": frame_sources(request)}
        except DisallowedHost:  # the 400 page for a refused Host header: the static policy
            return response
        response._csp_config = {**settings.SECURE_CSP, **sources}  # type: ignore[attr-defined]
        return response
