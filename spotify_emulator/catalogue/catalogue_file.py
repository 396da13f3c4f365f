"""Catalogue files: a whole emulator world (catalogue + users) as one JSON document.

``python -m spotify_emulator export --seed N > FILE`` writes the synthetic catalogue,
``python -m spotify_emulator import-csv DIR --user-top-artists "A, B" > FILE`` converts a
real crawl, and ``python -m spotify_emulator --catalogue FILE`` (or
``EmulatorConfig(catalogue_file=FILE)``) serves one. Serving an exported file answers
exactly as the generated catalogue does.

Format (version 1; every id is a 22-character base62 Spotify id unless noted)::

    {
      "format": "moodystream-spotify-catalogue", "version": 1,
      "seed": 42,                 # int: salts derived ids (playlists) and the search noise
      "today": "2026-11-20",      # the catalogue's "today" (saved-track dates, tag:new)
      "source": "import-csv of ..."  (optional: where the file came from; not read)
      "artists": [{
        "id", "name",
        "genres": ["indie rock"], "popularity": 0-100 (hidden), "followers": int,
        "kind": "artist" | "tribute" | "various"  (optional, default "artist"),
        "genre_key": str (optional), "image_key": hex str (optional: derived from the id)
      }],
      "albums": [{
        "id", "name", "album_type": "album" | "single" | "compilation",
        "artist_ids": [artist id, ...],
        "release_date": "YYYY" | "YYYY-MM" | "YYYY-MM-DD",
        "edition": "studio" | "deluxe" | "live" | "remaster" | "clean" | "compilation" |
                   "single" | "remix" | "acoustic" | "karaoke" | "tribute" | "various" |
                   "new" | ... (optional, default "studio"),
        "edition_of": album id of the standard edition (optional, for deluxe & co.),
        "upc": 12 digits (optional), "label": str (optional), "image_key" (optional),
        "tracks": [{
          "id", "name", "artist_ids": [credited artist ids, main first],
          "disc_number": int, "track_number": int, "duration_ms": int,
          "explicit": bool, "isrc": "CCXXXYYNNNNN", "popularity": 0-100 (hidden),
          "version": "original" | "single" | "remaster" | "deluxe" | "live" | "remix" |
                     "acoustic" | "demo" | "instrumental" | "commentary" | "edit" |
                     "clean" | "compilation" | "karaoke" | "tribute" (optional, "original"),
          "song_key": str identifying the composition across versions (optional)
        }]
      }],
      "users": [{
        "id" (any string), "display_name", "country", "product": "premium" | "free",
        "followers": int, "has_image": bool, "explicit_filter": bool,
        "allow_listed": bool (on the default client's Development Mode allow-list, max 5),
        "label", "purpose" (optional: shown on the consent page),
        "top_artists": {"short_term": [artist ids], "medium_term": [...], "long_term": [...]},
        "top_tracks":  {"short_term": [track ids], ...},
        "followed_artists": [artist ids],
        "saved_tracks": [{"track_id", "added_at": "YYYY-MM-DDTHH:MM:SSZ"}],
        "playlists": [{"name", "description", "public": bool, "track_ids": [track ids]}],
        "followed_playlists": [{"owner_id", "index"}]   # index in the owner's "playlists"
      }]
    }

Album popularity, discographies (``/artists/{id}/albums``) and ``total_tracks`` are
derived from the tracks, as in the generated catalogue. A file that breaks the format is
refused with a :class:`CatalogueFileError` saying where.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spotify_emulator import ids
from spotify_emulator.catalogue.model import Album, Artist, Catalogue, Track, base_title
from spotify_emulator.catalogue.users import (
    TIME_RANGES,
    DemoUser,
    PlaylistSeed,
    UserBase,
    UserHistory,
    demo_user_base,
)

FORMAT_NAME = "moodystream-spotify-catalogue"
FORMAT_VERSION = 1
MAX_ALLOW_LISTED = 5
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PRECISION = {4: "year", 7: "month", 10: "day"}
ALBUM_TYPES = ("album", "single", "compilation")


class CatalogueFileError(ValueError):
    """The catalogue file is not in the documented format (the message says where)."""


@dataclass(frozen=True)
class LoadedCatalogue:
    catalogue: Catalogue
    user_base: UserBase


# -- writing --------------------------------------------------------------------------
def catalogue_document(cat: Catalogue, user_base: UserBase | None = None) -> dict[str, Any]:
    """The JSON document for a catalogue and its users (demo users when None)."""
    base = user_base or demo_user_base(cat)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "seed": cat.seed,
        "today": cat.today.isoformat(),
        "artists": [_artist_doc(a) for a in cat.artists.values()],
        "albums": [_album_doc(cat, al) for al in cat.albums.values()],
        "users": [_user_doc(u, base.histories[u.id], u.id in base.allow_list)
                  for u in base.users],
    }


def write_catalogue(doc: dict[str, Any], out: Any) -> None:
    """Write a document compactly (one artist/album per line keeps diffs readable)."""
    out.write("{\n")
    head = [k for k in doc if k not in ("artists", "albums", "users")]
    for key in head:
        out.write(f"  {json.dumps(key)}: {json.dumps(doc[key], ensure_ascii=False)},\n")
    for n, key in enumerate(("artists", "albums", "users")):
        out.write(f"  {json.dumps(key)}: [\n")
        items = doc.get(key, [])
        for i, item in enumerate(items):
            sep = "," if i < len(items) - 1 else ""
            out.write(f"    {json.dumps(item, ensure_ascii=False, separators=(',', ':'))}{sep}\n")
        out.write("  ]" + (",\n" if n < 2 else "\n"))
    out.write("}\n")


def _artist_doc(a: Artist) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "genres": list(a.genres), "popularity": a.popularity,
            "followers": a.followers, "kind": a.kind, "genre_key": a.genre_key,
            "image_key": a.image_key}


def _album_doc(cat: Catalogue, al: Album) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": al.id, "name": al.name, "album_type": al.album_type,
        "artist_ids": list(al.artist_ids), "release_date": al.release_date,
        "edition": al.edition, "upc": al.upc, "label": al.label, "image_key": al.image_key,
    }
    if al.edition_of:
        doc["edition_of"] = al.edition_of
    doc["tracks"] = [_track_doc(cat.tracks[t]) for t in al.track_ids]
    return doc


def _track_doc(t: Track) -> dict[str, Any]:
    return {"id": t.id, "name": t.name, "artist_ids": list(t.artist_ids),
            "disc_number": t.disc_number, "track_number": t.track_number,
            "duration_ms": t.duration_ms, "explicit": t.explicit, "isrc": t.isrc,
            "popularity": t.popularity, "version": t.version, "song_key": t.song_key}


def _user_doc(u: DemoUser, hist: UserHistory, allow_listed: bool) -> dict[str, Any]:
    return {
        "id": u.id, "display_name": u.display_name, "label": u.label, "purpose": u.purpose,
        "country": u.country, "product": u.product, "followers": u.followers,
        "has_image": u.has_image, "explicit_filter": u.explicit_filter,
        "allow_listed": allow_listed, "genres": list(u.genres),
        "top_artists": {r: list(hist.top_artists.get(r, [])) for r in TIME_RANGES},
        "top_tracks": {r: list(hist.top_tracks.get(r, [])) for r in TIME_RANGES},
        "followed_artists": list(hist.followed_artists),
        "saved_tracks": [{"track_id": t, "added_at": at} for t, at in hist.saved_tracks],
        "playlists": [{"name": p.name, "description": p.description, "public": p.public,
                       "track_ids": list(p.track_ids)} for p in hist.playlists],
        "followed_playlists": [{"owner_id": o, "index": i} for o, i in hist.followed_playlists],
    }


# -- reading --------------------------------------------------------------------------
def load_catalogue_file(path: str | os.PathLike[str]) -> LoadedCatalogue:
    """Load a catalogue file (cached per path and modification time: treat as read-only)."""
    p = Path(path)
    try:
        stat = p.stat()
    except OSError as err:
        raise CatalogueFileError(f"cannot read catalogue file {p}: {err.strerror}") from None
    return _load_cached(str(p.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, _mtime_ns: int, _size: int) -> LoadedCatalogue:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, UnicodeDecodeError) as err:
        raise CatalogueFileError(f"cannot read catalogue file {path}: {err}") from None
    except json.JSONDecodeError as err:
        raise CatalogueFileError(f"{path} is not JSON: {err}") from None
    return catalogue_from_document(doc)


def catalogue_from_document(doc: Any) -> LoadedCatalogue:
    """Build a catalogue and its users from a parsed document, checking the format."""
    r = _Reader()
    try:
        return r.read(doc)
    except CatalogueFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise CatalogueFileError(f"{r.where}: {type(err).__name__}: {err}") from None


class _Reader:
    def __init__(self) -> None:
        self.where = "document"

    def fail(self, message: str) -> CatalogueFileError:
        return CatalogueFileError(f"{self.where}: {message}")

    def read(self, doc: Any) -> LoadedCatalogue:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
            raise self.fail(f'not a catalogue file (expected "format": "{FORMAT_NAME}")')
        if doc.get("version") != FORMAT_VERSION:
            raise self.fail(f"unsupported version {doc.get('version')!r} "
                            f"(this emulator reads version {FORMAT_VERSION})")
        seed = doc.get("seed", 0)
        if not isinstance(seed, int):
            raise self.fail("seed must be an integer")
        try:
            today = dt.date.fromisoformat(str(doc.get("today", "")))
        except ValueError:
            raise self.fail('"today" must be a date YYYY-MM-DD') from None
        cat = Catalogue(seed, today)
        for i, a in enumerate(self._list(doc, "artists")):
            self.where = f"artists[{i}]"
            self._artist(cat, seed, a)
        for i, al in enumerate(self._list(doc, "albums")):
            self.where = f"albums[{i}]"
            self._album(cat, seed, al)
        self.where = "albums"
        for al in cat.albums.values():
            if al.edition_of and al.edition_of not in cat.albums:
                raise self.fail(f"album {al.id}: edition_of {al.edition_of!r} is no album")
        cat.finish_indexes()
        users: list[DemoUser] = []
        histories: dict[str, UserHistory] = {}
        allow: list[str] = []
        for i, u in enumerate(self._list(doc, "users")):
            self.where = f"users[{i}]"
            user, hist, allowed = self._user(cat, u)
            if user.id in histories:
                raise self.fail(f"duplicate user id {user.id!r}")
            users.append(user)
            histories[user.id] = hist
            if allowed:
                allow.append(user.id)
        self.where = "users"
        if len(allow) > MAX_ALLOW_LISTED:
            raise self.fail(f"at most {MAX_ALLOW_LISTED} users can be allow_listed "
                            f"(Development Mode), not {len(allow)}")
        for user in users:
            for owner, index in histories[user.id].followed_playlists:
                if owner not in histories or not 0 <= index < len(histories[owner].playlists):
                    raise self.fail(f"{user.id} follows a playlist that does not exist "
                                    f"({owner!r}, {index})")
        return LoadedCatalogue(cat, UserBase(tuple(users), histories, tuple(allow)))

    def _list(self, doc: dict, key: str) -> list:
        value = doc.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f'"{key}" must be a list')
        return value

    def _id(self, value: Any, what: str) -> str:
        if not isinstance(value, str) or not ids.is_base62_id(value):
            raise self.fail(f"{what} {value!r} is not a 22-character base62 id")
        return value

    def _artist(self, cat: Catalogue, seed: int, a: dict) -> None:
        aid = self._id(a["id"], "artist id")
        if aid in cat.artists:
            raise self.fail(f"duplicate artist id {aid}")
        popularity = int(a.get("popularity", 0))
        if not 0 <= popularity <= 100:
            raise self.fail("popularity must be 0-100")
        kind = a.get("kind", "artist")
        if kind not in ("artist", "tribute", "various"):
            raise self.fail(f"unknown kind {kind!r}")
        cat.artists[aid] = Artist(aid, str(a["name"]), tuple(str(g) for g in a.get("genres", [])),
                                  str(a.get("genre_key", "")), popularity,
                                  int(a.get("followers", 0)),
                                  str(a.get("image_key") or ids.hex_id(seed, "artist-img", aid)),
                                  kind)
        cat.discography[aid] = []

    def _album(self, cat: Catalogue, seed: int, al: dict) -> None:
        alid = self._id(al["id"], "album id")
        if alid in cat.albums:
            raise self.fail(f"duplicate album id {alid}")
        album_type = al.get("album_type", "album")
        if album_type not in ALBUM_TYPES:
            raise self.fail(f"album_type must be one of {ALBUM_TYPES}, not {album_type!r}")
        artist_ids = tuple(self._known_artist(cat, x) for x in al["artist_ids"])
        if not artist_ids:
            raise self.fail("an album needs at least one artist")
        date = str(al["release_date"])
        if not _DATE_RE.match(date):
            raise self.fail(f"release_date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        album = Album(alid, str(al["name"]), album_type, artist_ids, date, _PRECISION[len(date)],
                      int(date[:4]), str(al.get("edition", "studio")),
                      str(al.get("upc") or ids.upc(seed, alid)), str(al.get("label", "")),
                      str(al.get("image_key") or ids.hex_id(seed, "album-img", alid)),
                      sort_date=date, edition_of=al.get("edition_of"))
        cat.albums[alid] = album
        tracks = al.get("tracks", [])
        if not isinstance(tracks, list) or not tracks:
            raise self.fail("an album needs a non-empty list of tracks")
        where = self.where
        for n, t in enumerate(tracks):
            self.where = f"{where}.tracks[{n}]"
            self._track(cat, album, t)
        self.where = where

    def _known_artist(self, cat: Catalogue, value: Any) -> str:
        aid = self._id(value, "artist id")
        if aid not in cat.artists:
            raise self.fail(f"artist {aid} is not in \"artists\"")
        return aid

    def _track(self, cat: Catalogue, album: Album, t: dict) -> None:
        tid = self._id(t["id"], "track id")
        if tid in cat.tracks:
            raise self.fail(f"duplicate track id {tid}")
        credits = tuple(self._known_artist(cat, x) for x in t["artist_ids"])
        if not credits:
            raise self.fail("a track needs at least one artist")
        popularity = int(t.get("popularity", 0))
        if not 0 <= popularity <= 100:
            raise self.fail("popularity must be 0-100")
        isrc = str(t["isrc"])
        if not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}\d{7}", isrc):
            raise self.fail(f"isrc {isrc!r} is not an ISRC (CC-XXX-YY-NNNNN without dashes)")
        duration = int(t["duration_ms"])
        if duration <= 0:
            raise self.fail("duration_ms must be positive")
        name = str(t["name"])
        track = Track(tid, name, credits, album.id, int(t.get("disc_number", 1)),
                      int(t["track_number"]), duration, bool(t.get("explicit", False)), isrc,
                      popularity, str(t.get("version", "original")),
                      str(t.get("song_key") or f"{credits[0]}:{base_title(name)}"))
        cat.tracks[tid] = track
        album.track_ids.append(tid)

    def _user(self, cat: Catalogue, u: dict) -> tuple[DemoUser, UserHistory, bool]:
        uid = u["id"]
        if not isinstance(uid, str) or not re.fullmatch(r"[0-9A-Za-z._-]{1,64}", uid):
            raise self.fail(f"user id {uid!r}: use 1-64 letters, digits, '.', '_' or '-'")
        hist = UserHistory()
        for kind, known in (("top_artists", cat.artists), ("top_tracks", cat.tracks)):
            ranges = u.get(kind, {})
            for r in ranges:
                if r not in TIME_RANGES:
                    raise self.fail(f"{kind}: unknown time range {r!r}")
            getattr(hist, kind).update(
                {r: list(self._refs(ranges.get(r, []), known, kind)) for r in TIME_RANGES})
        hist.followed_artists = list(self._refs(u.get("followed_artists", []), cat.artists,
                                                "followed_artists"))
        for s in u.get("saved_tracks", []):
            (tid,) = self._refs([s["track_id"]], cat.tracks, "saved_tracks")
            hist.saved_tracks.append((tid, str(s["added_at"])))
        for p in u.get("playlists", []):
            hist.playlists.append(PlaylistSeed(
                str(p["name"]), str(p.get("description", "")), bool(p.get("public", True)),
                list(self._refs(p.get("track_ids", []), cat.tracks, "playlist track_ids")), uid))
        hist.followed_playlists = [(str(f["owner_id"]), int(f["index"]))
                                   for f in u.get("followed_playlists", [])]
        display = str(u.get("display_name") or uid)
        user = DemoUser(
            uid, display, str(u.get("label") or display), str(u.get("purpose") or ""),
            str(u.get("country", "US")), str(u.get("product", "premium")),
            tuple(u.get("genres", ())),
            tuple(len(hist.top_artists[r]) for r in TIME_RANGES),  # type: ignore[arg-type]
            len(hist.followed_artists), len(hist.saved_tracks),
            tuple(p.name for p in hist.playlists), int(u.get("followers", 0)),
            has_image=bool(u.get("has_image", True)),
            explicit_filter=bool(u.get("explicit_filter", False)))
        if user.product not in ("premium", "free"):
            raise self.fail("product must be 'premium' or 'free'")
        return user, hist, bool(u.get("allow_listed", True))

    def _refs(self, values: Any, known: dict, what: str) -> Iterator[str]:
        if not isinstance(values, list):
            raise self.fail(f"{what} must be a list of ids")
        for v in values:
            if v not in known:
                raise self.fail(f"{what}: {v!r} is not in the catalogue")
            yield v
