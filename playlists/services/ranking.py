"""Which of an artist's songs are best known, and which are deep cuts — without popularity.

Development Mode apps no longer see ``popularity`` or an artist's top tracks, so MoodyStream
estimates each song's place among the artist's songs from what Spotify still shows.  Every
release of a song counts together (``dedupe``), and each ranked song keeps the evidence used,
in words ("search #2", "single", "track 11 of 12"), for the preview page.

**Best known** (a *hit*): a song with any of these signals; the highest scores are the "top"
picks.

* **Search order.**  ``/search?q=artist:"Name"&type=track`` is ordered by how much tracks are
  played (noisily).  Each copy of a song found on the first page(s) (album, single, best-of;
  up to three) scores for its position: 4 points at #1, 2 at #6, 1 at #16.
* **Your own top tracks** (``/me/top/tracks``): up to 2 points.
* **Released as a single** — a version seen is on a single, or a single is named after it: 1.5.
* **On a compilation** (a best-of): 1.  **Re-released**: each further release 0.3.
  **Lead track** of a studio album: 0.3.

**Deep cuts**: every other song, deepest first by an *estimated percentile* (0 = the artist's
least played, 100 = the most played), a sum of terms measured on a real catalogue crawl (see
README "How the playlist is made"):

* **How deep it first appears in the artist's search results**, when the last pages were read:
  position *p* of *N* results estimates ``100 × (1 − p / (N − 1))``.  This is by far the
  strongest signal (the deepest song of the last page averages the 11th–25th percentile on real
  catalogues with search noise of sd 0–15), so it decides whenever it is known.  Quiet copies
  do not count (``titles.is_release_copy``): the listing of an album whose best-placed hit
  (or, without hits, best-placed track) is on another listing of it — the original of a
  played deluxe edition, a clean edition of the same name — and, where that does not say, a
  track on a deluxe or remastered edition, titled as a reissue, on a single named after it
  or on a best-of mostly has its song's plays on another release.  Nor do other recordings
  (live, commentary): their plays are their own.
* Otherwise (a song only seen on an album fetched): 50, then **from an album with no hits**
  −20 (an album none of whose songs is on the first search page: real albums carry about half
  the variance of their songs' popularity), **track position** from +5 (track 1) to −5 (the
  last), **deluxe bonus track** (on a deluxe/expanded edition only) −5, **B-side** (on a single
  but not its title song) −10, **album age** from −5 (the oldest album) to +5 (the newest).

``tag:hipster`` albums (Spotify's least popular 10 %) were measured and left out: a third of
artists have one at all, their songs average the 28th percentile, and the search depth already
finds deeper songs for one request less.

With Extended Quota (``popularity`` present) the estimate is Spotify's popularity itself,
ranked against every song fetched (top tracks, the first and last search pages, albums): the
artist's top tracks and the most popular 40 % are hits, deep cuts are the least popular first.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from playlists.music import Album, AlbumTracks, Artist, Track

from .dedupe import SongGroup, group_songs
from .titles import (
    album_base_key,
    bare_title,
    fold,
    is_edition_album,
    is_release_copy,
    played_releases,
    title_versions,
)

SEARCH_POINTS = 4.0
USER_TOP_POINTS = 2.0
SINGLE_POINTS = 1.5
BEST_OF_POINTS = 1.0
RERELEASE_POINTS = 0.3
LEAD_TRACK_POINTS = 0.3
DEEP_POPULARITY_SHARE = 0.6  # Extended Quota: the least popular 60 % are not hits

NO_HIT_SIGN = "no sign of a hit"  # the evidence of a song no signal points at either way

# Deep-cut estimate (percentile points) for songs only seen on a fetched album.
UNSEEN_BASE = 50.0
NO_HIT_ALBUM = -20.0
TRACK_POSITION_RANGE = 10.0  # +5 for track 1 … −5 for the last track
BONUS_TRACK = -5.0
B_SIDE = -10.0
ALBUM_AGE_RANGE = 10.0  # −5 for the oldest album … +5 for the newest


@dataclass(frozen=True)
class ArtistMaterial:
    """Everything fetched about one artist for one generation."""

    artist: Artist
    search_hits: tuple[Track, ...] = ()  # the first search page(s), in search order
    releases: tuple[Album, ...] = ()  # the artist's release list (or the hits' albums)
    albums: tuple[AlbumTracks, ...] = ()  # fetched track lists
    top_tracks: tuple[Track, ...] | None = None  # Extended Quota only
    popularity: Mapping[str, int] = field(default_factory=dict)  # track id → popularity
    search_deep: tuple[tuple[int, Track], ...] = ()  # later search results: (position, track)
    search_total: int = 0  # how many results the artist's search has in all

    def own_tracks(self, user_top: Iterable[Track] = ()) -> list[Track]:
        """Every track seen whose lead artist is this artist, best evidence first."""
        seen = [
            *(self.top_tracks or ()),
            *self.search_hits,
            *user_top,
            *(t for album in self.albums for t in album.tracks),
            *(t for _, t in self.search_deep),
        ]
        return [t for t in seen if t.lead_artist and t.lead_artist.id == self.artist.id]


@dataclass(frozen=True)
class RankedSong:
    group: SongGroup
    score: float  # hit score (higher = better known)
    evidence: tuple[str, ...]  # why it is ranked where it is, in words
    hit: bool = False
    depth: float = UNSEEN_BASE  # estimated percentile among the artist's songs (lower = deeper)
    measured: bool = False  # depth from the search's deep end or popularity, not album signs

    @property
    def is_hit(self) -> bool:
        return self.hit


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
        misses = [s for s in self.songs if not s.is_hit]
        return tuple(sorted(misses, key=lambda s: (s.depth, s.group.key)))


def rank_artist(material: ArtistMaterial, user_top: Sequence[Track] = ()) -> ArtistRanking:
    groups = group_songs(material.own_tracks(user_top))
    if material.top_tracks is not None or material.popularity:
        ranked = _by_popularity(material, groups, user_top)
    else:
        ranked = _by_signals(material, groups, user_top)
    # Hits by score; then the other songs, the least deep first (the top picks' reserve).
    ranked.sort(key=lambda s: (not s.hit, -s.score if s.hit else -s.depth, s.group.key))
    return ArtistRanking(material.artist, tuple(ranked))


def _first_index(
    tracks: Sequence[Track], ids: frozenset[str], isrcs: frozenset[str]
) -> int | None:
    for i, t in enumerate(tracks):
        if t.id in ids or (t.isrc and t.isrc in isrcs):
            return i
    return None


SEARCH_COPIES = 3  # copies of one song on the first page(s) that each add their points


def _all_indexes(tracks: Sequence[Track], group: SongGroup) -> list[int]:
    return [
        i for i, t in enumerate(tracks)
        if t.id in group.track_ids or (t.isrc and t.isrc in group.isrcs)
    ]


def _by_signals(
    material: ArtistMaterial, groups: list[SongGroup], user_top: Sequence[Track]
) -> list[RankedSong]:
    lead = material.artist.id
    own_hits = [t for t in material.search_hits if t.lead_artist and t.lead_artist.id == lead]
    single_titles = {
        fold(bare_title(a.name)) for a in material.releases if a.group == "single"
    }
    depth = _DepthEstimate(material, own_hits)
    ranked = []
    for group in groups:
        score, evidence = 0.0, []
        search_at = _all_indexes(own_hits, group)
        if search_at:
            # Each copy found (album, single, best-of) is its own noisy vote for the song.
            score += sum(SEARCH_POINTS / (1 + i / 5) for i in search_at[:SEARCH_COPIES])
            evidence.append(f"search #{search_at[0] + 1}")
        top_at = _first_index(user_top, group.track_ids, group.isrcs)
        if top_at is not None:
            score += USER_TOP_POINTS / (1 + top_at / 10)
            evidence.append("your top tracks")
        albums = {t.album.id: t.album for t in group.members if t.album}
        on_single = any(  # the title song of a single (its B-sides are not hits)
            a.group == "single" and fold(bare_title(a.name)) == _title(group)
            for a in albums.values()
        )
        named_single = _title(group) in single_titles
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
        hit = bool(evidence)
        if any(t.track_number == 1 and t.album and t.album.group == "album" for t in group.members):
            score += LEAD_TRACK_POINTS
        if hit:
            ranked.append(RankedSong(group, round(score, 4), tuple(evidence), hit=True, depth=100))
        else:
            estimate, reasons, measured = depth.of(group)
            ranked.append(RankedSong(
                group, round(score, 4), reasons or (NO_HIT_SIGN,), depth=estimate,
                measured=measured,
            ))
    return ranked


def _title(group: SongGroup) -> str:
    return group.key.split("|", 1)[1]


class _DepthEstimate:
    """The estimated percentile of a song without hit signals (see the module docstring)."""

    def __init__(self, material: ArtistMaterial, own_hits: Sequence[Track]) -> None:
        self.total = material.search_total
        self.position: dict[str, int] = {}
        lead = material.artist.id
        played = played_releases(own_hits, [
            t for _, t in material.search_deep if t.lead_artist and t.lead_artist.id == lead
        ])
        for position, track in material.search_deep:
            if is_release_copy(track, played) or title_versions(track.name):
                # A quiet copy says little: the song's plays sit on another release; nor does
                # another recording (a commentary, a live take): its plays are its own.
                continue
            self.position.setdefault(track.id, position)
            if track.isrc:
                self.position.setdefault(f"isrc:{track.isrc}", position)
        self.hit_albums = {album_base_key(t.album) for t in own_hits if t.album}
        self.searched = bool(own_hits)
        dated = sorted(
            {a.release_date for a in _studio_albums(material) if a.release_date}
        )
        self.age_rank = {d: i / (len(dated) - 1) for i, d in enumerate(dated)} if len(
            dated
        ) > 1 else {}
        self.original_length = {
            album_base_key(a): a.total_tracks
            for a in _studio_albums(material)
            if not is_edition_album(a) and a.total_tracks
        }

    def of(self, group: SongGroup) -> tuple[float, tuple[str, ...], bool]:
        """The estimate, its evidence, and whether it was measured (search position)."""
        seen_at = [
            p for t in group.members
            if (p := self.position.get(t.id, self.position.get(f"isrc:{t.isrc}", -1))) >= 0
        ]
        if seen_at and self.total > 1:
            p = min(seen_at)
            return round(self._rank(p), 4), (f"search #{p + 1} of {self.total}",), True
        return (*self._from_album(group.preferred()), False)

    def _rank(self, position: int) -> float:
        return 100.0 * (1 - position / (self.total - 1))

    def _from_album(self, track: Track) -> tuple[float, tuple[str, ...]]:
        album = track.album
        estimate, evidence = UNSEEN_BASE, []
        if album is None:
            return estimate, ()
        if self.searched and album_base_key(album) not in self.hit_albums and (
            album.group != "single"
        ):
            estimate += NO_HIT_ALBUM
            evidence.append("from an album with no hits")
        if album.group == "single" and fold(bare_title(album.name)) != fold(bare_title(track.name)):
            estimate += B_SIDE
            evidence.append("B-side")
        length = max(album.total_tracks, track.track_number)  # some listings run past it
        if album.group == "album" and length > 1:
            share = (track.track_number - 1) / (length - 1)
            estimate += TRACK_POSITION_RANGE * (0.5 - min(1.0, share))
            if share >= 0.5:
                evidence.append(f"track {track.track_number} of {length}")
        original = self.original_length.get(album_base_key(album))
        if is_edition_album(album) and original and track.track_number > original:
            estimate += BONUS_TRACK
            evidence.append("deluxe bonus track")
        rank = self.age_rank.get(album.release_date)
        if rank is not None:
            estimate += ALBUM_AGE_RANGE * (rank - 0.5)
            if rank == 0:
                evidence.append(f"oldest album ({album.release_date[:4]})")
        return round(estimate, 4), tuple(evidence)


def _studio_albums(material: ArtistMaterial) -> list[Album]:
    seen = {a.id: a for a in material.releases}
    seen.update({a.album.id: a.album for a in material.albums})
    return [a for a in seen.values() if a.group == "album"]


def _by_popularity(
    material: ArtistMaterial, groups: list[SongGroup], user_top: Sequence[Track]
) -> list[RankedSong]:
    top_ids = {t.id for t in material.top_tracks or ()}
    user_ids = {t.id for t in user_top}

    def popularity(group: SongGroup) -> int | None:
        known = [
            p for t in group.members
            if (p := material.popularity.get(t.id, t.popularity)) is not None
        ]
        return max(known) if known else None

    pops = {g.key: popularity(g) for g in groups}
    known = sorted(p for p in pops.values() if p is not None)
    cut = known[int(len(known) * DEEP_POPULARITY_SHARE)] if known else 101
    below = {p: bisect_left(known, p) for p in known}
    spread = max(1, len(known) - 1)
    ranked = []
    for group in groups:
        pop = pops[group.key]
        evidence = []
        if group.track_ids & top_ids:
            evidence.append("top tracks")
        if group.track_ids & user_ids:
            evidence.append("your top tracks")
        hit = bool(evidence) or (pop is not None and pop >= cut)
        if pop is not None:
            evidence.append(f"popularity {pop}")
        score = float(pop) if pop is not None else 0.0
        # Popularity's percentile among the songs seen: the scale of every depth estimate.
        depth = round(100.0 * below[pop] / spread, 4) if pop is not None else 101.0
        ranked.append(RankedSong(
            group, score, tuple(evidence), hit=hit, depth=depth, measured=pop is not None
        ))
    return ranked
