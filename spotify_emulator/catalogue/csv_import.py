"""``import-csv``: a real discography crawl (CSV) -> a catalogue file with one user.

Reads the three files of the crawl format in ``../shared/real-catalogue-sample/``
(``final_data_artist.csv``, ``final_data_album.csv``, ``final_data_track.csv``; see its
README). Works for any artists and scripts; what the crawl lacks is filled in
deterministically (the same input always gives the same file):

- artists credited on tracks or albums but missing from the artist file get a placeholder
  name ("Unlisted artist 1a2B3c") and no popularity;
- album editions (deluxe, live, remaster, compilation, commentary, instrumental) and track
  versions are read from the titles (:mod:`spotify_emulator.catalogue.versions`); an edition points
  to its standard album (same base title, same artist) with ``edition_of``;
- ISRCs: one per recording. A title shared by editions of one album (standard, deluxe,
  remaster) or copied onto a compilation shares the ISRC, as re-releases do; live, remix,
  demo, ... versions and clean twins of explicit songs get their own;
- durations: plausible (about 2-6 minutes; shorter for intros, commentary; longer live),
  fixed per ISRC; disc number 1 (the crawl has none);
- the user (``--user-id``, default ``listener``) has the named artists as top artists in
  every time range and follows them; top tracks, saved tracks and one playlist come from
  those artists' recordings drawn by popularity (likelier, not certain, to be the most played).
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import hashlib
import math
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spotify_emulator import ids
from spotify_emulator.catalogue.catalogue_file import FORMAT_NAME, FORMAT_VERSION
from spotify_emulator.catalogue.model import base_title, normalize
from spotify_emulator.catalogue.users import TIME_RANGES
from spotify_emulator.catalogue.versions import DISTINCT_RECORDINGS, album_edition, track_version

ARTIST_FILE = "final_data_artist.csv"
ALBUM_FILE = "final_data_album.csv"
TRACK_FILE = "final_data_track.csv"
ARTIST_COLUMNS = ("artist_id", "artist_name", "artist_genre", "artist_popularity",
                  "artist_followers")
ALBUM_COLUMNS = ("album_id", "album_name", "album_release_date", "album_artist_id")
TRACK_COLUMNS = ("track_id", "track_name", "track_artist_id", "track_album_id", "track_number",
                 "track_popularity", "track_explicit")
_DATE_RE = re.compile(r"^(\d{4})(-(\d{2}))?(-(\d{2}))?$")
_SHORT_TITLE = re.compile(r"\b(intro|outro|interlude|skit|prelude|reprise)\b")
IMPORT_SEED = 0


class CsvImportError(ValueError):
    """The crawl cannot be converted (missing file or column, bad value, unknown name)."""


@dataclass
class _Album:
    id: str
    name: str
    artist_id: str
    date: str
    edition: str
    family: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    edition_of: str | None = None


def _read(directory: Path, filename: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    path = directory / filename
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                raise CsvImportError(f"{path}: missing column(s) {', '.join(missing)}")
            return [dict(row, _line=str(n)) for n, row in enumerate(reader, start=2)]
    except FileNotFoundError:
        raise CsvImportError(f"{path} not found (a crawl directory holds {ARTIST_FILE}, "
                             f"{ALBUM_FILE} and {TRACK_FILE})") from None
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise CsvImportError(f"cannot read {path}: {err}") from None


def _int(row: dict[str, str], column: str, filename: str, default: int | None = None) -> int:
    value = (row.get(column) or "").strip()
    try:
        return int(float(value))
    except ValueError:
        if default is not None and not value:
            return default
        raise CsvImportError(f"{filename} line {row['_line']}: {column} {value!r} is not a "
                             "number") from None


def _date(row: dict[str, str]) -> str:
    value = (row.get("album_release_date") or "").strip()
    m = _DATE_RE.match(value)
    if not m or (m.group(3) and not 1 <= int(m.group(3)) <= 12) or \
            (m.group(5) and not 1 <= int(m.group(5)) <= 31):
        raise CsvImportError(f"{ALBUM_FILE} line {row['_line']}: album_release_date {value!r} "
                             "is not YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def _genres(value: str) -> list[str]:
    value = (value or "").strip()
    if not value:
        return []
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return [g.strip(" '\"") for g in value.strip("[]").split(",") if g.strip(" '\"")]
    return [str(g) for g in parsed] if isinstance(parsed, list | tuple) else [str(parsed)]


def _hash(*parts: str) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest(),
                          "big")


def _isrc(artist_id: str, recording: str, year: int) -> str:
    h = _hash("isrc", artist_id, recording)
    registrant = "".join(ids.BASE62[10 + (h >> (8 * i)) % 26] for i in range(3))
    return f"QZ{registrant}{year % 100:02d}{(h >> 24) % 100000:05d}"


def _duration_ms(recording: str, title: str, version: str) -> int:
    h = _hash("duration", recording)
    if version == "commentary":
        seconds = 45 + h % 150
    elif _SHORT_TITLE.search(normalize(title)):
        seconds = 40 + h % 110
    else:
        # A triangular spread around 3:35 (about 2:20 to 5:50), like most pop/rock catalogues.
        seconds = 140 + (h % 106) + ((h >> 16) % 106)
        seconds += {"live": 25, "remix": 40, "demo": 5, "edit": -30}.get(version, 0)
    return seconds * 1000 + (h >> 32) % 1000


class _Importer:
    def __init__(self, directory: Path, today: dt.date | None) -> None:
        self.directory = directory
        self.today = today
        self.artists: dict[str, dict[str, Any]] = {}
        self.id_map: dict[str, str] = {}

    def spotify_id(self, raw: str, kind: str) -> str:
        """The crawl's id when it is a Spotify id, else a stable derived one."""
        raw = raw.strip()
        if ids.is_base62_id(raw):
            return raw
        key = f"{kind}:{raw}"
        if key not in self.id_map:
            self.id_map[key] = ids.base62_id(IMPORT_SEED, kind, raw)
        return self.id_map[key]

    def artist(self, raw: str) -> str:
        aid = self.spotify_id(raw, "artist")
        if aid not in self.artists:
            self.artists[aid] = {"id": aid, "name": f"Unlisted artist {aid[:6]}", "genres": [],
                                 "popularity": 0, "followers": 0, "kind": "artist"}
        return aid

    def run(self, top_artist_names: list[str], user_id: str) -> dict[str, Any]:
        artist_rows = _read(self.directory, ARTIST_FILE, ARTIST_COLUMNS)
        album_rows = _read(self.directory, ALBUM_FILE, ALBUM_COLUMNS)
        track_rows = _read(self.directory, TRACK_FILE, TRACK_COLUMNS)
        for row in artist_rows:
            aid = self.spotify_id(row["artist_id"], "artist")
            if aid in self.artists or not row["artist_id"].strip():
                continue
            self.artists[aid] = {
                "id": aid, "name": row["artist_name"].strip() or f"Unlisted artist {aid[:6]}",
                "genres": _genres(row.get("artist_genre", "")),
                "popularity": max(0, min(100, _int(row, "artist_popularity", ARTIST_FILE, 0))),
                "followers": max(0, _int(row, "artist_followers", ARTIST_FILE, 0)),
                "kind": "artist"}
        listed = list(self.artists)
        top_ids = self.resolve_names(top_artist_names, listed)
        albums = self.albums(album_rows)
        self.attach_tracks(albums, track_rows)
        albums = {k: a for k, a in albums.items() if a.rows}
        if not albums:
            raise CsvImportError(f"{TRACK_FILE}: no track belongs to an album of {ALBUM_FILE}")
        self.link_editions(albums)
        album_docs = self.album_documents(albums)
        newest = max(a.date for a in albums.values())
        today = self.today or _next_day(newest)
        return {
            "format": FORMAT_NAME, "version": FORMAT_VERSION, "seed": IMPORT_SEED,
            "today": today.isoformat(),
            "source": f"import-csv of {self.directory.name}",
            "artists": list(self.artists.values()),
            "albums": album_docs,
            "users": [self.user(user_id, top_ids, album_docs, today)],
        }

    def resolve_names(self, names: list[str], listed: list[str]) -> list[str]:
        if not names:
            raise CsvImportError("--user-top-artists names no artist")
        by_name: dict[str, str] = {}
        for aid in listed:
            by_name.setdefault(normalize(self.artists[aid]["name"]) or
                               self.artists[aid]["name"].casefold(), aid)
        out: list[str] = []
        for name in names:
            found = by_name.get(normalize(name) or name.casefold())
            if found is None:
                raise CsvImportError(f"no artist named {name!r} in {ARTIST_FILE}")
            if found not in out:
                out.append(found)
        return out

    def albums(self, rows: list[dict[str, str]]) -> dict[str, _Album]:
        albums: dict[str, _Album] = {}
        for row in rows:
            if not row["album_id"].strip():
                continue
            alid = self.spotify_id(row["album_id"], "album")
            if alid in albums:
                continue
            name = row["album_name"].strip() or "Untitled"
            artist_id = self.artist(row["album_artist_id"] or "unknown")
            albums[alid] = _Album(alid, name, artist_id, _date(row), album_edition(name),
                                  normalize(base_title(name)) or name.casefold())
        return albums

    def attach_tracks(self, albums: dict[str, _Album], rows: list[dict[str, str]]) -> None:
        seen: set[str] = set()
        for row in rows:
            tid = self.spotify_id(row["track_id"], "track") if row["track_id"].strip() else ""
            alid = self.spotify_id(row["track_album_id"], "album")
            if not tid or tid in seen or alid not in albums:
                continue  # tracks of albums the crawl does not list cannot be placed
            seen.add(tid)
            album = albums[alid]
            credits = [album.artist_id]
            if row["track_artist_id"].strip():
                performer = self.artist(row["track_artist_id"])
                if performer not in credits:
                    credits.append(performer)
            explicit = row["track_explicit"].strip().lower() in ("true", "1", "yes", "t")
            album.rows.append({
                "id": tid, "name": row["track_name"].strip() or "Untitled",
                "artist_ids": credits,
                "number": max(1, _int(row, "track_number", TRACK_FILE, 1)),
                "popularity": max(0, min(100, _int(row, "track_popularity", TRACK_FILE, 0))),
                "explicit": explicit})
        for album in albums.values():
            album.rows.sort(key=lambda r: (r["number"], r["id"]))

    @staticmethod
    def link_editions(albums: dict[str, _Album]) -> None:
        families: dict[tuple[str, str], list[_Album]] = defaultdict(list)
        for album in albums.values():
            families[(album.artist_id, album.family)].append(album)
        for members in families.values():
            standard = sorted((a for a in members if a.edition == "studio"),
                              key=lambda a: (a.date, a.id))
            for album in members:
                if album.edition in ("deluxe", "remaster") and standard:
                    album.edition_of = standard[0].id

    def album_documents(self, albums: dict[str, _Album]) -> list[dict[str, Any]]:
        ordered = sorted(albums.values(), key=lambda a: (a.date, a.id))
        # Recording key -> first year, for ISRC years; title -> first album recording.
        first_year: dict[tuple[str, str], int] = {}
        studio_titles: dict[tuple[str, str], str] = {}
        explicit_keys: set[tuple[str, str]] = set()
        plan: list[tuple[_Album, dict[str, Any], str, tuple[str, str]]] = []
        for album in ordered:
            family = albums[album.edition_of].family if album.edition_of else album.family
            for row in album.rows:
                version = track_version(row["name"], album.edition)
                if album.edition == "deluxe" and album.edition_of and version == "original":
                    standard = albums[album.edition_of]
                    titles = {normalize(base_title(r["name"])) for r in standard.rows}
                    if normalize(base_title(row["name"])) in titles:
                        version = "deluxe"
                title = normalize(base_title(row["name"])) or row["name"].casefold()
                if version in DISTINCT_RECORDINGS:
                    recording = f"{family}|{normalize(row['name']) or row['name'].casefold()}"
                elif version == "compilation":
                    recording = studio_titles.get((album.artist_id, title), f"{family}|{title}")
                else:
                    recording = f"{family}|{title}"
                    studio_titles.setdefault((album.artist_id, title), recording)
                key = (album.artist_id, recording)
                if row["explicit"]:
                    explicit_keys.add(key)
                first_year.setdefault(key, int(album.date[:4]))
                plan.append((album, row, version, key))
        docs: dict[str, dict[str, Any]] = {}
        for album, row, version, key in plan:
            recording = key[1]
            if not row["explicit"] and key in explicit_keys:
                recording += "|clean"  # a clean twin of an explicit song: its own ISRC
                version = "clean" if version in ("original", "deluxe") else version
            doc = docs.get(album.id)
            if doc is None:
                doc = docs[album.id] = {
                    "id": album.id, "name": album.name,
                    "album_type": "album", "artist_ids": [album.artist_id],
                    "release_date": album.date, "edition": album.edition, "tracks": []}
                if album.edition_of:
                    doc["edition_of"] = album.edition_of
            isrc = _isrc(key[0], recording, first_year[key])
            doc["tracks"].append({
                "id": row["id"], "name": row["name"], "artist_ids": row["artist_ids"],
                "disc_number": 1, "track_number": row["number"],
                "duration_ms": _duration_ms(f"{key[0]}|{recording}", row["name"], version),
                "explicit": row["explicit"], "isrc": isrc, "popularity": row["popularity"],
                "version": version,
                "song_key": f"{key[0]}:{normalize(base_title(row['name'])) or row['name']}"})
        return list(docs.values())

    def user(self, user_id: str, top_ids: list[str], albums: list[dict[str, Any]],
             today: dt.date) -> dict[str, Any]:
        best: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for album in albums:
            for t in album["tracks"]:
                if t["artist_ids"][0] in top_ids and t["version"] in ("original", "deluxe",
                                                                       "remaster"):
                    best[t["artist_ids"][0]].append(t)
        by_artist: dict[str, list[str]] = {}
        for aid in top_ids:
            songs: dict[str, dict[str, Any]] = {}
            for t in sorted(best[aid], key=lambda t: (-t["popularity"], t["id"])):
                songs.setdefault(t["isrc"], t)
            by_artist[aid] = _listening_order(f"{user_id}:{aid}", list(songs.values()))
        top_tracks = {r: _round_robin(by_artist, depth, 50)
                      for r, depth in zip(TIME_RANGES, (2, 3, 4), strict=True)}
        saved_pool = _round_robin({a: v[1::2] for a, v in by_artist.items()}, 6, 200)
        noon = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
        saved = [{"track_id": tid, "added_at": (noon - dt.timedelta(hours=37 * i)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")} for i, tid in enumerate(saved_pool)]
        return {
            "id": user_id, "display_name": user_id.replace("_", " ").title(),
            "label": f"{user_id} (imported catalogue)",
            "purpose": "the listener of an imported real catalogue",
            "country": "US", "product": "premium", "followers": 0, "has_image": False,
            "explicit_filter": False, "allow_listed": True,
            "top_artists": {r: list(top_ids) for r in TIME_RANGES},
            "top_tracks": top_tracks,
            "followed_artists": list(top_ids),
            "saved_tracks": saved,
            "playlists": [{"name": "Favourites", "description": "Imported favourites",
                           "public": True, "track_ids": _round_robin(by_artist, 3, 30)}],
            "followed_playlists": [],
        }


def _listening_order(seed: str, songs: list[dict[str, Any]]) -> list[str]:
    """The order in which a fan plays an artist's songs: popular songs are likelier, but not
    certain, to come first (weight e^(popularity/10), drawn without replacement, fixed per
    seed). Taking the crawl's exact most popular songs would hand the app's ranking the very
    popularity it is measured against."""
    rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())
    keyed = [(rng.random() ** (1 / math.exp(t["popularity"] / 10)), t["id"]) for t in songs]
    return [tid for _, tid in sorted(keyed, reverse=True)]


def _round_robin(lists: dict[str, list[str]], depth: int, limit: int) -> list[str]:
    out: list[str] = []
    for d in range(depth):
        for items in lists.values():
            if d < len(items) and items[d] not in out:
                out.append(items[d])
    return out[:limit]


def _next_day(date: str) -> dt.date:
    parts = [int(p) for p in date.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], min(parts[2], 28)) + dt.timedelta(days=1)


def import_csv_directory(directory: str | os.PathLike[str], top_artist_names: list[str],
                         user_id: str = "listener", today: dt.date | None = None
                         ) -> dict[str, Any]:
    """The catalogue document for a crawl directory (see the module docstring)."""
    path = Path(directory)
    if not path.is_dir():
        raise CsvImportError(f"{path} is not a directory")
    if not re.fullmatch(r"[0-9A-Za-z._-]{1,64}", user_id):
        raise CsvImportError(f"user id {user_id!r}: use 1-64 letters, digits, '.', '_' or '-'")
    return _Importer(path, today).run(top_artist_names, user_id)
