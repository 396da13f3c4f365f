"""How much of an artist's catalogue to fetch: enough songs for their share, no more.

The deep cuts come from the deep end of the artist's search results: the last pages, as many
as three candidates per deep slot need (Spotify's offset + limit stays within 1,000).  Only the
songs there by the artist, not already hits, not an excluded version and not a quiet copy of a
release (``titles.is_release_copy``) count as candidates.

Albums are fetched only when the deep end falls short (or for many top picks): one release
list, then studio albums with no search hits first, oldest first (the measured order of how
little they are played), whether they come from the artist's hits or from the release list.
Reissues (deluxe, remaster) add nothing their original does not have; live, remix and similar
albums are skipped when those versions are filtered out anyway.  Artists with no studio albums
fall back to singles (B-sides) and then compilations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from playlists.music import Album, Track
from playlists.spotify.limits import DEV_PAGE_LIMIT, MAX_SEARCH_END, PAGE_LIMIT

from .dedupe import family_key
from .options import VersionKind
from .titles import (
    album_base_key,
    album_versions,
    is_edition_album,
    is_release_copy,
    track_versions,
)

SEARCH_PAGE = DEV_PAGE_LIMIT
EXTENDED_SEARCH_PAGE = PAGE_LIMIT  # Extended Quota search pages hold 50
EXTENDED_TOP_COVER = 30  # Extended Quota: top tracks + 50 search results cover 30 top picks
DEEP_CANDIDATES_PER_SLOT = 3
MAX_DEEP_END_PAGES = 5
RELEASES_FIRST_PAGE = DEV_PAGE_LIMIT  # one Development Mode page of an artist's releases
MAX_ALBUMS_PER_ARTIST = 6


@dataclass(frozen=True)
class ArtistNeed:
    """How many top and deep slots one artist has in the playlist."""

    top: int
    deep: int

    @property
    def search_pages(self) -> int:
        """One page (10 tracks) shows the hits; more only for more than four top picks."""
        return min(5, max(1, math.ceil(self.top / 4)))

    @property
    def songs_from_albums(self) -> int:
        """Songs wanted from albums: deep cuts with room to choose, plus tops beyond search."""
        return 4 * self.deep + 2 * max(0, self.top - 8)

    @property
    def deep_end_songs(self) -> int:
        """Candidates wanted from the deep end: room for filters and the seed's choice."""
        return DEEP_CANDIDATES_PER_SLOT * self.deep


def deep_end_pages(
    total: int, seen_until: int, need: ArtistNeed, page_size: int = SEARCH_PAGE
) -> list[tuple[int, int]]:
    """``(offset, limit)`` of the last search pages to read, never re-reading the first ones."""
    wanted = need.deep_end_songs
    end = min(total, MAX_SEARCH_END)
    if wanted <= 0 or end <= seen_until:
        return []
    pages = min(MAX_DEEP_END_PAGES, -(-wanted // page_size))
    start = max(seen_until, end - pages * page_size)
    return [(offset, min(page_size, end - offset)) for offset in range(start, end, page_size)]


def usable_deep_end(
    artist_id: str,
    deep_end: Sequence[Track],
    hits: Sequence[Track],
    exclude_versions: frozenset[VersionKind],
    allow_explicit: bool = True,
) -> int:
    """How many distinct songs of the deep end can be deep cuts: the artist's own, not one of
    the hits, not an excluded version (nor explicit when that is off), and not a copy on a
    best-of.  The original of an album whose deluxe edition is a hit still counts here (ranking
    does not place songs by it): reading the page above for such artists measured deeper cuts
    (synthetic 23.3 → 15.7) at 1.30× the smallest plan instead of 1.22×."""
    hit_keys = {family_key(t) for t in hits}
    songs = {
        family_key(t)
        for t in deep_end
        if t.lead_artist and t.lead_artist.id == artist_id
        and family_key(t) not in hit_keys
        and not (track_versions(t) & exclude_versions)
        and (allow_explicit or not t.explicit)
        and not is_release_copy(t)
    }
    return len(songs)


STUDIO_GROUPS = ("album",)
FALLBACK_GROUPS = ("single", "compilation")


def needs_fallback(releases: Sequence[Album], exclude_versions: frozenset[VersionKind]) -> bool:
    """No usable studio album: the artist's singles and compilations are needed too."""
    return not any(
        a.group == "album" and not (album_versions(a.name) & exclude_versions) for a in releases
    )


def choose_albums(
    releases: Sequence[Album],
    need: ArtistNeed,
    *,
    exclude_versions: frozenset[VersionKind] = frozenset(),
    hit_albums: Sequence[Album] = (),
) -> list[Album]:
    """Albums to fetch for ``need``: for deep cuts studio albums without hits first (for top
    picks only, the hits' albums first), each oldest first; singles (B-sides) and compilations
    only after them."""
    wanted = need.songs_from_albums
    with_hits = {album_base_key(a) for a in hit_albums}
    hits_last = need.deep > 0
    if wanted <= 0:
        return []
    usable = [a for a in releases if not (album_versions(a.name) & exclude_versions)]
    chosen: list[Album] = []
    for group in ("album", "single", "compilation"):
        pool = _originals([a for a in usable if a.group == group])
        if group == "single":
            pool = [a for a in pool if a.total_tracks >= 2]  # B-sides
        pool.sort(key=lambda a: (
            (album_base_key(a) in with_hits) == hits_last, a.release_date or "9999", a.id
        ))
        for album in pool:
            if sum(a.total_tracks or 10 for a in chosen) >= wanted:
                return chosen
            if len(chosen) >= MAX_ALBUMS_PER_ARTIST:
                return chosen
            chosen.append(album)
    return chosen


def _originals(albums: Sequence[Album]) -> list[Album]:
    """One release per album title, preferring the original over deluxe/remaster editions."""
    best: dict[str, Album] = {}
    for album in albums:
        key = album_base_key(album)
        current = best.get(key)
        if current is None or _original_rank(album) < _original_rank(current):
            best[key] = album
    return list(best.values())


def _original_rank(album: Album) -> tuple[bool, str, str]:
    return (is_edition_album(album), album.release_date or "9999", album.id)


def covers(albums: Sequence[Album], need: ArtistNeed) -> bool:
    """Do these albums hold the songs ``need`` asks of albums?"""
    return sum(a.total_tracks or 10 for a in albums) >= need.songs_from_albums
