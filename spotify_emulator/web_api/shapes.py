"""JSON shapes of Spotify objects, following the OpenAPI description.

Development mode sends what Spotify sends Development Mode apps since February 2026: every
field the description marks ``deprecated: true`` is left out (popularity, genres, followers,
available_markets, label, preview_url, album_group, the user's country/email/product, the
playlist's ``tracks`` and the item row's ``track``). Extended mode keeps them. ``href``s point
at the emulator (request host + mount); ``external_urls`` keep pointing at open.spotify.com
like the real thing.
"""

from __future__ import annotations

from typing import Any

from spotify_emulator.catalogue.model import ALBUM_MARKETS, Album, Artist, Track
from spotify_emulator.catalogue.users import DemoUser
from spotify_emulator.ids import base62_id
from spotify_emulator.state import Playlist, PlaylistEntry
from spotify_emulator.web_api.context import ApiContext
from spotify_emulator.web_api.paging import offset_page

OPEN = "https://open.spotify.com"


def _with_extended(ctx: ApiContext, obj: dict, **fields: Any) -> dict:
    """``obj`` plus ``fields`` in extended mode (they are Development Mode removals)."""
    if ctx.extended:
        obj.update(fields)
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
    """Development mode: external_urls, href, id, images, name, type, uri and nothing else."""
    obj = artist_simple(ctx, a)
    obj["images"] = ctx.images.artist(a) if a.kind == "artist" else []
    return _with_extended(ctx, obj, followers={"href": None, "total": a.followers},
                          genres=list(a.genres), popularity=a.popularity)


def album_simple(ctx: ApiContext, al: Album, group: str | None = None) -> dict:
    """``group``: the artist's relation to it, sent as ``album_group`` in extended mode only."""
    cat = ctx.catalogue
    obj = {
        "album_type": al.album_type,
        "total_tracks": len(al.track_ids),
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
    _with_extended(ctx, obj, available_markets=list(ALBUM_MARKETS))
    if group is not None:
        _with_extended(ctx, obj, album_group=group)
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
    })
    return _with_extended(ctx, obj, genres=[], label=al.label, popularity=al.popularity)


def track_simple(ctx: ApiContext, t: Track) -> dict:
    cat = ctx.catalogue
    obj = {
        "artists": [artist_simple(ctx, cat.artists[a]) for a in t.artist_ids],
        "disc_number": t.disc_number,
        "duration_ms": t.duration_ms,
        "explicit": t.explicit,
        "external_urls": {"spotify": f"{OPEN}/track/{t.id}"},
        "href": ctx.url(f"/tracks/{t.id}"),
        "id": t.id,
        "is_local": False,
        "name": t.name,
        "track_number": t.track_number,
        "type": "track",
        "uri": f"spotify:track:{t.id}",
    }
    return _with_extended(ctx, obj, available_markets=list(ALBUM_MARKETS), preview_url=None)


def track_full(ctx: ApiContext, t: Track) -> dict:
    obj = track_simple(ctx, t)
    obj["album"] = album_simple(ctx, ctx.catalogue.albums[t.album_id])
    obj["external_ids"] = {"isrc": t.isrc}  # kept: the February removal was reverted in March
    return _with_extended(ctx, obj, popularity=t.popularity)


def user_images(ctx: ApiContext, user: DemoUser) -> list[dict]:
    return ctx.images.user(user) if user.has_image else []


def account_id(user: DemoUser) -> str:
    """May 2026's identifier for account linking: fixed per account, whatever the seed."""
    return base62_id(0, "account", user.id)[:16]


def user_public(ctx: ApiContext, user: DemoUser) -> dict:
    obj = {
        "display_name": user.display_name,
        "external_urls": {"spotify": f"{OPEN}/user/{user.id}"},
        "href": ctx.url(f"/users/{user.id}"),
        "id": user.id,
        "images": user_images(ctx, user),
        "type": "user",
        "uri": f"spotify:user:{user.id}",
    }
    return _with_extended(ctx, obj, followers={"href": None, "total": user.followers})


def user_private(ctx: ApiContext, user: DemoUser) -> dict:
    """``/me``. ``account_id`` in both modes. Extended mode only: email (needs
    user-read-email), country, product and the explicit-content filter (user-read-private)."""
    obj = user_public(ctx, user)
    obj["account_id"] = account_id(user)
    if not ctx.extended:
        return obj
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
    """``items: {href, total}``; extended mode also the deprecated ``tracks`` copy of it."""
    obj = _playlist_base(ctx, p)
    ref = {"href": ctx.url(f"/playlists/{p.id}/items"), "total": len(p.entries)}
    obj["items"] = ref
    return _with_extended(ctx, obj, tracks=dict(ref))


def playlist_item(ctx: ApiContext, entry: PlaylistEntry) -> dict:
    """A PlaylistTrackObject: ``item`` (and, extended mode only, the deprecated ``track``)."""
    track = ctx.catalogue.tracks.get(entry.uri.rsplit(":", 1)[-1])
    full = track_full(ctx, track) if track is not None else None
    row = {
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
        "primary_color": None,
        "video_thumbnail": {"url": None},
    }
    return _with_extended(ctx, row, track=full)


def playlist_items_page(ctx: ApiContext, p: Playlist, offset: int, limit: int,
                        extra: list[tuple[str, str]] | None = None) -> dict:
    return offset_page(p.entries, offset, limit, ctx.url(f"/playlists/{p.id}/items"),
                       lambda e: playlist_item(ctx, e), extra or [])


def playlist_full(ctx: ApiContext, p: Playlist, with_items: bool = True) -> dict[str, Any]:
    """A PlaylistObject; without ``with_items`` (a Development Mode app reading someone else's
    playlist) its metadata only: no ``items`` at all."""
    obj = _playlist_base(ctx, p)
    obj["followers"] = {"href": None, "total": p.followers}
    if with_items:
        page = playlist_items_page(ctx, p, 0, 100)
        obj["items"] = page
        _with_extended(ctx, obj, tracks=page)
    return obj
