"""Spotify's accounts service through spotipy's ``SpotifyPKCE`` auth manager.

Authorization Code with PKCE and ``state`` for both kinds of Spotify app: the operator's
confidential client (client id and secret) and a listener's own public client (client id
only).  ``SpotifyPKCE`` sends ``client_id`` and the verifier in the body of the code exchange
and the refresh, as a public client must; for a confidential client the same requests also
carry its secret (HTTP Basic, set on the auth manager's ``requests.Session``).  spotipy's
``SpotifyOAuth`` is not used: it cannot do PKCE.

Tokens live where the caller says, through ``TokenCache``, spotipy's ``CacheHandler`` over a
mapping: the encrypted Django session on the request thread, a dict elsewhere.  The cache
keeps MoodyStream's compact form (``TokenSet``), so the session cookie stays small.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from spotipy.cache_handler import CacheHandler
from spotipy.oauth2 import SpotifyOauthError, SpotifyPKCE

from .errors import SpotifyAuthError, SpotifyBadRequest, SpotifyError, SpotifyUnavailable

TIMEOUT_SECONDS = 8.0
REFUSED_GRANTS = {"invalid_grant", "invalid_client", "unauthorized_client"}


@dataclass(frozen=True)
class SpotifyApp:
    """A Spotify application: ``client_secret`` is ``""`` for a public client (PKCE only)."""

    client_id: str
    client_secret: str
    redirect_uri: str
    accounts_base_url: str = "https://accounts.spotify.com/"

    def url(self, path: str) -> str:
        return self.accounts_base_url.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: int
    scope: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.access_token, "r": self.refresh_token, "e": self.expires_at,
                "s": self.scope}

    @classmethod
    def from_dict(cls, data: MutableMapping[str, Any]) -> TokenSet:
        return cls(str(data["a"]), str(data["r"]), int(data["e"]), str(data.get("s", "")))

    def token_info(self) -> dict[str, Any]:
        """The form spotipy's auth managers read and write."""
        return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                "expires_at": self.expires_at, "scope": self.scope, "token_type": "Bearer"}


class TokenCache(CacheHandler):  # type: ignore[misc]  # spotipy is untyped
    """spotipy's cache handler over ``store[key]`` (a Django session, or a plain dict)."""

    def __init__(self, store: MutableMapping[str, Any], key: str = "tokens") -> None:
        self.store = store
        self.key = key
        self._lock = threading.Lock()

    @property
    def tokens(self) -> TokenSet | None:
        with self._lock:
            data = self.store.get(self.key)
        try:
            return TokenSet.from_dict(data) if data else None
        except (KeyError, TypeError, ValueError):
            return None

    def get_cached_token(self) -> dict[str, Any] | None:
        tokens = self.tokens
        return tokens.token_info() if tokens else None

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        try:
            tokens = TokenSet(
                str(token_info["access_token"]), str(token_info["refresh_token"]),
                int(token_info["expires_at"]), str(token_info.get("scope") or ""),
            )
        except (KeyError, TypeError, ValueError):
            raise SpotifyUnavailable("the token response lacks a token") from None
        with self._lock:
            self.store[self.key] = tokens.to_dict()


def auth_manager(
    app: SpotifyApp,
    cache: TokenCache,
    *,
    scopes: Sequence[str] = (),
    state: str | None = None,
) -> SpotifyPKCE:
    """spotipy's PKCE auth manager for ``app``, its tokens in ``cache``."""
    session = requests.Session()
    session.hooks["response"].append(_server_error)
    if app.client_secret:  # confidential client: authenticate the token requests too
        session.auth = (app.client_id, app.client_secret)
    manager = SpotifyPKCE(
        client_id=app.client_id, redirect_uri=app.redirect_uri, state=state,
        scope=list(scopes) or None, requests_timeout=TIMEOUT_SECONDS, requests_session=session,
        open_browser=False, cache_handler=cache,
    )
    manager.OAUTH_AUTHORIZE_URL = app.url("authorize")  # the emulator, or Spotify
    manager.OAUTH_TOKEN_URL = app.url("api/token")
    return manager


@dataclass(frozen=True)
class SignInRequest:
    """Where to send the user, and what to keep until they come back."""

    url: str
    state: str
    code_verifier: str


def start_sign_in(app: SpotifyApp, scopes: Sequence[str]) -> SignInRequest:
    """A fresh ``state`` and PKCE verifier, and the authorize URL carrying both."""
    state = secrets.token_urlsafe(32)
    manager = auth_manager(app, TokenCache({}), scopes=scopes, state=state)
    manager.get_pkce_handshake_parameters()
    return SignInRequest(manager.get_authorize_url(), state, manager.code_verifier)


def exchange_code(app: SpotifyApp, code: str, code_verifier: str) -> TokenSet:
    """Trade an authorization code for tokens (single use; bound to our PKCE verifier)."""
    cache = TokenCache({})
    manager = auth_manager(app, cache)
    manager.code_verifier = code_verifier
    manager.code_challenge = _challenge(code_verifier)
    with _accounts_errors("the code exchange"):
        manager.get_access_token(code, check_cache=False)
    return _stored(cache)


def refresh_tokens(app: SpotifyApp, tokens: TokenSet) -> TokenSet:
    """New access token; Spotify may omit a new refresh token, in which case the old one stays."""
    cache = TokenCache({})
    with _accounts_errors("the refresh"):
        auth_manager(app, cache).refresh_access_token(tokens.refresh_token)
    return _stored(cache)


def valid_tokens(app: SpotifyApp, cache: TokenCache) -> TokenSet:
    """The tokens in ``cache``, refreshed (and written back) if they expire within a minute."""
    info = cache.get_cached_token()
    if info is None:
        raise SpotifyAuthError("no Spotify connection here")
    with _accounts_errors("the refresh"):
        auth_manager(app, cache).validate_token(info)
    return _stored(cache)


def _stored(cache: TokenCache) -> TokenSet:
    tokens = cache.tokens
    if tokens is None:
        raise SpotifyUnavailable("the token response lacks a token")
    return tokens


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _AccountsDown(requests.RequestException):
    pass


def _server_error(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    if response.status_code >= 500:  # spotipy would report it as a refused grant
        raise _AccountsDown(f"the accounts service answered {response.status_code}")


@contextmanager
def _accounts_errors(what: str) -> Iterator[None]:
    """spotipy's and requests' failures as the app's errors; no token in any message."""
    try:
        yield
    except SpotifyError:
        raise
    except SpotifyOauthError as exc:
        if exc.error in REFUSED_GRANTS:  # codes used or expired, grants revoked or too old
            raise SpotifyAuthError(f"{what} was refused: {exc.error}") from None
        raise SpotifyBadRequest(f"{what} was refused: {str(exc.error)[:100]}") from None
    except requests.RequestException as exc:
        raise SpotifyUnavailable(f"{what} failed: {type(exc).__name__}") from None
    except (KeyError, TypeError, ValueError):
        raise SpotifyUnavailable(f"{what} got an unreadable answer") from None


def expires_soon(tokens: TokenSet, margin: float = 60) -> bool:
    return time.time() >= tokens.expires_at - margin
