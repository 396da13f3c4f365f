"""Spotify's accounts service: the OAuth 2.0 Authorization Code flow with PKCE.

This module and ``gateway.py`` are the only code that talks to Spotify. It works on plain data
(``SpotifyApp``, ``TokenSet``) so the web layer decides where tokens live (the encrypted session)
and the terminal command can reuse it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests

from playlists.spotify.errors import SpotifyAuthError, SpotifyBadRequest, SpotifyUnavailable

#: Refresh a little before Spotify's expiry so a token never dies in the middle of a request.
EXPIRY_MARGIN_SECONDS = 60
_TIMEOUT_SECONDS = 8.0


@dataclass(frozen=True)
class SpotifyApp:
    """The registered Spotify application and where its accounts service lives.

    ``client_secret`` is empty for a public client (a listener's own app signing in with PKCE).
    """

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

    def expires_soon(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        return now >= self.expires_at - EXPIRY_MARGIN_SECONDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.access_token,
            "r": self.refresh_token,
            "e": self.expires_at,
            "s": self.scope,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenSet:
        return cls(
            access_token=str(data["a"]),
            refresh_token=str(data["r"]),
            expires_at=int(data["e"]),
            scope=str(data.get("s", "")),
        )


@dataclass(frozen=True)
class PkcePair:
    verifier: str
    challenge: str


def new_pkce_pair() -> PkcePair:
    """A fresh RFC 7636 verifier (43–128 unreserved characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return PkcePair(verifier=verifier, challenge=challenge)


def new_state() -> str:
    return secrets.token_urlsafe(32)


def build_authorize_url(
    app: SpotifyApp, *, state: str, code_challenge: str, scopes: tuple[str, ...] | list[str]
) -> str:
    query = {
        "client_id": app.client_id,
        "response_type": "code",
        "redirect_uri": app.redirect_uri,
        "state": state,
        "scope": " ".join(scopes),
        "code_challenge_method": "S256",
        "code_challenge": code_challenge,
    }
    return app.url("authorize") + "?" + urlencode(query)


def exchange_code(
    app: SpotifyApp, code: str, code_verifier: str, *, session: requests.Session | None = None
) -> TokenSet:
    """Trade an authorization code for tokens (single use; bound to our PKCE verifier)."""
    data = _post_token(
        app,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": app.redirect_uri,
            "code_verifier": code_verifier,
        },
        session=session,
    )
    return _token_set(data, previous_refresh_token=None)


def refresh_tokens(
    app: SpotifyApp, tokens: TokenSet, *, session: requests.Session | None = None
) -> TokenSet:
    """New access token; Spotify may omit a new refresh token, in which case the old one stays."""
    data = _post_token(
        app,
        {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token},
        session=session,
    )
    return _token_set(data, previous_refresh_token=tokens.refresh_token)


def _post_token(
    app: SpotifyApp, form: dict[str, str], *, session: requests.Session | None
) -> dict[str, Any]:
    http = session or requests
    # A confidential client (the operator's app) authenticates with its secret; a public client
    # (a listener's own app, no secret) names itself with client_id in the body, as PKCE wants.
    auth = (app.client_id, app.client_secret) if app.client_secret else None
    if auth is None:
        form = {**form, "client_id": app.client_id}
    try:
        response = http.post(
            app.url("api/token"),
            data=form,
            auth=auth,
            timeout=_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        raise SpotifyUnavailable(f"token endpoint unreachable: {type(exc).__name__}") from None
    if response.status_code >= 500:
        raise SpotifyUnavailable(f"token endpoint answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise SpotifyUnavailable("token endpoint sent a body that is not JSON") from None
    if not isinstance(body, dict):
        raise SpotifyUnavailable("token endpoint sent an unexpected body")
    if response.status_code != 200:
        error = str(body.get("error", ""))
        if error in {"invalid_grant", "invalid_client", "unauthorized_client"}:
            # Codes: used, expired or PKCE mismatch. Refresh tokens: revoked or too old.
            raise SpotifyAuthError(f"token endpoint refused the grant: {error}")
        raise SpotifyBadRequest(f"token endpoint answered {response.status_code}: {error}")
    return body


def _token_set(data: dict[str, Any], *, previous_refresh_token: str | None) -> TokenSet:
    try:
        access_token = str(data["access_token"])
        expires_in = int(data.get("expires_in", 3600))
    except (KeyError, TypeError, ValueError):
        raise SpotifyUnavailable("token response without an access token") from None
    refresh_token = data.get("refresh_token") or previous_refresh_token
    if not refresh_token:
        raise SpotifyUnavailable("token response without a refresh token")
    return TokenSet(
        access_token=access_token,
        refresh_token=str(refresh_token),
        expires_at=int(time.time()) + expires_in,
        scope=str(data.get("scope", "")),
    )
