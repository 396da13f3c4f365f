"""How good the picks are, measured against a catalogue whose true popularity we know.

Used by ``bench.quality`` and the tests against the Spotify emulator, which keeps every
track's popularity (hidden from Development Mode clients).  A song's popularity is that of its
most popular release; its *percentile* is its rank within the artist's songs (0 = least
popular, 100 = most).  The targets (issue 13, averaged over search noise sd 0/5/10/15): top
picks ≥ 90 and deep cuts ≤ 30 in Development Mode, ≥ 95 and ≤ 20 with Extended Quota.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import mean
from typing import Any, Protocol

from playlists.services.preview import Preview

DEV_TOP_TARGET, DEV_DEEP_TARGET = 90.0, 30.0
EXTENDED_TOP_TARGET, EXTENDED_DEEP_TARGET = 95.0, 20.0


@dataclass(frozen=True)
class PopularityTruth:
    song_of_track: Mapping[str, str]  # track id → song id
    lead_artist_of_song: Mapping[str, str]  # song id → artist id
    song_popularity: Mapping[str, int]  # song id → best popularity of any release

    def percentile(self, track_id: str) -> float:
        song = self.song_of_track[track_id]
        return self._percentiles()[song]

    def artist_percentiles(self, artist_id: str) -> list[float]:
        """Every song's percentile for one artist, most played first."""
        table = self._percentiles()
        return sorted(
            (table[s] for s, a in self.lead_artist_of_song.items() if a == artist_id),
            reverse=True,
        )

    def _percentiles(self) -> dict[str, float]:
        cached = self.__dict__.get("_cache")
        if cached is None:
            by_artist: dict[str, list[str]] = defaultdict(list)
            for song, artist in self.lead_artist_of_song.items():
                by_artist[artist].append(song)
            cached = {}
            for songs in by_artist.values():
                pops = [self.song_popularity[s] for s in songs]
                for song in songs:
                    cached[song] = _percentile(self.song_popularity[song], pops)
            object.__setattr__(self, "_cache", cached)
        return cached


def _percentile(value: int, population: list[int]) -> float:
    if len(population) <= 1:
        return 100.0
    below = sum(p < value for p in population)
    ties = sum(p == value for p in population) - 1
    return 100.0 * (below + ties / 2) / (len(population) - 1)


@dataclass(frozen=True)
class QualityReport:
    top_percentile: float | None  # mean over "top" picks
    deep_percentile: float | None  # mean over deep cuts
    top_count: int
    deep_count: int


def measure(preview: Preview, truth: PopularityTruth) -> QualityReport:
    top = [truth.percentile(e.track.id) for e in preview.entries if e.role == "top"]
    deep = [truth.percentile(e.track.id) for e in preview.entries if e.role == "deep"]
    return QualityReport(
        top_percentile=mean(top) if top else None,
        deep_percentile=mean(deep) if deep else None,
        top_count=len(top),
        deep_count=len(deep),
    )


class _CatalogueTrack(Protocol):
    artist_ids: tuple[str, ...]
    popularity: int
    song_key: str


def truth_from_tracks(tracks: Iterable[Any]) -> PopularityTruth:
    """From tracks carrying ``song_key``, ``artist_ids`` and ``popularity`` (the emulator's
    ``app.catalogue.tracks.values()``); a song belongs to the lead artist of its releases.
    """
    song_of_track: dict[str, str] = {}
    lead: dict[str, str] = {}
    best: dict[str, int] = {}
    for track in tracks:
        t: _CatalogueTrack = track
        song_of_track[track.id] = t.song_key
        best[t.song_key] = max(best.get(t.song_key, 0), t.popularity)
        owner = t.song_key.split(":", 1)[0] if ":" in t.song_key else t.artist_ids[0]
        lead.setdefault(t.song_key, owner)
    return PopularityTruth(song_of_track, lead, best)
