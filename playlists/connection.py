"""The user's Spotify connection, kept in the (encrypted) cookie session.

Views ask this module for a ready-to-use gateway; it refreshes the access token shortly before
it expires, writes the new tokens back to the session, and ends the session when Spotify says
the grant is gone (revoked, or older than Spotify's six-month limit).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from moodystream import credentials
from playlists.spotify.accounts import SpotifyApp, TokenSet, refresh_tokens
from playlists.spotify.errors import SpotifyAuthError

SESSION_TOKENS = "sp_tokens"
SESSION_USER = "sp_user"
SESSION_PENDING_LOGIN = "sp_login"


@dataclass(frozen=True)
class ConnectedUser:
    id: str
    display_name: str


def _demo_internal_base(request: HttpRequest) -> str:
    """Where this server reaches its own mounted emulator: never where the Host header says.

    The request's Host is the client's to choose (any port passes ALLOWED_HOSTS), and following
    it would send the user's token to whatever listens there. The port comes from the socket
    this server accepted the request on (``SERVER_PORT``, set by the WSGI server), the host is
    the loopback address demo mode serves on.
    """
    port = int(request.META.get("SERVER_PORT") or 80)
    return f"http://127.0.0.1:{port}{settings.DEMO_EMULATOR_PATH}/"


def _demo_browser_base(request: HttpRequest) -> str:
    """The mounted emulator as the user's browser sees it (its consent page is a redirect)."""
    return request.build_absolute_uri(settings.DEMO_EMULATOR_PATH + "/")


def spotify_app(request: HttpRequest) -> SpotifyApp:
    """The Spotify app credentials and URLs for this server's own calls (token exchange)."""
    operator_app = credentials.spotify_app()
    accounts = settings.SPOTIFY_ACCOUNTS_BASE_URL or _demo_internal_base(request)
    redirect_uri = operator_app.redirect_uri or request.build_absolute_uri(
        reverse("playlists:callback")
    )
    return SpotifyApp(
        client_id=operator_app.client_id,
        client_secret=operator_app.client_secret,
        redirect_uri=redirect_uri,
        accounts_base_url=accounts,
    )


def browser_spotify_app(request: HttpRequest) -> SpotifyApp:
    """The same app, with the accounts URL the browser is sent to (the authorize page)."""
    app = spotify_app(request)
    if settings.SPOTIFY_ACCOUNTS_BASE_URL:
        return app
    return dataclasses.replace(app, accounts_base_url=_demo_browser_base(request))


def api_base_url(request: HttpRequest) -> str:
    return settings.SPOTIFY_API_BASE_URL or _demo_internal_base(request) + "v1/"


def store_connection(request: HttpRequest, tokens: TokenSet, user: ConnectedUser) -> None:
    # A new login gets a new session (no fixation), keeping nothing from before.
    request.session.flush()
    request.session[SESSION_TOKENS] = tokens.to_dict()
    request.session[SESSION_USER] = {"id": user.id, "name": user.display_name}


def connected_user(request: HttpRequest) -> ConnectedUser | None:
    data: Any = request.session.get(SESSION_USER)
    if not isinstance(data, dict) or SESSION_TOKENS not in request.session:
        return None
    user_id, name = data.get("id"), data.get("name")
    if not isinstance(user_id, str) or not isinstance(name, str):
        return None
    return ConnectedUser(id=user_id, display_name=name)


def disconnect(request: HttpRequest) -> None:
    request.session.flush()


def current_tokens(request: HttpRequest) -> TokenSet | None:
    data = request.session.get(SESSION_TOKENS)
    if not data:
        return None
    try:
        return TokenSet.from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None


def fresh_access_token(request: HttpRequest, *, force: bool = False) -> str:
    """A valid access token, refreshed if it expires within a minute (or if forced).

    Raises ``SpotifyAuthError`` (and ends the session) if there is no connection or Spotify
    refuses the refresh token.
    """
    tokens = current_tokens(request)
    if tokens is None:
        raise SpotifyAuthError("no Spotify connection in this session")
    if force or tokens.expires_soon(time.time()):
        try:
            tokens = refresh_tokens(spotify_app(request), tokens)
        except SpotifyAuthError:
            disconnect(request)
            raise
        request.session[SESSION_TOKENS] = tokens.to_dict()
    return tokens.access_token


def gateway_for(request: HttpRequest):
    """A Spotify gateway acting for the signed-in user of this request."""
    from playlists.spotify.gateway import SpotifyGateway

    return SpotifyGateway(
        fresh_access_token(request),
        api_base_url=api_base_url(request),
        refresh_access_token=lambda: fresh_access_token(request, force=True),
        request_timeout=settings.SPOTIFY_REQUEST_TIMEOUT,
        api_mode=settings.SPOTIFY_API_MODE,
        max_workers=settings.SPOTIFY_MAX_WORKERS,
    )
