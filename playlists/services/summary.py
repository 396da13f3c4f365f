"""Per-artist summary of a preview: how many top and deep picks each artist got, and whose
share other artists had to fill.

Each artist's due share is the mixer's even split of the requested length
(``mixing.shares``); an artist short of songs is "filled from others" only as far as other
artists' extra songs actually made up for it (when every artist runs short, nobody does).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from playlists.music import Artist

from .mixing import shares
from .preview import Preview


@dataclass(frozen=True)
class ArtistPicks:
    artist: Artist
    top: int
    deep: int
    due: int  # the artist's even share of the requested length
    filled_from_others: int = 0  # slots of this share that other artists' songs took

    @property
    def total(self) -> int:
        return self.top + self.deep

    @property
    def short_by(self) -> int:
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
        tally = counts.setdefault(entry.artist.id, [0, 0])
        tally[entry.role == "deep"] += 1
    rows = [
        ArtistPicks(artist, counts[artist.id][0], counts[artist.id][1], due)
        for artist, due in zip(preview.artists, dues, strict=True)
    ]
    # The mixer tops up round robin, so the fills belong to the playlist, not to one artist:
    # they are credited to the short artists in order, never more than were actually made.
    spare = sum(r.filling_in for r in rows)
    credited = []
    for row in rows:
        filled = min(row.short_by, spare)
        spare -= filled
        credited.append(replace(row, filled_from_others=filled))
    return tuple(credited)
