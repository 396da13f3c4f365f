"""The one place a ``SpotifyApp`` and a Spotify gateway are built, for the web and the terminal.

Which app: the operator's (a confidential client: id and secret, from
``moodystream.credentials``) or a listener's own (a public client: Client ID only, PKCE). Where
Spotify lives for a request is :mod:`accounts.demo_emulator`'s to say (the mounted emulator in
demo mode); the terminal passes its own addresses.

The tokens live in the (encrypted) cookie session (``accounts.session``), read and written
through spotipy's cache handler, and only ever on the request thread:
``playlists.spotify.accounts.UserAuth`` refreshes them and writes them back to the session (see
there). When Spotify says the grant is gone (revoked, or older than its six-month limit) the
error middleware ends the session.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from accounts import demo_emulator
from accounts.own_app import own_callback_url
from accounts.session import own_client_id, session_tokens
from moodystream import credentials
from playlists.spotify.types import SpotifyApp

if TYPE_CHECKING:  # imported where used: spotipy (and the redis it loads) cost cold start
    from playlists.spotify.accounts import UserAuth
    from playlists.spotify.gateway import SpotifyGateway


# -- which Spotify app ---------------------------------------------------------------------
def operator_app(*, accounts_base_url: str, redirect_uri: str = "") -> SpotifyApp:
    """The operator's app (in demo mode the emulator's demo client). ``redirect_uri`` is where
    its sign-in comes back: "" for the one registered in the credentials (maybe "" too)."""
    registered = credentials.spotify_app_credentials()
    return SpotifyApp(
        client_id=registered.client_id,
        client_secret=registered.client_secret,
        redirect_uri=redirect_uri or registered.redirect_uri,
        accounts_base_url=accounts_base_url,
    )


def own_app(client_id: str, *, accounts_base_url: str, redirect_uri: str) -> SpotifyApp:
    """A listener's own app: a public client (Client ID only, PKCE, no secret)."""
    return SpotifyApp(
        client_id=client_id,
        client_secret="",
        redirect_uri=redirect_uri,
        accounts_base_url=accounts_base_url,
    )


def operator_app_for(request: HttpRequest) -> SpotifyApp:
    """The operator's app for "Connect with Spotify", as seen from this request's host (no
    registered redirect URI: this site's /callback/)."""
    app = operator_app(accounts_base_url=demo_emulator.accounts_base_url(request))
    if app.redirect_uri:
        return app
    callback = request.build_absolute_uri(reverse("playlists:callback"))
    return dataclasses.replace(app, redirect_uri=callback)


def own_app_for(request: HttpRequest, client_id: str) -> SpotifyApp:
    """A listener's own app, coming back to this site's own-app callback."""
    return own_app(
        client_id,
        accounts_base_url=demo_emulator.accounts_base_url(request),
        redirect_uri=own_callback_url(request),
    )


def spotify_app_for(request: HttpRequest) -> SpotifyApp:
    """The app this session signed in with: the listener's own, else the operator's."""
    own = own_client_id(request)
    if own:
        return own_app_for(request, own)
    return operator_app_for(request)


# -- the gateway ---------------------------------------------------------------------------
def build_gateway(
    auth: str | UserAuth,
    *,
    api_base_url: str,
    **overrides: Any,
) -> SpotifyGateway:
    """A gateway with the settings' timeout, API mode and worker count (web and terminal)."""
    from playlists.spotify.gateway import SpotifyGateway

    options: dict[str, Any] = {
        "request_timeout": settings.SPOTIFY_REQUEST_TIMEOUT,
        "api_mode": settings.SPOTIFY_API_MODE,
        "max_workers": settings.SPOTIFY_MAX_WORKERS,
        **overrides,
    }
    return SpotifyGateway(auth, api_base_url=api_base_url, **options)


@contextmanager
def gateway_for(request: HttpRequest) -> Iterator[SpotifyGateway]:
    """A Spotify gateway acting for the signed-in user of this request.

    Raises ``SpotifyAuthError`` if there is no connection or Spotify refuses the refresh
    token.  Tokens a 401 made the gateway refresh are written to the session on the way out.
    """
    from playlists.spotify.accounts import UserAuth
    from shared_state.pauses import AppPauses
    from shared_state.stores import shared_state

    app = spotify_app_for(request)
    pauses = AppPauses(shared_state(), f"spotify-app:{app.client_id}")
    with UserAuth(app, session_tokens(request)) as auth, build_gateway(
        auth, api_base_url=demo_emulator.api_base_url(request), pauses=pauses
    ) as gateway:
        yield gateway
