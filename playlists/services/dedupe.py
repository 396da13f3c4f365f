"""One entry per song: group every release of a recording, pick the version to play.

Spotify lists a hit many times — album, single, deluxe, remaster, best-of, clean edit — with
the same ISRC or the same title.  Tracks are grouped when they share an ISRC, or the same lead
artist and bare title (annotations such as "(Remastered 2011)" or "- Live" removed), so the
same song never appears twice.  From a group the original album/single version is preferred
over reissues, compilations and alternative versions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from playlists.music import Track

from .titles import (
    bare_title,
    fold,
    is_edition_album,
    is_reissue_title,
    release_rank,
    track_versions,
)


def family_key(track: Track) -> str:
    lead = track.lead_artist.id if track.lead_artist else ""
    return f"{lead}|{fold(bare_title(track.name))}"


@dataclass(frozen=True)
class SongGroup:
    key: str
    members: tuple[Track, ...]  # every version seen, in first-seen order

    @cached_property  # ranking asks for these once per search hit and song: computed once
    def track_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.members)

    @cached_property
    def isrcs(self) -> frozenset[str]:
        return frozenset(t.isrc for t in self.members if t.isrc)

    def preferred(self, eligible: Callable[[Track], bool] = lambda t: True) -> Track:
        """The version to play among those ``eligible`` (raises ``ValueError`` if none)."""
        candidates = [t for t in self.members if eligible(t)]
        if not candidates:
            raise ValueError("no eligible version")
        return min(candidates, key=preference)


def preference(track: Track) -> tuple[object, ...]:
    """Sort key: originals, then first releases, albums before singles before compilations."""
    album = track.album
    reissued = bool(album and is_edition_album(album)) or is_reissue_title(track.name)
    return (
        len(track_versions(track)),
        reissued,
        release_rank(album),
        not track.explicit,  # the explicit original over its clean edit (filters run first)
        (album.release_date if album else "") or "9999",
        track.disc_number,
        track.id,
    )


def group_songs(tracks: Iterable[Track]) -> list[SongGroup]:
    """Groups in order of first appearance (so search order survives)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    unique: dict[str, Track] = {}
    for track in tracks:
        if track.id in unique:
            continue
        unique[track.id] = track
        union(f"k:{family_key(track)}", f"t:{track.id}")
        if track.isrc:
            union(f"k:{family_key(track)}", f"i:{track.isrc}")
    groups: dict[str, list[Track]] = {}
    keys: dict[str, str] = {}
    for track in unique.values():
        root = find(f"t:{track.id}")
        groups.setdefault(root, []).append(track)
        keys.setdefault(root, family_key(track))
    return [SongGroup(keys[root], tuple(members)) for root, members in groups.items()]
