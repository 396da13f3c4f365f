"""Per-artist summary of a preview: how many top and deep picks each artist got, and whose
share other artists had to fill.

Each artist's due share is the mixer's even split of the requested length
(``mixing.shares``), so "filled from others" here means exactly what the mixer did.
"""

from __future__ import annotations

from dataclasses import dataclass

from playlists.spotify.models import Artist

from .mixing import shares
from .preview import Preview


@dataclass(frozen=True)
class ArtistPicks:
    artist: Artist
    top: int
    deep: int
    due: int  # the artist's even share of the requested length

    @property
    def total(self) -> int:
        return self.top + self.deep

    @property
    def filled_from_others(self) -> int:
        """Slots of this artist's share that came from the other artists."""
        return max(self.due - self.total, 0)

    @property
    def filling_in(self) -> int:
        """Tracks beyond this artist's share, standing in for artists who ran short."""
        return max(self.total - self.due, 0)


def picks_by_artist(preview: Preview) -> tuple[ArtistPicks, ...]:
    """One row per chosen artist, in the order they were chosen."""
    dues = shares(preview.options.track_count, [1] * len(preview.artists))
    counts: dict[str, list[int]] = {a.id: [0, 0] for a in preview.artists}
    for entry in preview.entries:
        row = counts.setdefault(entry.artist.id, [0, 0])
        row[entry.role == "deep"] += 1
    return tuple(
        ArtistPicks(artist, counts[artist.id][0], counts[artist.id][1], due)
        for artist, due in zip(preview.artists, dues, strict=True)
    )
