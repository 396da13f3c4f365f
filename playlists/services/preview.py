"""The preview: the exact, ordered playlist MoodyStream proposes, with what the user should know.

A 200-track preview does not fit in a 4 KB cookie, so the web layer stores only the options and
regenerates the preview (deterministically, from options + seed) on each request.  ``digest``
lets it check that what it saves is exactly what the user saw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from playlists.music import Artist, Track

from .options import GenerationOptions

Role = Literal["top", "deep"]


def preview_digest(track_uris: Iterable[str]) -> str:
    """Stable hash of the ordered URIs (hex, 32 characters)."""
    return hashlib.sha256("\n".join(track_uris).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class PreviewEntry:
    track: Track
    role: Role
    artist: Artist  # the favourite artist this track was picked for (its lead artist)
    # Why the ranking put it in this role, in short phrases for the page: "search #2", "single",
    # "your top tracks", "from an album with no hits", "track 11 of 12", "search #87 of 90".
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preview:
    entries: tuple[PreviewEntry, ...]
    artists: tuple[Artist, ...]  # the artists used, in the order they were chosen
    notes: tuple[str, ...]  # user-facing remarks (fills, filters, shortfalls)
    options: GenerationOptions
    name: str  # options.name or the generated default
    description: str  # options.description or the generated default

    @property
    def track_uris(self) -> tuple[str, ...]:
        return tuple(e.track.uri for e in self.entries)

    @property
    def digest(self) -> str:
        return preview_digest(self.track_uris)

    @property
    def track_count(self) -> int:
        return len(self.entries)

    @property
    def duration_ms(self) -> int:
        return sum(e.track.duration_ms for e in self.entries)

    @property
    def deep_count(self) -> int:
        return sum(e.role == "deep" for e in self.entries)

    @property
    def top_count(self) -> int:
        return self.track_count - self.deep_count

    @property
    def deep_share(self) -> float:
        """The achieved deep-cut share, 0.0–1.0."""
        return self.deep_count / self.track_count if self.entries else 0.0
