"""Template context every page needs: demo banner and who is connected."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from playlists.connection import connected_user
from playlists.services.own_app import OPERATOR_MODE, OWN_APP_MODE


def moodystream(request: HttpRequest) -> dict[str, object]:
    return {
        "demo_mode": settings.DEMO_MODE,
        "operator_sign_in": OPERATOR_MODE in settings.SPOTIFY_SIGN_IN_MODES,
        "own_app_offered": OWN_APP_MODE in settings.SPOTIFY_SIGN_IN_MODES,
        "spotify_user": connected_user(request) if hasattr(request, "session") else None,
    }
