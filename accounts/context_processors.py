"""Template context every page needs: demo banner, who is connected, the site's origin."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest

from accounts.session import connected_user
from accounts.sign_in_modes import operator_sign_in_enabled, own_app_enabled


def site_origin(request: HttpRequest) -> str:
    """``scheme://host`` for absolute URLs in page metadata; empty for a refused Host header
    (the 400 page must render without it)."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return ""


def moodystream(request: HttpRequest) -> dict[str, object]:
    return {
        "demo_mode": settings.DEMO_MODE,
        "operator_sign_in": operator_sign_in_enabled(),
        "own_app_offered": own_app_enabled(),
        "site_origin": site_origin(request),
        "spotify_user": connected_user(request) if hasattr(request, "session") else None,
    }
