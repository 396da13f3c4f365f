"""The deterministic, seeded music catalogue: artists, releases, recordings.

Generated in code (no data files) so it is cheap to build, reproducible from a seed and
rich in the messy cases a playlist builder must cope with: the same recording (same ISRC)
on singles, albums, deluxe editions, remasters and compilations; remixes, acoustic, live,
demo, instrumental and commentary versions; explicit and clean versions with different
ISRCs; features; karaoke and tribute covers by other "artists"; a power-law popularity.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import unicodedata
from dataclasses import dataclass, field

ALBUM_MARKETS = ("CA", "DE", "ES", "FR", "GB", "JP", "MX", "NL", "SE", "US")
ALBUM_IMAGE_PREFIXES = ((640, "ab67616d0000b273"), (300, "ab67616d00001e02"),
                        (64, "ab67616d00004851"))
ARTIST_IMAGE_PREFIXES = ((640, "ab6761610000e5eb"), (300, "ab67616100005174"),
                         (64, "ab6761610000f178"))
GROUP_ORDER = {"album": 0, "single": 1, "appears_on": 2, "compilation": 3}


@dataclass(slots=True)
class Artist:
    id: str
    name: str
    genres: tuple[str, ...]
    genre_key: str
    popularity: int
    followers: int
    image_key: str
    kind: str = "artist"  # "artist" | "tribute" | "various"


@dataclass(slots=True)
class Album:
    id: str
    name: str
    album_type: str  # "album" | "single" | "compilation"
    artist_ids: tuple[str, ...]
    release_date: str
    release_date_precision: str
    year: int
    edition: str  # studio, single, clean, deluxe, remaster, live, compilation, remix, ...
    upc: str
    label: str
    image_key: str
    track_ids: list[str] = field(default_factory=list)
    popularity: int = 0
    sort_date: str = ""
    #: The standard edition this one re-issues (deluxe, remaster, clean), if any.
    edition_of: str | None = None


@dataclass(slots=True)
class Track:
    id: str
    name: str
    artist_ids: tuple[str, ...]
    album_id: str
    disc_number: int
    track_number: int
    duration_ms: int
    explicit: bool
    isrc: str
    popularity: int
    version: str  # original, single, remaster, deluxe, live, remix, acoustic, demo, ...
    song_key: str  # identifies the composition across versions


_NON_WORD_RE = re.compile(r"[^\w&]+|_+")


@functools.lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form used for matching search queries.

    Letters of every script are kept ("Пётр" -> "петр", "東京" stays), so artists from any
    catalogue can be searched by name.
    """
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD_RE.sub(" ", text.casefold()).split())


_SUFFIX_RE = re.compile(r"\s+-\s+.*$|\s*[\(\[].*$")


def base_title(name: str) -> str:
    """The song title without version suffixes ("- Remastered 2011", "(feat. X)", ...)."""
    return _SUFFIX_RE.sub("", name).strip() or name


class Catalogue:
    """Read-only catalogue with the look-ups the Web API needs."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.seed = seed
        self.today = today
        self.artists: dict[str, Artist] = {}
        self.albums: dict[str, Album] = {}
        self.tracks: dict[str, Track] = {}
        self.discography: dict[str, list[tuple[str, str]]] = {}
        self.tracks_by_artist: dict[str, list[Track]] = {}
        self.hipster_threshold = 0
        self._index_lock = threading.Lock()
        self._track_index: dict[str, tuple[str, str, str, str]] | None = None
        self._album_index: dict[str, tuple[str, str]] | None = None

    # -- search indexes (built on first search, keeping startup fast) -------------------
    @property
    def track_index(self) -> dict[str, tuple[str, str, str, str]]:
        """track id -> (normalized base title, normalized name, artist names, album name)."""
        if self._track_index is None:
            with self._index_lock:
                if self._track_index is None:
                    index = {}
                    for t in self.tracks.values():
                        artists = " ".join(normalize(self.artists[a].name) for a in t.artist_ids)
                        index[t.id] = (normalize(base_title(t.name)), normalize(t.name), artists,
                                       normalize(self.albums[t.album_id].name))
                    self._track_index = index
        return self._track_index

    @property
    def album_index(self) -> dict[str, tuple[str, str]]:
        """album id -> (normalized name, normalized artist names)."""
        if self._album_index is None:
            with self._index_lock:
                if self._album_index is None:
                    self._album_index = {
                        al.id: (normalize(al.name),
                                " ".join(normalize(self.artists[a].name) for a in al.artist_ids))
                        for al in self.albums.values()}
        return self._album_index

    # -- look-ups -----------------------------------------------------------------------
    def main_artists(self) -> list[Artist]:
        """Real (non-tribute, non-"Various Artists") artists, in generation order."""
        return [a for a in self.artists.values() if a.kind == "artist"]

    def artist_by_name(self, name: str) -> Artist | None:
        wanted = normalize(name)
        return next((a for a in self.artists.values() if normalize(a.name) == wanted), None)

    def artist_tracks(self, artist_id: str) -> list[Track]:
        """Every track crediting the artist (main or featured), in catalogue order."""
        return self.tracks_by_artist.get(artist_id, [])

    def top_tracks(self, artist_id: str, n: int = 10) -> list[Track]:
        """Most popular recordings of an artist, one per ISRC (like Spotify's top tracks)."""
        best: dict[str, Track] = {}
        for t in self.artist_tracks(artist_id):
            if t.artist_ids[0] != artist_id:
                continue
            cur = best.get(t.isrc)
            if cur is None or t.popularity > cur.popularity:
                best[t.isrc] = t
        return sorted(best.values(), key=lambda t: (-t.popularity, t.id))[:n]

    def canonical_hits(self, artist_id: str, n: int) -> list[Track]:
        """An artist's most popular original studio recordings (for users' top tracks)."""
        originals = [t for t in self.artist_tracks(artist_id)
                     if t.version == "original" and t.artist_ids[0] == artist_id]
        return sorted(originals, key=lambda t: (-t.popularity, t.id))[:n]

    def finish_indexes(self) -> None:
        """Derive album popularity, discographies and per-artist track lists from the
        artists, albums and tracks (after generating or loading a catalogue)."""
        cat = self
        for album in cat.albums.values():
            pops = [cat.tracks[t].popularity for t in album.track_ids] or [0]
            score = max(pops) * 0.9 + sum(pops) / len(pops) * 0.1
            album.popularity = max(0, min(100, round(score)))
            primary = set(album.artist_ids)
            featured = {a for t in album.track_ids for a in cat.tracks[t].artist_ids} - primary
            for aid in album.artist_ids:
                if aid in cat.discography:
                    cat.discography[aid].append((album.id, album.album_type))
            for aid in featured:
                cat.discography[aid].append((album.id, "appears_on"))
        if cat.albums:
            ordered = sorted(a.popularity for a in cat.albums.values())
            cat.hipster_threshold = ordered[max(0, len(ordered) // 10 - 1)]
        for t in cat.tracks.values():
            for aid in t.artist_ids:
                cat.tracks_by_artist.setdefault(aid, []).append(t)
        for entries in cat.discography.values():
            entries.sort(key=lambda e: (GROUP_ORDER[e[1]], _neg_date(cat.albums[e[0]].sort_date),
                                        e[0]))


def _neg_date(date: str) -> str:
    """Sort key that orders ISO-ish dates newest first."""
    return "".join(chr(0x7A - ord(c)) if c.isdigit() else c for c in date.ljust(10, "0"))
