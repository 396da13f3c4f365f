"""Where a listener's own Client ID lives: the encrypted session, and optionally a cookie.

Nothing is kept on our side. While signed in, the Client ID sits in the encrypted session
cookie next to the tokens (sign-out flushes both). If the listener ticks "remember my Client
ID in this browser", it is also sealed, the same way as the session, into a separate cookie
that outlives sign-out, so the own-app page can fill the field in next time.
"""

from __future__ import annotations

import zlib

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from moodystream import credentials
from moodystream import sessions as sealed_cookies  # module: sessions imports session_shape
from playlists.services.own_app import (
    OPERATOR_MODE,
    OWN_APP_MODE,
    InvalidClientId,
    offered_sign_in_modes,
    parse_client_id,
)

#: The signed-in listener's own Client ID (absent when signed in with the operator's app).
SESSION_OWN_CLIENT_ID = "sp_own"

REMEMBER_COOKIE = "moodystream_client_id"
REMEMBER_SECONDS = 60 * 60 * 24 * 365


def has_operator_credentials() -> bool:
    """Whether the operator's Spotify app is configured (in production: in the secret)."""
    if credentials.unavailable() is not None:
        return False  # every page is the 503 page meanwhile; it offers no sign-in
    app = credentials.spotify_app()
    return bool(app.client_id and app.client_secret)


def sign_in_modes() -> tuple[str, ...]:
    """The ways in this deployment offers (SPOTIFY_SIGN_IN_MODES, given its credentials)."""
    return offered_sign_in_modes(settings.SPOTIFY_SIGN_IN_MODES, has_operator_credentials())


def own_app_enabled() -> bool:
    return OWN_APP_MODE in sign_in_modes()


def operator_sign_in_enabled() -> bool:
    return OPERATOR_MODE in sign_in_modes()


def own_client_id(request: HttpRequest) -> str | None:
    """The Client ID of the listener's own app this session signed in with, if any."""
    value = request.session.get(SESSION_OWN_CLIENT_ID) if hasattr(request, "session") else None
    return value if isinstance(value, str) and value else None


def own_callback_url(request: HttpRequest) -> str:
    """The redirect URI to register in the dashboard, for this host and stage prefix."""
    return request.build_absolute_uri(reverse("playlists:own_app_callback"))


def dashboard_url(request: HttpRequest) -> str:
    """Spotify's developer dashboard, or the emulator's demo one in demo mode."""
    if settings.DEMO_MODE:
        return request.build_absolute_uri(settings.DEMO_EMULATOR_PATH + "/dashboard")
    return "https://developer.spotify.com/dashboard"


# -- "remember my Client ID in this browser" ---------------------------------------------
def remembered_client_id(request: HttpRequest) -> str:
    """The Client ID sealed in the remember cookie, or "" (also for a tampered cookie)."""
    sealed = request.COOKIES.get(REMEMBER_COOKIE, "")
    if not sealed:
        return ""
    try:
        data = sealed_cookies.unseal(sealed, max_age=REMEMBER_SECONDS)
        return parse_client_id(str(data.get("client_id", "")))
    except (InvalidToken, InvalidClientId, ValueError, UnicodeError, zlib.error):
        return ""  # tampered, expired, from another key, or junk: as if never remembered


def remember_client_id(response: HttpResponse, client_id: str) -> None:
    response.set_cookie(
        REMEMBER_COOKIE,
        sealed_cookies.seal({"client_id": client_id}),
        max_age=REMEMBER_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget_client_id(response: HttpResponse) -> None:
    response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
