"""Signing in to the Spotify emulator over HTTP, as the app does, for integration tests.

The authorization-code flow with PKCE runs through ``playlists.spotify.accounts``; the consent
page is approved by the emulator's ``approve_consent`` helper (a real HTTP form post).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playlists.spotify.accounts import (
    TokenCache,
    UserAuth,
    exchange_code,
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
    cache: TokenCache = field(repr=False)  # the user's tokens, as a session would keep them

    @property
    def tokens(self) -> TokenSet:
        tokens = self.cache.tokens
        assert tokens is not None
        return tokens

    @contextmanager
    def gateway(self, **kw: Any) -> Iterator[SpotifyGateway]:
        """A gateway acting for the user, as the app builds one (the tokens refreshed by
        ``UserAuth`` and kept for the next gateway)."""
        kw.setdefault("api_mode", self.server.app.mode)
        with UserAuth(self.app, self.cache) as auth, SpotifyGateway(
            auth, api_base_url=self.server.api_url, **kw
        ) as gateway:
            yield gateway


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
    tokens = exchange_code(app, query["code"][0], request.code_verifier)
    return SignedIn(server, app, TokenCache.holding(tokens))


def api_requests(server: EmulatorServer) -> list[tuple[str, str, str]]:
    """(method, path without a trailing slash, query) of every Web API request served."""
    return [(r.method, r.path.rstrip("/"), r.query)  # spotipy asks for "me/", "albums/?ids="
            for r in server.app.request_log.entries("/v1/")]
