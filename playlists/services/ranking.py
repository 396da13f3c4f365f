"""Which of an artist's songs are best known, and which are deep cuts — without popularity.

Development Mode apps no longer see ``popularity`` or an artist's top tracks, so MoodyStream
scores every song it has seen (all releases of a song count together, see ``dedupe``) from
signals Spotify still gives:

* **Search order.**  ``/search?q=artist:"Name"&type=track`` ranks an artist's tracks by
  relevance and, in practice, by how much they are played.  The first page (10 results; more
  pages only when an artist needs many top picks) is read; a song's best position scores most
  (4 points at #1, 2 at #6, 1 at #16).
* **Your own top tracks** (``/me/top/tracks``): up to 2 points.
* **Released as a single** — a version seen is on a single, or a single is named after it: 1.5.
* **On a compilation** (a best-of, a various-artists collection): 1.
* **Re-released**: every further release carrying the recording (same ISRC, or same lead artist
  and title, e.g. deluxe, remaster, best-of) adds 0.3 — hits get reissued.
* **Lead track** (track 1 of a studio album): 0.3.

A song with any of the first four signals (or three releases) is *best-known*; the highest
scores are the "top" picks.  The other songs of the studio albums fetched (or of singles and
compilations when an artist has no albums) — songs with no hit signal at all — are *deep-cut*
candidates.  With Extended Quota (``popularity`` present) the score is simply Spotify's
popularity, the artist's top tracks count as hits, and the least popular 60 % of songs are
deep cuts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from playlists.spotify.models import Album, AlbumTracks, Artist, Track

from .dedupe import SongGroup, group_songs
from .titles import bare_title, fold

SEARCH_POINTS = 4.0
USER_TOP_POINTS = 2.0
SINGLE_POINTS = 1.5
BEST_OF_POINTS = 1.0
RERELEASE_POINTS = 0.3
LEAD_TRACK_POINTS = 0.3
DEEP_POPULARITY_SHARE = 0.6  # Extended Quota: the least popular 60 % are deep-cut candidates


@dataclass(frozen=True)
class ArtistMaterial:
    """Everything fetched about one artist for one generation."""

    artist: Artist
    search_hits: tuple[Track, ...] = ()  # in search order
    releases: tuple[Album, ...] = ()  # the artist's release list
    albums: tuple[AlbumTracks, ...] = ()  # fetched track lists
    top_tracks: tuple[Track, ...] | None = None  # Extended Quota only
    popularity: Mapping[str, int] = field(default_factory=dict)  # track id → popularity

    def own_tracks(self, user_top: Iterable[Track] = ()) -> list[Track]:
        """Every track seen whose lead artist is this artist, best evidence first."""
        seen = [
            *(self.top_tracks or ()),
            *self.search_hits,
            *user_top,
            *(t for album in self.albums for t in album.tracks),
        ]
        return [t for t in seen if t.lead_artist and t.lead_artist.id == self.artist.id]


@dataclass(frozen=True)
class RankedSong:
    group: SongGroup
    score: float
    evidence: tuple[str, ...]  # why we think it is well known; empty for a deep cut

    @property
    def is_hit(self) -> bool:
        return bool(self.evidence)


@dataclass(frozen=True)
class ArtistRanking:
    artist: Artist
    songs: tuple[RankedSong, ...]  # best known first

    @property
    def top(self) -> tuple[RankedSong, ...]:
        return self.songs

    @property
    def deep(self) -> tuple[RankedSong, ...]:
        """Songs without a hit signal, deepest first."""
        return tuple(reversed([s for s in self.songs if not s.is_hit]))


def rank_artist(material: ArtistMaterial, user_top: Sequence[Track] = ()) -> ArtistRanking:
    groups = group_songs(material.own_tracks(user_top))
    if material.top_tracks is not None or material.popularity:
        ranked = _by_popularity(material, groups)
    else:
        ranked = _by_signals(material, groups, user_top)
    ranked.sort(key=lambda s: (-s.score, s.group.key))
    return ArtistRanking(material.artist, tuple(ranked))


def _first_index(
    tracks: Sequence[Track], ids: frozenset[str], isrcs: frozenset[str]
) -> int | None:
    for i, t in enumerate(tracks):
        if t.id in ids or (t.isrc and t.isrc in isrcs):
            return i
    return None


def _by_signals(
    material: ArtistMaterial, groups: list[SongGroup], user_top: Sequence[Track]
) -> list[RankedSong]:
    lead = material.artist.id
    own_hits = [t for t in material.search_hits if t.lead_artist and t.lead_artist.id == lead]
    single_titles = {
        fold(bare_title(a.name)) for a in material.releases if a.group == "single"
    }
    ranked = []
    for group in groups:
        score, evidence = 0.0, []
        search_at = _first_index(own_hits, group.track_ids, group.isrcs)
        if search_at is not None:
            score += SEARCH_POINTS / (1 + search_at / 5)
            evidence.append(f"search #{search_at + 1}")
        top_at = _first_index(user_top, group.track_ids, group.isrcs)
        if top_at is not None:
            score += USER_TOP_POINTS / (1 + top_at / 10)
            evidence.append("your top tracks")
        albums = {t.album.id: t.album for t in group.members if t.album}
        on_single = any(a.group == "single" for a in albums.values())
        named_single = group.key.split("|", 1)[1] in single_titles
        if on_single or named_single:
            score += SINGLE_POINTS
            evidence.append("single")
        if any(a.group == "compilation" for a in albums.values()):
            score += BEST_OF_POINTS
            evidence.append("compilation")
        releases = len(albums) + (1 if named_single and not on_single else 0)
        score += RERELEASE_POINTS * max(0, min(releases, 6) - 1)
        if releases >= 3:
            evidence.append(f"{releases} releases")
        if any(t.track_number == 1 and t.album and t.album.group == "album" for t in group.members):
            score += LEAD_TRACK_POINTS
        ranked.append(RankedSong(group, round(score, 4), tuple(evidence)))
    return ranked


def _by_popularity(material: ArtistMaterial, groups: list[SongGroup]) -> list[RankedSong]:
    top_ids = {t.id for t in material.top_tracks or ()}

    def popularity(group: SongGroup) -> int | None:
        known = [
            p for t in group.members
            if (p := material.popularity.get(t.id, t.popularity)) is not None
        ]
        return max(known) if known else None

    pops = {g.key: popularity(g) for g in groups}
    known = sorted(p for p in pops.values() if p is not None)
    cut = known[int(len(known) * DEEP_POPULARITY_SHARE)] if known else 101
    ranked = []
    for group in groups:
        pop = pops[group.key]
        evidence = []
        if group.track_ids & top_ids:
            evidence.append("top tracks")
        if pop is not None and pop >= cut:
            evidence.append(f"popularity {pop}")
        score = float(pop) if pop is not None else 0.0
        ranked.append(RankedSong(group, score, tuple(evidence)))
    return ranked
