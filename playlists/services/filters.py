"""What the user does not want: alternative versions, explicit lyrics, songs already saved,
songs removed from the preview.

Version and explicit filters judge single tracks (a clean edit can stand in for an explicit
original).  "Saved" and "removed" judge whole songs: a user who saved the album version does
not want the single version either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from playlists.music import Track

from .dedupe import SongGroup, family_key
from .options import VersionKind
from .titles import track_versions


@dataclass(frozen=True)
class SavedLibrary:
    track_ids: frozenset[str] = frozenset()
    isrcs: frozenset[str] = frozenset()
    family_keys: frozenset[str] = frozenset()

    @classmethod
    def from_tracks(cls, tracks: Iterable[Track]) -> SavedLibrary:
        tracks = list(tracks)
        return cls(
            track_ids=frozenset(t.id for t in tracks),
            isrcs=frozenset(t.isrc for t in tracks if t.isrc),
            family_keys=frozenset(family_key(t) for t in tracks),
        )

    def contains(self, group: SongGroup) -> bool:
        return (
            group.key in self.family_keys
            or bool(group.track_ids & self.track_ids)
            or bool(group.isrcs & self.isrcs)
        )


@dataclass(frozen=True)
class TrackFilter:
    exclude_versions: frozenset[VersionKind] = frozenset()
    allow_explicit: bool = True
    saved: SavedLibrary | None = None
    removed_track_ids: frozenset[str] = field(default_factory=frozenset)
    # Songs in the listener's earlier MoodyStream playlists: not deep cuts again (``earlier``).
    earlier_track_ids: frozenset[str] = field(default_factory=frozenset)

    def track_reasons(self, track: Track) -> tuple[str, ...]:
        """Why this version may not be played (empty when it may)."""
        reasons: list[str] = sorted(track_versions(track) & self.exclude_versions)
        if track.explicit and not self.allow_explicit:
            reasons.append("explicit")
        if track.is_playable is False:
            reasons.append("unavailable")
        return tuple(reasons)

    def allows(self, track: Track) -> bool:
        return not self.track_reasons(track)

    def heard_before(self, group: SongGroup) -> bool:
        """In an earlier MoodyStream playlist: fine as a top pick, not as a deep cut."""
        return bool(group.track_ids & self.earlier_track_ids)

    def song_reason(self, group: SongGroup) -> str | None:
        """Why the whole song is out: "removed", "saved", or its versions' first reason."""
        if group.track_ids & self.removed_track_ids:
            return "removed"
        if self.saved is not None and self.saved.contains(group):
            return "saved"
        if any(self.allows(t) for t in group.members):
            return None
        return self.track_reasons(group.preferred())[0]
