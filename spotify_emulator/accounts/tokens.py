"""Authorization codes, access tokens and refresh tokens with Spotify's lifetimes.

Times come from the injectable clock so tests can expire tokens without sleeping.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass

from spotify_emulator.clock import Clock
from spotify_emulator.config import EmulatorConfig


class OAuthError(Exception):
    """An RFC 6749 error answered by /api/token as ``{"error", "error_description"}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


@dataclass
class AuthCode:
    code: str
    client_id: str
    user_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    code_challenge: str | None
    created_at: float
    used: bool = False


@dataclass
class RefreshGrant:
    token: str
    client_id: str
    user_id: str
    scopes: tuple[str, ...]
    consent_at: float
    public_client: bool
    revoked: bool = False


@dataclass
class AccessToken:
    token: str
    client_id: str
    user_id: str
    scopes: frozenset[str]
    expires_at: float
    revoked: bool = False


def s256(verifier: str) -> str:
    """PKCE S256 code challenge of a verifier (base64url, no padding)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class TokenStore:
    """Issues, checks and revokes codes and tokens."""

    def __init__(self, config: EmulatorConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.lock = threading.RLock()
        self.access_token_ttl = config.access_token_ttl
        self.rotate_refresh_tokens = config.rotate_refresh_tokens
        self.codes: dict[str, AuthCode] = {}
        self.refresh_grants: dict[str, RefreshGrant] = {}
        self.access_tokens: dict[str, AccessToken] = {}

    def reset(self) -> None:
        with self.lock:
            self.codes.clear()
            self.refresh_grants.clear()
            self.access_tokens.clear()
            self.access_token_ttl = self.config.access_token_ttl
            self.rotate_refresh_tokens = self.config.rotate_refresh_tokens

    # -- authorization codes ------------------------------------------------------------
    def create_code(self, client_id: str, user_id: str, redirect_uri: str,
                    scopes: tuple[str, ...], code_challenge: str | None) -> str:
        code = "AQ" + secrets.token_urlsafe(96)
        with self.lock:
            self.codes[code] = AuthCode(code, client_id, user_id, redirect_uri, scopes,
                                        code_challenge, self.clock.now())
        return code

    def redeem_code(self, code: str, client_id: str, redirect_uri: str | None,
                    code_verifier: str | None, client_authenticated: bool) -> dict:
        """Exchange a code for tokens, enforcing single use, expiry, redirect URI and PKCE."""
        with self.lock:
            grant = self.codes.get(code)
            if grant is None or grant.used or grant.client_id != client_id:
                raise OAuthError("invalid_grant", "Invalid authorization code")
            if self.clock.now() - grant.created_at > self.config.authorization_code_ttl:
                raise OAuthError("invalid_grant", "Authorization code expired")
            if redirect_uri != grant.redirect_uri:
                raise OAuthError("invalid_grant", "Invalid redirect URI")
            if grant.code_challenge is not None:
                if not code_verifier:
                    raise OAuthError("invalid_request", "code_verifier required")
                if s256(code_verifier) != grant.code_challenge:
                    raise OAuthError("invalid_grant", "code_verifier was incorrect")
            elif not client_authenticated:
                raise OAuthError("invalid_client", "Invalid client secret")
            grant.used = True
            public = grant.code_challenge is not None and not client_authenticated
            refresh = RefreshGrant("AQ" + secrets.token_urlsafe(96), client_id, grant.user_id,
                                   grant.scopes, self.clock.now(), public)
            self.refresh_grants[refresh.token] = refresh
            return self._token_response(refresh, include_refresh=True)

    # -- refresh ------------------------------------------------------------------------
    def refresh(self, refresh_token: str, client_id: str, client_authenticated: bool) -> dict:
        with self.lock:
            grant = self.refresh_grants.get(refresh_token)
            if grant is None or grant.client_id != client_id:
                raise OAuthError("invalid_grant", "Invalid refresh token")
            if grant.revoked:
                raise OAuthError("invalid_grant", "Refresh token revoked")
            if self.clock.now() - grant.consent_at > self.config.refresh_token_lifetime:
                raise OAuthError("invalid_grant", "Refresh token expired")
            if not client_authenticated and not grant.public_client:
                raise OAuthError("invalid_client", "Invalid client secret")
            # A refresh token a public client got (PKCE, no secret) is single use, as on
            # Spotify: the answer carries its successor and the old one is revoked.
            if self.rotate_refresh_tokens or grant.public_client:
                grant.revoked = True
                grant = RefreshGrant("AQ" + secrets.token_urlsafe(96), grant.client_id,
                                     grant.user_id, grant.scopes, grant.consent_at,
                                     grant.public_client)
                self.refresh_grants[grant.token] = grant
                return self._token_response(grant, include_refresh=True)
            return self._token_response(grant, include_refresh=False)

    def _token_response(self, grant: RefreshGrant, include_refresh: bool) -> dict:
        token = self.issue_access_token(grant.client_id, grant.user_id, grant.scopes)
        body = {"access_token": token.token, "token_type": "Bearer",
                "expires_in": self.access_token_ttl, "scope": " ".join(grant.scopes)}
        if include_refresh:
            body["refresh_token"] = grant.token
        return body

    def issue_access_token(self, client_id: str, user_id: str,
                           scopes: tuple[str, ...] | list[str]) -> AccessToken:
        token = AccessToken("BQ" + secrets.token_urlsafe(120), client_id, user_id,
                            frozenset(scopes), self.clock.now() + self.access_token_ttl)
        with self.lock:
            self.access_tokens[token.token] = token
        return token

    def issue_tokens(self, client_id: str, user_id: str, scopes: tuple[str, ...] | list[str],
                     public_client: bool = False) -> dict:
        """Grant tokens directly, as if the user had consented (shortcut for tests)."""
        with self.lock:
            refresh = RefreshGrant("AQ" + secrets.token_urlsafe(96), client_id, user_id,
                                   tuple(scopes), self.clock.now(), public_client)
            self.refresh_grants[refresh.token] = refresh
            return self._token_response(refresh, include_refresh=True)

    # -- checks and revocation ----------------------------------------------------------
    def lookup(self, token: str) -> AccessToken | None:
        return self.access_tokens.get(token)

    def is_expired(self, token: AccessToken) -> bool:
        return self.clock.now() >= token.expires_at

    def revoke_user(self, user_id: str, client_id: str | None = None, access: bool = True,
                    refresh: bool = True) -> int:
        """Revoke a user's access and/or refresh tokens (optionally for one client only)."""
        count = 0
        with self.lock:
            if access:
                for tok in self.access_tokens.values():
                    if tok.user_id == user_id and client_id in (None, tok.client_id):
                        count += not tok.revoked
                        tok.revoked = True
            if refresh:
                for grant in self.refresh_grants.values():
                    if grant.user_id == user_id and client_id in (None, grant.client_id):
                        count += not grant.revoked
                        grant.revoked = True
        return count

    def revoke_token(self, token: str) -> bool:
        """Revoke one access or refresh token by its value."""
        with self.lock:
            if token in self.access_tokens:
                self.access_tokens[token].revoked = True
                return True
            if token in self.refresh_grants:
                self.refresh_grants[token].revoked = True
                return True
        return False
