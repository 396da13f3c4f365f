"""Template context every page needs: demo banner and who is connected."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from playlists.connection import connected_user
from playlists.own_app import operator_sign_in_enabled, own_app_enabled


def moodystream(request: HttpRequest) -> dict[str, object]:
    return {
        "demo_mode": settings.DEMO_MODE,
        "operator_sign_in": operator_sign_in_enabled(),
        "own_app_offered": own_app_enabled(),
        "spotify_user": connected_user(request) if hasattr(request, "session") else None,
    }
