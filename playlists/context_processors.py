"""Template context every page needs: demo banner and who is connected."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from playlists.connection import connected_user


def moodystream(request: HttpRequest) -> dict[str, object]:
    return {
        "demo_mode": settings.DEMO_MODE,
        "spotify_user": connected_user(request) if hasattr(request, "session") else None,
    }
