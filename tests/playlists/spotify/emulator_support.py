"""Signing in to the Spotify emulator over HTTP, as the app does, for integration tests.

The authorization-code flow with PKCE runs through ``playlists.spotify.accounts``; the consent
page is approved by the emulator's ``approve_consent`` helper (a real HTTP form post).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playlists.spotify.accounts import (
    exchange_code,
    refresh_tokens,
    start_sign_in,
)
from playlists.spotify.gateway import SpotifyGateway
from playlists.spotify.types import SpotifyApp, TokenSet
from spotify_emulator import DEMO_CLIENT, USER_TYPICAL, EmulatorServer
from spotify_emulator.testing import approve_consent

# What MoodyStream asks for (settings.SPOTIFY_SCOPES), repeated so these tests need no Django.
SCOPES = (
    "user-top-read",
    "user-follow-read",
    "user-library-read",
    "playlist-read-private",
    "playlist-modify-public",
    "playlist-modify-private",
)
REDIRECT_URI = "http://127.0.0.1:8888/callback"


@dataclass
class SignedIn:
    server: EmulatorServer
    app: SpotifyApp
    tokens: TokenSet
    refreshes: list[str] = field(default_factory=list)

    def refresh(self) -> str:
        self.tokens = refresh_tokens(self.app, self.tokens)
        self.refreshes.append(self.tokens.access_token)
        return self.tokens.access_token

    def gateway(self, **kw: Any) -> SpotifyGateway:
        kw.setdefault("api_mode", self.server.app.mode)
        kw.setdefault("refresh_access_token", self.refresh)
        return SpotifyGateway(self.tokens.access_token, api_base_url=self.server.api_url, **kw)


def sign_in(
    server: EmulatorServer, user_id: str = USER_TYPICAL, scopes: tuple[str, ...] = SCOPES
) -> SignedIn:
    app = SpotifyApp(
        client_id=DEMO_CLIENT.client_id,
        client_secret=DEMO_CLIENT.client_secret,
        redirect_uri=REDIRECT_URI,
        accounts_base_url=server.base_url,
    )
    request = start_sign_in(app, scopes)
    location = approve_consent(request.url, user_id)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == [request.state], "the state must come back unchanged"
    return SignedIn(server, app, exchange_code(app, query["code"][0], request.code_verifier))


def api_requests(server: EmulatorServer) -> list[tuple[str, str, str]]:
    """(method, path without a trailing slash, query) of every Web API request served."""
    return [(r.method, r.path.rstrip("/"), r.query)  # spotipy asks for "me/", "albums/?ids="
            for r in server.app.request_log.entries("/v1/")]
