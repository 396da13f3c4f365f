"""Where a listener's own Client ID lives besides the session: the "remember my Client ID"
cookie, and the redirect URI their app must list.

Nothing is kept on our side. While signed in, the Client ID sits in the encrypted session
cookie next to the tokens (``accounts.session``; sign-out flushes both). If the listener ticks
"remember my Client ID in this browser", it is also sealed, the same way as the session, into a
separate cookie that outlives sign-out, so the own-app page can fill the field in next time.
"""

from __future__ import annotations

import zlib

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts.client_id import InvalidClientId, parse_client_id
from moodystream import sessions as sealed_cookies

REMEMBER_COOKIE = "moodystream_client_id"
REMEMBER_SECONDS = 60 * 60 * 24 * 365


def own_callback_url(request: HttpRequest) -> str:
    """The redirect URI to register in the dashboard, for this host and stage prefix."""
    return request.build_absolute_uri(reverse("playlists:own_app_callback"))


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
