"""The user's Spotify connection, and the one place a gateway is built.

The tokens live in the (encrypted) cookie session, read and written through spotipy's cache
handler (``accounts.TokenCache``), and only ever on the request thread: ``gateway_for``
refreshes them before the gateway starts if they expire within a minute, a refresh that a 401
forces later (on a look-up's worker thread) lands in the gateway's own holder, and the newest
tokens are written back to the session when the ``with`` block ends.  When Spotify says the
grant is gone (revoked, or older than its six-month limit) the error middleware ends the
session.  ``build_gateway`` serves the terminal command with the same settings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from moodystream import credentials
from playlists.own_app import own_callback_url, own_client_id
from playlists.spotify.models import SpotifyApp, TokenSet

if TYPE_CHECKING:  # imported where used: spotipy (and the redis it loads) cost cold start
    from playlists.spotify.accounts import TokenCache
    from playlists.spotify.gateway import SpotifyGateway

SESSION_TOKENS = "sp_tokens"
SESSION_USER = "sp_user"
SESSION_PENDING_LOGIN = "sp_login"


@dataclass(frozen=True)
class ConnectedUser:
    id: str
    display_name: str
    account_id: str = ""  # /me's account_id, when Spotify sent one

    @property
    def key(self) -> str:
        """Who this is for budgets and save records: Spotify's account_id (the identifier it
        asks apps to link accounts with), else the user id. The store keeps only its hash."""
        return f"account:{self.account_id}" if self.account_id else f"user:{self.id}"


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
    """The Spotify app credentials and URLs, as seen from this request's host.

    The listener's own app (a public client) when they signed in with one, else the operator's.
    """
    own = own_client_id(request)
    if own:
        return own_app_spotify_app(request, own)
    return operator_spotify_app(request)


def operator_spotify_app(request: HttpRequest) -> SpotifyApp:
    """The operator's app (a confidential client: id and secret), for "Connect with Spotify"."""
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


def own_app_spotify_app(request: HttpRequest, client_id: str) -> SpotifyApp:
    """A listener's own app: a public client (Client ID only, PKCE, no secret)."""
    return SpotifyApp(
        client_id=client_id,
        client_secret="",
        redirect_uri=own_callback_url(request),
        accounts_base_url=settings.SPOTIFY_ACCOUNTS_BASE_URL or _demo_internal_base(request),
    )


def for_browser(request: HttpRequest, url: str) -> str:
    """``url`` (the authorize page) as the browser is sent to it: in demo mode the mounted
    emulator as this request reached it, where the server's own calls use the internal address."""
    internal = _demo_internal_base(request)
    if settings.SPOTIFY_ACCOUNTS_BASE_URL or not url.startswith(internal):
        return url
    return _demo_browser_base(request) + url[len(internal) :]


def api_base_url(request: HttpRequest) -> str:
    return settings.SPOTIFY_API_BASE_URL or _demo_internal_base(request) + "v1/"


def store_connection(request: HttpRequest, tokens: TokenSet, user: ConnectedUser) -> None:
    # A new login gets a new session (no fixation), keeping nothing from before.
    request.session.flush()
    request.session[SESSION_TOKENS] = tokens.to_dict()
    request.session[SESSION_USER] = {"id": user.id, "name": user.display_name,
                                     **({"acct": user.account_id} if user.account_id else {})}


def connected_user(request: HttpRequest) -> ConnectedUser | None:
    data: Any = request.session.get(SESSION_USER)
    if not isinstance(data, dict) or SESSION_TOKENS not in request.session:
        return None
    user_id, name, account = data.get("id"), data.get("name"), data.get("acct", "")
    if not isinstance(user_id, str) or not isinstance(name, str) or not isinstance(account, str):
        return None
    return ConnectedUser(id=user_id, display_name=name, account_id=account)


def disconnect(request: HttpRequest) -> None:
    request.session.flush()


def session_tokens(request: HttpRequest) -> TokenCache:
    """spotipy's cache handler over this session's tokens (request thread only)."""
    from playlists.spotify.accounts import TokenCache

    return TokenCache(request.session, SESSION_TOKENS)


class TokenRefresher:
    """Refreshes on whichever thread a 401 happens; keeps the newest tokens for the caller."""

    def __init__(self, app: SpotifyApp, tokens: TokenSet) -> None:
        self.app = app
        self.tokens = tokens
        self.refreshed = False
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            from playlists.spotify.accounts import refresh_tokens

            self.tokens = refresh_tokens(self.app, self.tokens)
            self.refreshed = True
            return self.tokens.access_token


def build_gateway(
    access_token: str,
    *,
    api_base_url: str,
    refresh_access_token: Callable[[], str] | None,
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
    return SpotifyGateway(
        access_token, api_base_url=api_base_url, refresh_access_token=refresh_access_token,
        **options,
    )


@contextmanager
def gateway_for(request: HttpRequest) -> Iterator[SpotifyGateway]:
    """A Spotify gateway acting for the signed-in user of this request.

    Raises ``SpotifyAuthError`` if there is no connection or Spotify refuses the refresh
    token.  Tokens a 401 made the gateway refresh are written to the session on the way out.
    """
    from playlists.spotify.accounts import valid_tokens

    app = spotify_app(request)
    refresher = TokenRefresher(app, valid_tokens(app, session_tokens(request)))
    gateway = build_gateway(
        refresher.tokens.access_token, api_base_url=api_base_url(request),
        refresh_access_token=refresher,
    )
    try:
        with gateway:
            yield gateway
    finally:
        if refresher.refreshed:
            request.session[SESSION_TOKENS] = refresher.tokens.to_dict()
