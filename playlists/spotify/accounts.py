"""Spotify's accounts service through spotipy's ``SpotifyPKCE`` auth manager (``SpotifyOAuth``
has no PKCE): Authorization Code with PKCE and ``state`` for a listener's public client (id
only) and the operator's confidential client, whose token requests also carry its secret (HTTP
Basic on the manager's session).  Tokens live in ``TokenCache``, spotipy's ``CacheHandler``
over a mapping (the Django session, or a dict), in the compact form the session cookie needs.

``UserAuth`` is the one place tokens are refreshed, by that manager.  It wraps the manager
rather than handing it to spotipy's client as it is, for three reasons: without a cached token
``SpotifyPKCE.get_access_token`` asks for a new sign-in (a browser and ``input()``: a server
would hang), the manager is not thread-safe (a generation's look-ups share it), and a refresh
forced by a 401 must happen once for all threads, not once per thread.
"""

import base64
import dataclasses
import enum
import hashlib
import logging
import secrets
import threading
from collections.abc import Callable, MutableMapping, Sequence
from typing import Any, Self

import requests
from spotipy.cache_handler import CacheHandler
from spotipy.oauth2 import SpotifyOauthError, SpotifyPKCE
from urllib3.util.retry import Retry

from .connection_pool import mount_shared_pool
from .errors import SpotifyAuthError, SpotifyBadRequest, SpotifyError, SpotifyUnavailable
from .types import SpotifyApp, TokenSet

logger = logging.getLogger(__name__)
TOKEN_FIELDS = ("access_token", "refresh_token", "expires_at")  # each required in an answer
# A connection that failed to open is tried once more; a token request that may have been sent
# never (a code is single-use, a refresh may rotate the token): the caller says "try again".
ACCOUNTS_RETRY = Retry(total=1, connect=1, read=False, status=0, other=0, redirect=0)


class TokenCache(CacheHandler):  # type: ignore[misc]  # spotipy is untyped
    """spotipy's cache handler over ``store[key]`` (a Django session, or a plain dict)."""

    def __init__(self, store: MutableMapping[str, Any] | None = None, key: str = "t") -> None:
        self.store, self.key = ({} if store is None else store), key

    @classmethod
    def holding(cls, tokens: TokenSet) -> Self:
        """A cache of its own holding ``tokens`` (the terminal's: no session)."""
        cache = cls()
        cache.keep(tokens)
        return cache

    @property
    def tokens(self) -> TokenSet | None:
        try:
            return TokenSet.from_dict(self.store[self.key])
        except (KeyError, TypeError, ValueError):
            return None

    def get_cached_token(self) -> dict[str, Any] | None:
        tokens = self.tokens
        return None if tokens is None else dataclasses.asdict(tokens) | {"token_type": "Bearer"}

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        access, refresh, expires = (token_info.get(f) for f in TOKEN_FIELDS)
        if not (access and refresh and expires):
            raise SpotifyUnavailable("the token response lacks a token")
        scope = str(token_info.get("scope") or "")
        self.keep(TokenSet(str(access), str(refresh), int(expires), scope))

    def keep(self, tokens: TokenSet) -> None:
        self.store[self.key] = tokens.to_dict()


def auth_manager(app: SpotifyApp, cache: TokenCache, *, scopes: Sequence[str] = (),
                 state: str | None = None) -> SpotifyPKCE:
    """spotipy's PKCE auth manager for ``app``, its tokens in ``cache``."""
    session = requests.Session()  # per request: it carries the confidential client's secret
    mount_shared_pool(session, 1, ACCOUNTS_RETRY)  # over the process's kept-alive connections
    session.hooks["response"].append(_server_error)
    if app.client_secret:  # a confidential client authenticates its token requests too
        session.auth = (app.client_id, app.client_secret)
    manager = SpotifyPKCE(
        client_id=app.client_id, redirect_uri=app.redirect_uri, state=state,
        scope=list(scopes) or None, requests_timeout=8.0, requests_session=session,
        open_browser=False, cache_handler=cache,
    )
    manager.OAUTH_AUTHORIZE_URL = app.url("authorize")  # the emulator's, or Spotify's
    manager.OAUTH_TOKEN_URL = app.url("api/token")
    return manager


@dataclasses.dataclass(frozen=True)
class SignInRequest:
    """Where to send the user, and what to keep until they come back."""
    url: str
    state: str
    code_verifier: str


def start_sign_in(app: SpotifyApp, scopes: Sequence[str]) -> SignInRequest:
    """A fresh ``state`` and PKCE verifier, and the authorize URL carrying both."""
    state = secrets.token_urlsafe(32)
    manager = auth_manager(app, TokenCache(), scopes=scopes, state=state)
    manager.get_pkce_handshake_parameters()
    return SignInRequest(manager.get_authorize_url(), state, manager.code_verifier)


def exchange_code(app: SpotifyApp, code: str, code_verifier: str) -> TokenSet:
    """Trade an authorization code for tokens (single use; bound to our PKCE verifier)."""
    manager = auth_manager(app, cache := TokenCache())
    manager.code_verifier = code_verifier  # spotipy makes new ones when either is unset
    manager.code_challenge = base64.urlsafe_b64encode(
        hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=").decode()
    return _tokens_after("the code exchange", cache,
                         lambda: manager.get_access_token(code, check_cache=False))


class UserAuth:
    """A signed-in user's tokens for a gateway: spotipy's client asks for the access token before
    each request (``Spotify(auth_manager=...)``), refreshed first if it expires within a minute
    (the manager's ``validate_token``); after Spotify refused the one a thread sent (a 401),
    ``refused()`` refreshes it once for all threads.

    Used as a context manager on the caller's (request) thread: entering refreshes tokens about
    to expire before any look-up starts, and the tokens refreshed meanwhile, on whichever thread,
    are written back to ``store`` on entering and leaving, so a Django session is never written
    from a look-up's thread.  No tokens in ``store``: ``SpotifyAuthError``.
    """

    def __init__(self, app: SpotifyApp, store: TokenCache) -> None:
        self.store = store
        tokens = store.tokens  # the gateway's threads read and refresh a copy of them
        self._cache = TokenCache() if tokens is None else TokenCache.holding(tokens)
        self._manager = auth_manager(app, self._cache)
        self._lock = threading.Lock()
        self._sent = threading.local()  # the access token this thread last handed out

    @property
    def tokens(self) -> TokenSet | None:
        return self._cache.tokens

    def __enter__(self) -> Self:
        self.get_access_token()
        self._write_back()
        return self

    def __exit__(self, *exc: object) -> None:
        self._write_back()

    def get_access_token(self, as_dict: bool = False) -> str:
        """The access token, refreshed first if it expires within a minute (spotipy's client
        passes ``as_dict=False``)."""
        with self._lock:
            if (info := self._cache.get_cached_token()) is None:
                raise SpotifyAuthError("no Spotify connection here")
            tokens = _tokens_after("the refresh", self._cache,
                                   lambda: self._manager.validate_token(info))
        self._sent.token = tokens.access_token
        return tokens.access_token

    def refused(self) -> bool:
        """Spotify refused the access token this thread sent: refresh the tokens, unless another
        thread already has (``False``: the current token is a new one)."""
        with self._lock:
            tokens = self._cache.tokens
            if tokens is None or tokens.access_token != getattr(self._sent, "token", None):
                return False
            _tokens_after("the refresh", self._cache,
                          lambda: self._manager.refresh_access_token(tokens.refresh_token))
            return True

    def _write_back(self) -> None:
        if (tokens := self.tokens) is not None and tokens != self.store.tokens:
            self.store.keep(tokens)


def _server_error(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    if response.status_code >= 500:  # spotipy would report it as a refused grant
        raise requests.RequestException(f"accounts service: HTTP {response.status_code}")


def _tokens_after(what: str, cache: TokenCache, request: Callable[[], object]) -> TokenSet:
    """The tokens ``request`` wrote to ``cache``; spotipy's and requests' failures as the app's
    errors, no token in any message."""
    try:
        request()
    except SpotifyError:
        raise
    except SpotifyOauthError as exc:
        if exc.error in ("invalid_grant", "invalid_client", "unauthorized_client"):
            raise SpotifyAuthError(f"{what} was refused: {exc.error}") from None  # used, revoked
        raise SpotifyBadRequest(f"{what} was refused: {str(exc.error)[:100]}") from None
    except (requests.RequestException, KeyError, TypeError, ValueError) as exc:
        raise SpotifyUnavailable(f"{what} failed: {type(exc).__name__}") from None
    if (tokens := cache.tokens) is None:
        raise SpotifyUnavailable("the token response lacks a token")
    return tokens


class AuthorizeProblem(enum.Enum):
    """What Spotify's own error page says for an ``/authorize`` request it will not take."""
    UNKNOWN_CLIENT = "INVALID_CLIENT: Invalid client"
    REDIRECT_URI_NOT_REGISTERED = "INVALID_CLIENT: Invalid redirect URI"
    INSECURE_REDIRECT_URI = "INVALID_CLIENT: Insecure redirect URI"
    ILLEGAL_SCOPE = "Illegal scope"


def authorize_problem(authorize_url: str) -> AuthorizeProblem | None:
    """The error Spotify's page would show for ``authorize_url`` (a Client ID copied wrongly, a
    redirect URI not added), so the own-app sign-in can explain it instead of stranding the
    listener there.  Anything unrecognised (a redirect on to login, a time-out) is ``None``:
    the check may add a clear page, never block a sign-in that would work."""
    try:
        response = requests.get(authorize_url, allow_redirects=False, timeout=4.0)
    except requests.RequestException as exc:
        logger.info("authorize check skipped: %s", type(exc).__name__)
        return None
    text = "" if response.is_redirect else response.text[:20_000]
    return next((problem for problem in AuthorizeProblem if problem.value in text), None)
