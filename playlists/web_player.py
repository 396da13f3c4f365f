"""Links to a playlist on Spotify's web player and its embed player.

One rule for every page: ``{base}/playlist/<id>`` and ``{base}/embed/playlist/<id>``, where
the base is ``SPOTIFY_WEB_BASE_URL`` when set, else (demo mode) the web-player stand-in of the
emulator mounted on the host serving the request, else https://open.spotify.com. Spotify's
own ``external_urls`` are not used: the demo emulator answers like Spotify, with
open.spotify.com links that cannot show a playlist that exists only in the emulator.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts import demo_emulator

SPOTIFY_WEB = "https://open.spotify.com"


def web_base(request: HttpRequest) -> str:
    if settings.SPOTIFY_WEB_BASE_URL:
        return settings.SPOTIFY_WEB_BASE_URL.rstrip("/")
    if settings.DEMO_MODE:
        return demo_emulator.web_player_base(request)
    return SPOTIFY_WEB


def playlist_url(request: HttpRequest, playlist_id: str) -> str:
    return f"{web_base(request)}/playlist/{playlist_id}"


def playlist_embed_url(request: HttpRequest, playlist_id: str) -> str:
    return f"{web_base(request)}/embed/playlist/{playlist_id}"
