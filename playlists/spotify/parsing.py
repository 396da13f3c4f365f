"""JSON → ``playlists.music``: strict about ids (a missing one is a malformed body to the
gateway, never data), lenient about what Spotify omits.  ``_read`` fills a model's fields from
the keys of the same name, so only what Spotify names differently is spelled out here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from playlists import music

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Json = Mapping[str, Any]


def _read[M: DataclassInstance](model: type[M], data: Json, kind: str = "", **named: Any) -> M:
    """``model`` from ``data``: ``named`` values first, then the key of each field's name; a
    missing, ``null`` or empty value takes the field's default, any other is converted to the
    default's type (``None`` defaults keep the value as it is)."""
    values: dict[str, Any] = {"id": str(data["id"])}
    if kind:  # objects with a Spotify URI, which is derivable when an answer leaves it out
        values["uri"] = str(data.get("uri") or f"spotify:{kind}:{values['id']}")
    values.update(named)
    for name, default, convert in _fields(model):
        if name in values:
            continue
        raw = data.get(name)
        if raw is None or raw == "":
            values[name] = default
        else:
            values[name] = raw if convert is None else convert(raw)
    return model(**values)


@functools.cache
def _fields(model: type) -> tuple[tuple[str, Any, Callable[[Any], Any] | None], ...]:
    """Each field's name, default ("" without one) and the default's type to convert a value to
    (None: kept as it is): read once per model (``dataclasses.fields`` is slow enough to show
    when every search page makes ten tracks and albums)."""
    plan = []
    for field in dataclasses.fields(model):
        default: Any = "" if field.default is dataclasses.MISSING else field.default
        plan.append((field.name, default, None if default is None else type(default)))
    return tuple(plan)


def _images(data: Json) -> tuple[str, ...]:
    return tuple(img["url"] for img in data.get("images") or () if img and img.get("url"))


user = partial(_read, music.SpotifyUser)


def _refs(items: Iterable[Json] | None) -> tuple[music.ArtistRef, ...]:
    return tuple(music.ArtistRef(str(a["id"]), str(a.get("name") or "")) for a in items or () if a)


def _smallest_image(data: Json) -> str | None:
    """The narrowest of an object's images, a thumbnail (Spotify lists them widest first, so
    without widths the last one)."""
    images = [img for img in data.get("images") or () if img and img.get("url")]
    sized = [img for img in images if isinstance(img.get("width"), int) and img["width"] > 0]
    if sized:
        return str(min(sized, key=lambda img: img["width"])["url"])
    return str(images[-1]["url"]) if images else None


def artist(data: Json) -> music.Artist:
    return _read(music.Artist, data, "artist", genres=tuple(data.get("genres") or ()),
                 image_url=_smallest_image(data))


def album(data: Json) -> music.Album:
    album_type = str(data.get("album_type") or "album").lower()
    return _read(music.Album, data, "album", album_type=album_type,
                 artists=_refs(data.get("artists")), image_urls=_images(data))


def track(data: Json, on_album: music.Album | None = None) -> music.Track:
    """A full or simplified track; simplified album tracks get ``on_album`` attached."""
    album_data = data.get("album")
    return _read(music.Track, data, "track", artists=_refs(data.get("artists")),
                 album=album(album_data) if album_data else on_album,
                 isrc=(data.get("external_ids") or {}).get("isrc"))


def playlist(data: Json) -> music.PlaylistSummary:
    items_ref = data.get("items") or data.get("tracks")  # "items" since February 2026
    count = int(items_ref.get("total") or 0) if isinstance(items_ref, Mapping) else 0
    return _read(music.PlaylistSummary, data, "playlist", item_count=count,
                 external_url=(data.get("external_urls") or {}).get("spotify"),
                 owner_id=(data.get("owner") or {}).get("id"))


def tracks(items: Iterable[Json | None], on_album: music.Album | None = None) -> list[music.Track]:
    """Tracks from a list, skipping ``null`` entries and local files (they have no id)."""
    return [track(t, on_album) for t in items if t and t.get("id") and not t.get("is_local")]


def _each[M](parse: Callable[[Json], M], items: Iterable[Json | None]) -> list[M]:
    return [parse(item) for item in items if item]  # skipping Spotify's ``null`` entries


artists, albums = partial(_each, artist), partial(_each, album)


def saved_tracks(items: Iterable[Json | None]) -> list[music.Track]:
    return tracks([(entry or {}).get("track") for entry in items])


def item_uris(items: Iterable[Any]) -> list[str | None]:
    """Each playlist item's URI (``None`` if it has none): ``item`` since February 2026,
    ``track`` before."""
    entries = (e.get("item") or e.get("track") if isinstance(e, dict) else None for e in items)
    uris = (item.get("uri") if isinstance(item, dict) else None for item in entries)
    return [uri if isinstance(uri, str) else None for uri in uris]


def playlist_opening(data: Json) -> music.PlaylistOpening | None:
    """A page of playlist items → its first item (``None`` when the page is empty): its
    ``added_at`` in UTC (``None`` when missing or unreadable: an old playlist's items may have
    none) and its song's title and first artist."""
    items = data.get("items")
    if not isinstance(items, list):
        raise TypeError("not a page of playlist items")
    if not items:
        return None
    first = items[0] if isinstance(items[0], Mapping) else {}
    song = first.get("item") or first.get("track") or {}
    artists = [a for a in song.get("artists") or () if isinstance(a, Mapping)]
    return music.PlaylistOpening(
        added_at=_utc(first.get("added_at")),
        title=str(song.get("name") or ""),
        artist=str(artists[0].get("name") or "") if artists else "",
    )


def _utc(raw: object) -> dt.datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)


def album_tracks(data: Json) -> tuple[music.AlbumTracks, Json]:
    """A full album object → the album, its first page of tracks, and that page (for paging)."""
    parsed = album(data)
    page = data.get("tracks") or {"items": [], "total": 0}
    return music.AlbumTracks(parsed, tuple(tracks(page.get("items") or (), parsed))), page


def track_batch(raw: Any) -> list[music.Track]:
    """``GET /tracks?ids=`` and ``/artists/{id}/top-tracks``: the tracks under ``tracks``."""
    return tracks(raw["tracks"])


def album_batch(raw: Any) -> list[tuple[music.AlbumTracks, Json]]:
    """``GET /albums?ids=``: ``null`` for an id Spotify does not know."""
    return _each(album_tracks, raw["albums"])


def page[T](raw: Any, parse: Callable[[Iterable[Any]], Iterable[T]]) -> music.Page[T]:
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
        raise TypeError("not a paging object")
    return music.Page(tuple(parse(raw["items"])), int(raw.get("total") or 0))


def snapshot(raw: Any) -> str | None:
    return raw.get("snapshot_id") if isinstance(raw, dict) else None
