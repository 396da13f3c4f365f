"""Turn Spotify failures that escape a view into friendly pages, never a traceback or a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from playlists.connection import disconnect
from playlists.own_app import own_client_id
from playlists.spotify.errors import (
    SpotifyAuthError,
    SpotifyError,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyOwnerNeedsPremium,
    SpotifyRateLimited,
    SpotifyUnavailable,
    SpotifyUserNotRegistered,
)
from playlists.views.error_pages import rate_limited_context
from playlists.views.own_app import own_app_refusal

logger = logging.getLogger(__name__)


class SpotifyErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SpotifyError):
            return None
        logger.warning("Spotify error on %s: %s", request.path, type(exception).__name__)
        if isinstance(exception, SpotifyAuthError):
            disconnect(request)
            messages.warning(request, exception.user_message)
            return redirect("playlists:home")
        own = own_client_id(request)
        if isinstance(exception, SpotifyOwnerNeedsPremium) or (
            own and isinstance(exception, SpotifyUserNotRegistered)
        ):
            return own_app_refusal(request, exception)
        if isinstance(exception, SpotifyUserNotRegistered):
            return render(request, "errors/not_registered.html", status=403)
        if isinstance(exception, SpotifyRateLimited):
            response = render(
                request,
                "errors/rate_limited.html",
                rate_limited_context(exception, own_client_id=own),
                status=429,
            )
            response["Retry-After"] = str(exception.retry_after_seconds)
            return response
        if isinstance(exception, SpotifyNotFound):
            return render(request, "errors/404.html", status=404)
        if isinstance(exception, SpotifyForbidden):
            return render(request, "errors/spotify_refused.html", status=403)
        status = 503 if isinstance(exception, SpotifyUnavailable) else 502
        return render(
            request, "errors/spotify_unavailable.html", {"error": exception}, status=status
        )
