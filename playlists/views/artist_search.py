"""Artist suggestions for the "pick by name" box (used by app.js; the form works without it)."""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from accounts.demo_emulator import api_base_url
from accounts.session import connected_user
from accounts.spotify_access import gateway_for
from playlists import budgets, suggestions
from playlists.spotify.errors import SpotifyError, SpotifyRateLimited
from playlists.views.error_pages import rate_limited_context

MAX_QUERY = 100


def _slow_down(seconds: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message, "retry_after": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@require_safe
def artist_search(request: HttpRequest) -> JsonResponse:
    user = connected_user(request)
    if user is None:
        return JsonResponse({"error": "Connect with Spotify first."}, status=401)
    query = " ".join(request.GET.get("q", "").split())
    if not 1 <= len(query) <= MAX_QUERY:
        return JsonResponse({"error": f"Type 1 to {MAX_QUERY} characters."}, status=400)
    namespace = f"{api_base_url(request)} {settings.SPOTIFY_API_MODE}"
    artists = suggestions.cached_answer(namespace, query)
    if artists is None:
        spent = budgets.charge(user, budgets.SUGGESTIONS)
        if spent is not None:
            seconds = max(1, math.ceil(spent[1]))
            return _slow_down(
                seconds,
                f"That is a lot of suggestions at once: more in {seconds} seconds. "
                "You can type the names yourself meanwhile.",
            )
        try:
            with gateway_for(request) as gateway:
                found = gateway.search_artists(query, limit=8)
        except SpotifyRateLimited as exc:
            seconds = max(int(exc.retry_after_seconds), 1)
            wait = rate_limited_context(exc)["wait"]
            return _slow_down(seconds, f"Spotify asked us to slow down: try again in {wait}.")
        except SpotifyError as exc:
            return JsonResponse({"error": exc.user_message}, status=502)
        artists = [{"id": a.id, "name": a.name, "image": a.image_url} for a in found]
        suggestions.remember_answer(namespace, query, artists)
    return JsonResponse({"artists": artists})
