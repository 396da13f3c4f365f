"""How much of an artist's catalogue to fetch: enough songs for their share, no more.

Every album costs a request, so a generation fetches only the albums it needs for deep cuts
(and for top picks beyond what search returns), studio albums first, oldest first, whether
they come from the artist's hits or from the release list.  Reissues (deluxe, remaster) add
nothing their original does not have; live, remix and similar albums are skipped when those
versions are filtered out anyway.  Artists with no studio albums fall back to singles
(B-sides) and then compilations.

Searching ``tag:hipster`` albums (Spotify's least popular 10 %) to prefer them was tried: on the
emulator it cost one search per artist and did not make the deep cuts any deeper, because the
search results already tell hits from the rest.  It is left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from playlists.spotify.models import Album

from .options import VersionKind
from .titles import album_base_key, album_versions, is_edition_album

SEARCH_PAGE = 10
RELEASES_FIRST_PAGE = 10  # one Development Mode page of an artist's releases
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
) -> list[Album]:
    wanted = need.songs_from_albums
    if wanted <= 0:
        return []
    usable = [a for a in releases if not (album_versions(a.name) & exclude_versions)]
    chosen: list[Album] = []
    for group in ("album", "single", "compilation"):
        pool = _originals([a for a in usable if a.group == group])
        if group == "single":
            pool = [a for a in pool if a.total_tracks >= 2]  # B-sides
        pool.sort(key=lambda a: (a.release_date or "9999", a.id))
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
