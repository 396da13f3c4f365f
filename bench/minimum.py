"""The smallest number of Spotify requests, and of sequential round trips, that produce a given
playlist: the figure the request count is compared with.

For a preview of *n* tracks from the user's top artists (Development Mode: search and release
lists page by 10, ``GET /albums/{id}`` embeds up to 50 tracks):

* 1 ``GET /me/top/artists`` (one page holds up to 50 artists);
* per artist, the cheapest way to reach the tracks picked for it.  A pick is either seen on a
  page of ``search?q=artist:"Name"&type=track`` — the first *d* pages, or any 10-result window
  further down (``offset`` is free; offset + limit ≤ 1,000), so the fewest windows covering
  the deeper picks' positions — or fetched with its album (``GET /albums/{id}``,
  one request per distinct album, one more per 50 tracks beyond the first 50).  An album's id
  is known if a fetched page shows one of its tracks; otherwise the artist's release list is
  read up to that album (``GET /artists/{id}/albums`` filtered to the groups needed, 10 per
  page).  For each search depth *d* the cost is ``d + release-list pages + albums``; the
  artist's minimum is the least over *d* ≥ 1: the first page is how the plan tells the
  artist's hits from the rest (Development Mode has no popularity).  With *d* ≥ 0 instead, the
  result is the oracle's bound: the picks known in advance;
* 1 ``GET /me/top/tracks`` when it makes the total smaller: it shows up to 50 of the user's own
  top tracks (album included), which the ranking may pick as they are;
* 1 ``POST /me/playlists`` and ``ceil(n / 100)`` ``POST /playlists/{id}/items``.

Never counted: the playlists page read for duplicate protection, the check after creating, and
retries.

The critical path counts round trips that must follow one another: top artists → per artist its
reads (its first search pages together; then deeper windows, placed by the first page's total, or
albums whose ids a page showed; or a release list and then its albums) → create → each items write
(in order).  It is the fewest rounds of any plan within the request target (≤ 1.3× the smallest
count), not the rounds of the plan with the fewest requests: that one may reach an artist's deep
picks through a release list and an album (three rounds) where search windows, a request or two
more, reach them in two.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SEARCH_PAGE = 10
RELEASE_PAGE = 10
ALBUM_EMBEDS = 50
ITEMS_PER_WRITE = 100
MAX_SEARCH_END = 1000
UNREACHABLE = 10**6  # the request count of a plan that cannot reach a pick
REQUEST_TARGET = 1.3  # issue 13: requests ≤ 1.3× the smallest count; the critical path's budget


@dataclass
class ArtistPlan:
    artist: str
    picks: int
    search_pages: int
    release_pages: int
    album_requests: int
    search_windows: int = 0  # deeper search pages, placed by the first page's total
    #: rounds -> the fewest requests of a plan reaching the picks in that many rounds
    by_rounds: dict[int, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return self.search_pages + self.search_windows + self.release_pages + self.album_requests

    @property
    def rounds(self) -> int:
        """This plan's rounds: search pages, windows, release list, albums, each after the last."""
        return (
            (self.search_pages > 0) + (self.search_windows > 0) + (self.release_pages > 0)
            + (self.album_requests > 0)
        )

    def requests_within(self, rounds: int) -> int:
        """The fewest requests reaching the picks in at most ``rounds`` rounds."""
        options = self.by_rounds or {self.rounds: self.requests}
        return min((n for r, n in options.items() if r <= rounds), default=UNREACHABLE)


@dataclass
class MinimalPlan:
    tracks: int
    top_tracks: bool = False  # whether GET /me/top/tracks is part of the plan
    artists: list[ArtistPlan] = field(default_factory=list)

    @property
    def writes(self) -> int:
        return 1 + math.ceil(self.tracks / ITEMS_PER_WRITE)

    @property
    def requests(self) -> int:
        return 1 + self.top_tracks + sum(a.requests for a in self.artists) + self.writes

    @property
    def round_trips(self) -> int:
        """The critical path: top artists, the catalogue's rounds, create, the items writes; the
        catalogue's are the fewest in which every artist's picks are reached by a plan sending at
        most ``REQUEST_TARGET`` × the smallest count."""
        fixed = self.requests - sum(a.requests for a in self.artists)
        budget = REQUEST_TARGET * self.requests
        catalogue = max((a.rounds for a in self.artists), default=0)
        for rounds in range(1, catalogue):
            if fixed + sum(a.requests_within(rounds) for a in self.artists) <= budget:
                catalogue = rounds
                break
        return 1 + catalogue + 1 + math.ceil(self.tracks / ITEMS_PER_WRITE)

    def breakdown(self) -> str:
        search = sum(a.search_pages + a.search_windows for a in self.artists)
        releases = sum(a.release_pages for a in self.artists)
        albums = sum(a.album_requests for a in self.artists)
        return (
            f"1 top-artists + {int(self.top_tracks)} top-tracks + {search} search + "
            f"{releases} release-list + {albums} album + 1 create + "
            f"{math.ceil(self.tracks / ITEMS_PER_WRITE)} add"
        )


def minimal_plan(
    preview: Any,
    catalogue: Any,
    top_track_ids: Sequence[str] = (),
    *,
    min_search_pages: int = 1,
    search_noise: float | None = None,
) -> MinimalPlan:
    """The minimum for ``preview`` (a ``Preview``) over the emulator's ``catalogue``.

    ``top_track_ids``: what ``GET /me/top/tracks`` (the options' period, limit 50) returns.
    ``min_search_pages=1``: every artist's first search page is read, because that is how the
    plan tells an artist's hits from the rest (without Extended Quota there is no popularity);
    ``0`` gives the oracle's bound, as if the picks were known in advance.
    ``search_noise``: the emulator's (its default when None), so positions are the ones served.
    """
    from spotify_emulator.catalogue.search import SearchEngine
    from spotify_emulator.config import DEFAULT_SEARCH_NOISE

    engine = SearchEngine(catalogue, DEFAULT_SEARCH_NOISE if search_noise is None else search_noise)
    without = _plan(preview, catalogue, engine, frozenset(), min_search_pages)
    if not top_track_ids:
        return without
    with_top = _plan(preview, catalogue, engine, frozenset(top_track_ids), min_search_pages)
    with_top.top_tracks = True
    return with_top if with_top.requests < without.requests else without


def _plan(
    preview: Any, catalogue: Any, engine: Any, known: frozenset[str], min_search_pages: int
) -> MinimalPlan:
    from spotify_emulator.catalogue.search import parse_query

    by_artist: dict[str, list[Any]] = defaultdict(list)
    names: dict[str, str] = {}
    for entry in preview.entries:
        by_artist[entry.artist.id].append(entry.track)
        names[entry.artist.id] = entry.artist.name
    plan = MinimalPlan(tracks=len(preview.entries))
    for artist_id, picks in by_artist.items():
        name = names[artist_id].replace('"', " ").strip()
        results = [t.id for t in engine.tracks(parse_query(f'artist:"{name}"'))]
        plan.artists.append(
            _cheapest(artist_id, name, picks, results, catalogue, known, min_search_pages)
        )
    return plan


def _cheapest(
    artist_id: str,
    name: str,
    picks: list[Any],
    results: list[str],
    catalogue: Any,
    known: frozenset[str],
    min_search_pages: int,
) -> ArtistPlan:
    position = {track_id: n for n, track_id in enumerate(results)}
    deepest = max((position.get(t.id, -1) for t in picks), default=-1)
    best: ArtistPlan | None = None
    by_rounds: dict[int, int] = {}
    first = min(min_search_pages, math.ceil(len(results) / SEARCH_PAGE))
    for depth in range(first, max(first, deepest // SEARCH_PAGE + 1) + 1):
        seen = set(results[: depth * SEARCH_PAGE]) | known
        known_albums = {catalogue.tracks[t].album_id for t in seen if t in catalogue.tracks}
        needed = {
            catalogue.tracks[t.id].album_id
            for t in picks
            if t.id not in seen
        }
        album_requests = sum(_album_requests(catalogue, a, picks) for a in needed)
        release_pages = _release_pages(catalogue, artist_id, needed - known_albums)
        by_albums = ArtistPlan(name, len(picks), depth, release_pages, album_requests)
        deeper = [position[t.id] for t in picks if t.id in position and t.id not in seen]
        unreachable = any(t.id not in position for t in picks if t.id not in seen)
        windows = _windows(deeper)
        by_windows = ArtistPlan(name, len(picks), depth, 0, 0, windows)
        for candidate in (by_albums, None if unreachable else by_windows):
            if candidate is None:
                continue
            if candidate.requests < by_rounds.get(candidate.rounds, UNREACHABLE):
                by_rounds[candidate.rounds] = candidate.requests
            if best is None or candidate.requests < best.requests:
                best = candidate
    assert best is not None
    best.by_rounds = by_rounds
    return best


def _windows(positions: list[int]) -> int:
    """The fewest 10-result search windows covering ``positions`` (greedy is optimal on a
    line); positions beyond Spotify's 1,000-result limit cannot be reached."""
    count, covered_until = 0, -1
    for p in sorted(positions):
        if p >= MAX_SEARCH_END:
            return UNREACHABLE
        if p > covered_until:
            count += 1
            covered_until = p + SEARCH_PAGE - 1
    return count


def _album_requests(catalogue: Any, album_id: str, picks: list[Any]) -> int:
    """One GET /albums/{id}; one GET /albums/{id}/tracks page per 50 more tracks needed."""
    track_ids = catalogue.albums[album_id].track_ids
    deepest = max((track_ids.index(t.id) for t in picks if t.id in track_ids), default=0)
    return 1 + deepest // ALBUM_EMBEDS


def _release_pages(catalogue: Any, artist_id: str, albums: set[str]) -> int:
    """Pages of the artist's release list (only the groups needed) to reach ``albums``."""
    if not albums:
        return 0
    discography = catalogue.discography.get(artist_id, [])
    groups = {group for album, group in discography if album in albums}
    listed = [album for album, group in discography if group in groups]
    if not albums <= set(listed):
        return UNREACHABLE  # not reachable through this artist's releases: not a usable plan
    deepest = max(listed.index(a) for a in albums)
    return deepest // RELEASE_PAGE + 1
