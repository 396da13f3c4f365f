"""JSON → models.  Strict about identity fields, lenient about everything Spotify may omit.

A missing ``id`` raises ``KeyError``/``TypeError``; the gateway treats that as a malformed body
(retried, then ``SpotifyUnavailable``), never as data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .models import Album, AlbumTracks, Artist, ArtistRef, PlaylistSummary, SpotifyUser, Track

Json = Mapping[str, Any]


def _images(data: Json) -> tuple[str, ...]:
    return tuple(img["url"] for img in data.get("images") or () if img and img.get("url"))


def _refs(items: Iterable[Json] | None) -> tuple[ArtistRef, ...]:
    return tuple(ArtistRef(str(a["id"]), str(a.get("name") or "")) for a in items or () if a)


def user(data: Json) -> SpotifyUser:
    return SpotifyUser(
        id=str(data["id"]),
        display_name=data.get("display_name"),
        country=data.get("country"),
        product=data.get("product"),
    )


def artist(data: Json) -> Artist:
    images = _images(data)
    return Artist(
        id=str(data["id"]),
        name=str(data.get("name") or ""),
        uri=str(data.get("uri") or f"spotify:artist:{data['id']}"),
        genres=tuple(data.get("genres") or ()),
        image_url=images[0] if images else None,
        popularity=data.get("popularity"),
    )


def album(data: Json) -> Album:
    return Album(
        id=str(data["id"]),
        name=str(data.get("name") or ""),
        uri=str(data.get("uri") or f"spotify:album:{data['id']}"),
        album_type=str(data.get("album_type") or "album").lower(),
        release_date=str(data.get("release_date") or ""),
        total_tracks=int(data.get("total_tracks") or 0),
        artists=_refs(data.get("artists")),
        image_urls=_images(data),
        album_group=(data.get("album_group") or None),
    )


def track(data: Json, on_album: Album | None = None) -> Track:
    """A full or simplified track; simplified album tracks get ``on_album`` attached."""
    album_data = data.get("album")
    return Track(
        id=str(data["id"]),
        uri=str(data.get("uri") or f"spotify:track:{data['id']}"),
        name=str(data.get("name") or ""),
        artists=_refs(data.get("artists")),
        album=album(album_data) if album_data else on_album,
        isrc=(data.get("external_ids") or {}).get("isrc"),
        explicit=bool(data.get("explicit")),
        duration_ms=int(data.get("duration_ms") or 0),
        disc_number=int(data.get("disc_number") or 1),
        track_number=int(data.get("track_number") or 1),
        popularity=data.get("popularity"),
        is_playable=data.get("is_playable"),
    )


def tracks(items: Iterable[Json | None], on_album: Album | None = None) -> list[Track]:
    """Tracks from a list, skipping ``null`` entries and local files (they have no id)."""
    return [track(t, on_album) for t in items if t and t.get("id") and not t.get("is_local")]


def album_tracks(data: Json) -> tuple[AlbumTracks, Json]:
    """A full album object → the album, its first page of tracks, and that page (for paging)."""
    parsed = album(data)
    page = data.get("tracks") or {"items": [], "total": 0}
    return AlbumTracks(parsed, tuple(tracks(page.get("items") or (), parsed))), page


def playlist(data: Json) -> PlaylistSummary:
    items_ref = data.get("items") or data.get("tracks") or {}
    owner = data.get("owner") or {}
    return PlaylistSummary(
        id=str(data["id"]),
        name=str(data.get("name") or ""),
        uri=str(data.get("uri") or f"spotify:playlist:{data['id']}"),
        external_url=(data.get("external_urls") or {}).get("spotify"),
        snapshot_id=data.get("snapshot_id"),
        description=str(data.get("description") or ""),
        item_count=int(items_ref.get("total") or 0) if isinstance(items_ref, Mapping) else 0,
        public=data.get("public"),
        owner_id=owner.get("id"),
    )

