"""Search over the catalogue with Spotify's query syntax and popularity-weighted ranking.

Supports free text plus the field filters ``artist:``, ``album:``, ``track:``, ``year:``
(single year or range), ``genre:``, ``isrc:``, ``upc:``, ``tag:hipster`` (albums in the
lowest 10 % of popularity) and ``tag:new`` (albums released in the past two weeks).
Values may be quoted: ``artist:"Hazel Wren"``.

Tracks rank by hidden popularity plus a fixed, per-track Gaussian offset (``noise``, the
``search_noise`` of the config, in popularity points): popularity-led but noisy like
Spotify's, so a karaoke cover sometimes outranks the original. The offset depends only on
the catalogue seed and the track id, so the same search always answers the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from statistics import NormalDist

from spotify_emulator.catalogue.model import Album, Artist, Catalogue, Track, normalize
from spotify_emulator.config import DEFAULT_SEARCH_NOISE

_FILTER_RE = re.compile(r'\b(artist|album|track|year|genre|isrc|upc|tag):("([^"]*)"|(\S+))',
                        re.IGNORECASE)
NEW_RELEASE_DAYS = 14
TRACK_RESULTS_KEPT = 4096  # search result lists kept per engine


@dataclass
class Query:
    terms: list[str] = field(default_factory=list)
    text: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    years: tuple[int, int] | None = None
    tags: set[str] = field(default_factory=set)


class QueryError(ValueError):
    pass


def parse_query(q: str) -> Query:
    query = Query()

    def take(m: re.Match) -> str:
        key = m.group(1).lower()
        value = m.group(3) if m.group(3) is not None else m.group(4)
        if key == "tag":
            query.tags.add(value.lower())
        elif key == "year":
            query.years = _parse_years(value)
        else:
            query.filters[key] = value
        return " "

    rest = _FILTER_RE.sub(take, q)
    query.text = normalize(rest.replace('"', " "))
    query.terms = query.text.split()
    return query


def _parse_years(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", value.strip())
    if not m:
        raise QueryError("Invalid year filter")
    start = int(m.group(1))
    end = int(m.group(2) or start)
    return (start, end) if start <= end else (end, start)


def _has_words(haystack: str, needle: str) -> bool:
    """Every word of ``needle`` starts a word in ``haystack`` (prefix matching, like typing)."""
    padded = f" {haystack}"
    return all(f" {w}" in padded for w in needle.split())


def _tier(name: str, text: str) -> int:
    """How well ``name`` (normalized) matches the free text: exact > prefix > words."""
    if not text:
        return 0
    if name == text:
        return 3
    if name.startswith(text):
        return 2
    return 1 if _has_words(name, text) else 0


_STANDARD_NORMAL = NormalDist()


def search_offset(seed: int, track_id: str) -> float:
    """A standard-normal draw fixed by (seed, track id): the shape of a track's search noise."""
    digest = hashlib.blake2b(f"{seed}:search:{track_id}".encode(), digest_size=8).digest()
    uniform = (int.from_bytes(digest, "big") + 0.5) / 2**64
    return _STANDARD_NORMAL.inv_cdf(uniform)


class SearchEngine:
    def __init__(self, catalogue: Catalogue, noise: float = DEFAULT_SEARCH_NOISE) -> None:
        self.cat = catalogue
        self.noise = noise
        self._offsets: dict[str, float] = {}
        self._track_results: dict[str, list[Track]] = {}
        # Word -> track ids credited to an artist with that word in their name: turns the
        # common `artist:"Name"` track search from a catalogue scan into a few set unions.
        self._artist_words: dict[str, set[str]] = {}
        for tid, (_base, _full, artists, _album) in catalogue.track_index.items():
            for word in set(artists.split()):
                self._artist_words.setdefault(word, set()).add(tid)

    def _tracks_by_artist_words(self, artist_f: str) -> set[str]:
        """Ids of tracks whose artists contain a word starting with each word of the filter."""
        found: set[str] | None = None
        for needle in artist_f.split():
            matching: set[str] = set()
            for word, tids in self._artist_words.items():
                if word.startswith(needle):
                    matching |= tids
            found = matching if found is None else found & matching
        return found or set()

    def _offset(self, track_id: str) -> float:
        if not self.noise:
            return 0.0
        offset = self._offsets.get(track_id)
        if offset is None:
            offset = self._offsets[track_id] = self.noise * search_offset(self.cat.seed, track_id)
        return offset

    def _artist_years(self, artist: Artist) -> set[int]:
        return {self.cat.albums[a].year for a, g in self.cat.discography[artist.id]
                if g != "appears_on"}

    def tracks_for(self, q: str, query: Query) -> list[Track]:
        """``tracks(query)`` for the query text ``q``, kept: the catalogue never changes after
        start-up, and a generation pages through each artist's results (bounded memo)."""
        found = self._track_results.get(q)
        if found is None:
            if len(self._track_results) >= TRACK_RESULTS_KEPT:
                self._track_results.clear()
            found = self._track_results[q] = self.tracks(query)
        return found

    def tracks(self, q: Query) -> list[Track]:
        cat = self.cat
        f = q.filters
        artist_f = normalize(f["artist"]) if "artist" in f else None
        album_f = normalize(f["album"]) if "album" in f else None
        track_f = normalize(f["track"]) if "track" in f else None
        genre_f = normalize(f["genre"]) if "genre" in f else None
        isrc_f = f.get("isrc", "").upper() or None
        if "upc" in f or q.tags:
            return []  # upc and tag filters only apply to albums
        scored = []
        index = cat.track_index
        candidates = (
            ((tid, index[tid]) for tid in self._tracks_by_artist_words(artist_f))
            if artist_f
            else index.items()
        )
        for tid, (base, full, artists, album) in candidates:
            if artist_f and not _has_words(artists, artist_f):
                continue
            if album_f and not _has_words(album, album_f):
                continue
            if track_f and not _has_words(full, track_f):
                continue
            track = cat.tracks[tid]
            if isrc_f and track.isrc != isrc_f:
                continue
            if q.years and not q.years[0] <= cat.albums[track.album_id].year <= q.years[1]:
                continue
            if genre_f and not any(_has_words(normalize(g), genre_f)
                                   for a in track.artist_ids for g in cat.artists[a].genres):
                continue
            if q.text and not _has_words(f"{full} {artists} {album}", q.text):
                continue
            scored.append((-(_tier(base, q.text) * 30 + track.popularity + self._offset(tid)),
                           tid))
        scored.sort()
        return [cat.tracks[tid] for _, tid in scored]

    def artists(self, q: Query) -> list[Artist]:
        f = q.filters
        if q.tags or any(k in f for k in ("album", "track", "isrc", "upc")):
            return []
        name_f = normalize(f["artist"]) if "artist" in f else None
        genre_f = normalize(f["genre"]) if "genre" in f else None
        scored = []
        for a in self.cat.artists.values():
            name = normalize(a.name)
            if name_f and not _has_words(name, name_f):
                continue
            if q.text and not _has_words(name, q.text):
                continue
            if genre_f and not any(_has_words(normalize(g), genre_f) for g in a.genres):
                continue
            if q.years and not any(q.years[0] <= y <= q.years[1] for y in self._artist_years(a)):
                continue
            scored.append((-(_tier(name, q.text) * 30 + a.popularity), a.id))
        scored.sort()
        return [self.cat.artists[aid] for _, aid in scored]

    def albums(self, q: Query, today: dt.date) -> list[Album]:
        cat = self.cat
        f = q.filters
        if any(k in f for k in ("track", "isrc", "genre")):
            return []
        artist_f = normalize(f["artist"]) if "artist" in f else None
        album_f = normalize(f["album"]) if "album" in f else None
        upc_f = f.get("upc")
        new_since = (today - dt.timedelta(days=NEW_RELEASE_DAYS)).isoformat()
        scored = []
        for aid, (name, artists) in cat.album_index.items():
            album = cat.albums[aid]
            if artist_f and not _has_words(artists, artist_f):
                continue
            if album_f and not _has_words(name, album_f):
                continue
            if upc_f and album.upc != upc_f:
                continue
            if q.years and not q.years[0] <= album.year <= q.years[1]:
                continue
            if "hipster" in q.tags and album.popularity > cat.hipster_threshold:
                continue
            if "new" in q.tags and not (len(album.release_date) == 10
                                        and new_since <= album.release_date <= today.isoformat()):
                continue
            if q.text and not _has_words(f"{name} {artists}", q.text):
                continue
            scored.append((-(_tier(name, q.text) * 30 + album.popularity), aid))
        scored.sort()
        return [cat.albums[aid] for _, aid in scored]
