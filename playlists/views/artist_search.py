"""Artist suggestions for the "pick by name" box (used by app.js; the form works without it)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from playlists.connection import connected_user, gateway_for
from playlists.spotify.errors import SpotifyError

MAX_QUERY = 100


@require_safe
def artist_search(request: HttpRequest) -> JsonResponse:
    if connected_user(request) is None:
        return JsonResponse({"error": "Connect with Spotify first."}, status=401)
    query = " ".join(request.GET.get("q", "").split())
    if not 1 <= len(query) <= MAX_QUERY:
        return JsonResponse({"error": f"Type 1 to {MAX_QUERY} characters."}, status=400)
    try:
        with gateway_for(request) as gateway:
            artists = gateway.search_artists(query, limit=8)
    except SpotifyError as exc:
        return JsonResponse({"error": exc.user_message}, status=502)
    return JsonResponse(
        {"artists": [{"id": a.id, "name": a.name, "image": a.image_url} for a in artists]}
    )
