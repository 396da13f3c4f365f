"""JSON shapes of Spotify objects, following the OpenAPI description.

In development mode every ``popularity`` key is left out, as Spotify does since February
2026; extended mode serves it. ``href``s point at the emulator (request host + mount);
``external_urls`` keep pointing at open.spotify.com like the real thing.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import (
    ALBUM_MARKETS,
    Album,
    Artist,
    Track,
)
from ..paging import offset_page
from ..state import Playlist, PlaylistEntry
from ..users import DemoUser
from .context import ApiContext

OPEN = "https://open.spotify.com"


def _with_popularity(ctx: ApiContext, obj: dict, popularity: int) -> dict:
    if ctx.extended:
        obj["popularity"] = popularity
    return obj


def artist_simple(ctx: ApiContext, a: Artist) -> dict:
    return {
        "external_urls": {"spotify": f"{OPEN}/artist/{a.id}"},
        "href": ctx.url(f"/artists/{a.id}"),
        "id": a.id,
        "name": a.name,
        "type": "artist",
        "uri": f"spotify:artist:{a.id}",
    }


def artist_full(ctx: ApiContext, a: Artist) -> dict:
    obj = artist_simple(ctx, a)
    obj.update({
        "followers": {"href": None, "total": a.followers},
        "genres": list(a.genres),
        "images": ctx.images.artist(a) if a.kind == "artist" else [],
    })
    return _with_popularity(ctx, obj, a.popularity)


def album_simple(ctx: ApiContext, al: Album, group: str | None = None) -> dict:
    cat = ctx.catalogue
    obj = {
        "album_type": al.album_type,
        "total_tracks": len(al.track_ids),
        "available_markets": list(ALBUM_MARKETS),
        "external_urls": {"spotify": f"{OPEN}/album/{al.id}"},
        "href": ctx.url(f"/albums/{al.id}"),
        "id": al.id,
        "images": ctx.images.album(al),
        "name": al.name,
        "release_date": al.release_date,
        "release_date_precision": al.release_date_precision,
        "type": "album",
        "uri": f"spotify:album:{al.id}",
        "artists": [artist_simple(ctx, cat.artists[a]) for a in al.artist_ids],
    }
    if group is not None:
        obj["album_group"] = group
    return obj


def album_full(ctx: ApiContext, al: Album) -> dict:
    obj = album_simple(ctx, al)
    tracks = [ctx.catalogue.tracks[t] for t in al.track_ids]
    obj.update({
        "tracks": offset_page(tracks, 0, 50, ctx.url(f"/albums/{al.id}/tracks"),
                              lambda t: track_simple(ctx, t)),
        "copyrights": [{"text": f"\u00a9 {al.year} {al.label}", "type": "C"},
                       {"text": f"\u2117 {al.year} {al.label}", "type": "P"}],
        "external_ids": {"upc": al.upc},
        "genres": [],
        "label": al.label,
    })
    return _with_popularity(ctx, obj, al.popularity)


def track_simple(ctx: ApiContext, t: Track) -> dict:
    cat = ctx.catalogue
    return {
        "artists": [artist_simple(ctx, cat.artists[a]) for a in t.artist_ids],
        "disc_number": t.disc_number,
        "duration_ms": t.duration_ms,
        "explicit": t.explicit,
        "external_urls": {"spotify": f"{OPEN}/track/{t.id}"},
        "href": ctx.url(f"/tracks/{t.id}"),
        "id": t.id,
        "is_local": False,
        "name": t.name,
        "preview_url": None,
        "track_number": t.track_number,
        "type": "track",
        "uri": f"spotify:track:{t.id}",
    }


def track_full(ctx: ApiContext, t: Track) -> dict:
    obj = track_simple(ctx, t)
    obj["album"] = album_simple(ctx, ctx.catalogue.albums[t.album_id])
    obj["external_ids"] = {"isrc": t.isrc}
    return _with_popularity(ctx, obj, t.popularity)


def user_images(ctx: ApiContext, user: DemoUser) -> list[dict]:
    return ctx.images.user(user) if user.has_image else []


def user_public(ctx: ApiContext, user: DemoUser) -> dict:
    return {
        "display_name": user.display_name,
        "external_urls": {"spotify": f"{OPEN}/user/{user.id}"},
        "followers": {"href": None, "total": user.followers},
        "href": ctx.url(f"/users/{user.id}"),
        "id": user.id,
        "images": user_images(ctx, user),
        "type": "user",
        "uri": f"spotify:user:{user.id}",
    }


def user_private(ctx: ApiContext, user: DemoUser) -> dict:
    """``/me``: email needs user-read-email; country/product/filter need user-read-private."""
    obj = user_public(ctx, user)
    if ctx.has_scope("user-read-email"):
        obj["email"] = user.email
    if ctx.has_scope("user-read-private"):
        obj["country"] = user.country
        obj["product"] = user.product
        obj["explicit_content"] = {"filter_enabled": user.explicit_filter,
                                   "filter_locked": False}
    return obj


def playlist_owner(ctx: ApiContext, user_id: str) -> dict:
    user = ctx.state.users.get(user_id)
    return {
        "external_urls": {"spotify": f"{OPEN}/user/{user_id}"},
        "href": ctx.url(f"/users/{user_id}"),
        "id": user_id,
        "type": "user",
        "uri": f"spotify:user:{user_id}",
        "display_name": user.display_name if user else None,
    }


def _playlist_base(ctx: ApiContext, p: Playlist) -> dict:
    return {
        "collaborative": p.collaborative,
        "description": p.description,
        "external_urls": {"spotify": f"{OPEN}/playlist/{p.id}"},
        "href": ctx.url(f"/playlists/{p.id}"),
        "id": p.id,
        "images": ctx.images.playlist(ctx.catalogue, p),
        "name": p.name,
        "owner": playlist_owner(ctx, p.owner_id),
        "public": p.public,
        "snapshot_id": p.snapshot_id,
        "type": "playlist",
        "uri": f"spotify:playlist:{p.id}",
    }


def playlist_simple(ctx: ApiContext, p: Playlist) -> dict:
    obj = _playlist_base(ctx, p)
    ref = {"href": ctx.url(f"/playlists/{p.id}/items"), "total": len(p.entries)}
    # "items" is the February 2026 name; the deprecated "tracks" is kept for older clients.
    obj["items"] = ref
    obj["tracks"] = dict(ref)
    return obj


def playlist_item(ctx: ApiContext, entry: PlaylistEntry) -> dict:
    """A PlaylistTrackObject with both ``item`` (new) and ``track`` (deprecated)."""
    track = ctx.catalogue.tracks.get(entry.uri.rsplit(":", 1)[-1])
    full = track_full(ctx, track) if track is not None else None
    return {
        "added_at": entry.added_at,
        "added_by": {
            "external_urls": {"spotify": f"{OPEN}/user/{entry.added_by}"},
            "href": ctx.url(f"/users/{entry.added_by}"),
            "id": entry.added_by,
            "type": "user",
            "uri": f"spotify:user:{entry.added_by}",
        },
        "is_local": False,
        "item": full,
        "track": full,
    }


def playlist_items_page(ctx: ApiContext, p: Playlist, offset: int, limit: int,
                        extra: list[tuple[str, str]] | None = None) -> dict:
    return offset_page(p.entries, offset, limit, ctx.url(f"/playlists/{p.id}/items"),
                       lambda e: playlist_item(ctx, e), extra or [])


def playlist_full(ctx: ApiContext, p: Playlist) -> dict[str, Any]:
    obj = _playlist_base(ctx, p)
    page = playlist_items_page(ctx, p, 0, 100)
    obj["followers"] = {"href": None, "total": p.followers}
    obj["items"] = page
    obj["tracks"] = page
    return obj
