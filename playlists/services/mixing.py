"""Turn ranked songs into the playlist: fair shares, the deep-cut share, a listenable order.

* **Shares.**  ``track_count`` is split evenly between the artists; the first artists (the
  user's favourites come first) get one more when it does not divide.
* **Deep cuts.**  The overall number is ``track_count × deep_cut_percent / 100`` rounded to
  the nearest whole track (halves up), so 45 % of 11 tracks is 5 deep cuts (4.95 → 5).  It is
  spread over the artists in proportion to their shares (largest remainders get the extra).
* **Picks.**  Top slots take each artist's best-known songs in rank order.  Deep slots draw
  from every playable song estimated to be in the artist's quiet part (measured depth at most
  the ``QUIET_PERCENTILE``), weighted toward the deepest: the *i*-th deepest weighs
  ``DEEPEST_WEIGHT ** i``, so each "Shuffle again" brings other deep cuts (on the real crawl
  a deep slot sees three different songs over five shuffles, as many as the artist's last
  search page holds) while the deepest stay the likeliest.
  Without such a part (no measured depths: songs guessed from albums) the seed picks among
  the deepest *n* + 1 for *n* slots; too few deep cuts → their least known hits.  An artist
  with fewer songs than slots splits them between the roles in the same proportion.
* **Shortfalls.**  An artist with too few usable songs is topped up from the others, round
  robin, keeping the deep-cut share; the preview says so.
* **Order.**  Repeatedly take a track from the artist with the most tracks left that is not
  the previous track's artist (ties broken by the seeded RNG): no two tracks by the same lead
  artist back to back unless one artist has more than half of the playlist.

Randomness comes from ``random.Random`` seeded with the options' seed (per artist and for the
order), so the same options and seed give the same playlist and a new seed a new one.  Removing
a track replaces just that track: per-artist choices do not depend on the other artists.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from playlists.music import Track

from .filters import TrackFilter
from .generation_error import GenerationError
from .preview import PreviewEntry, Role
from .ranking import ArtistRanking, RankedSong

QUIET_PERCENTILE = 30.0
DEEPEST_WEIGHT = 0.85


def deep_cut_target(track_count: int, deep_cut_percent: int) -> int:
    """Nearest whole number of deep cuts, halves rounded up (integer arithmetic, no floats)."""
    return (track_count * deep_cut_percent * 2 + 100) // 200


def shares(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights``; largest remainders get the leftovers."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    out = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


@dataclass
class _ArtistPool:
    ranking: ArtistRanking
    rng: random.Random
    top: list[tuple[RankedSong, Track]] = field(default_factory=list)
    deep: list[tuple[RankedSong, Track]] = field(default_factory=list)
    picks: list[tuple[RankedSong, Track, Role]] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    heard: set[str] = field(default_factory=set)  # earlier playlists' songs: never deep again

    def take(self, role: Role) -> bool:
        """Pick the next unused song for ``role``; deep falls back to the least known hits."""
        sources = [self.top] if role == "top" else [self.deep, self.top[::-1]]
        skip = self.used if role == "top" else self.used | self.heard
        for source in sources:
            for song, track in source:
                if song.group.key not in skip:
                    self.used.add(song.group.key)
                    self.picks.append((song, track, role))
                    return True
        return False


@dataclass(frozen=True)
class Mix:
    entries: tuple[PreviewEntry, ...]
    notes: tuple[str, ...]


def mix(
    rankings: Sequence[ArtistRanking],
    *,
    track_count: int,
    deep_cut_percent: int,
    seed: int,
    track_filter: TrackFilter,
) -> Mix:
    slot_counts = shares(track_count, [1] * len(rankings))
    deep_target = deep_cut_target(track_count, deep_cut_percent)
    deep_counts = shares(deep_target, slot_counts)
    pools: list[_ArtistPool] = []
    left_out: Counter[str] = Counter()
    kept = replace(track_filter, removed_track_ids=frozenset())
    for ranking, deep in zip(rankings, deep_counts, strict=True):
        pool = _ArtistPool(ranking, _seeded(seed, ranking.artist.id))
        # Before the user's removals, so removing a song moves nothing else.
        playable = [s for s in ranking.deep if not kept.song_reason(s.group)]
        fresh = [s for s in playable if not track_filter.heard_before(s.group)]
        left_out["earlier"] += len(playable) - len(fresh)
        pool.heard = {s.group.key for s in ranking.songs if track_filter.heard_before(s.group)}
        deep_order = _seeded_deepest(fresh, deep, pool.rng)
        deep_keys = {s.group.key for s in deep_order}
        for song in ranking.top:
            reason = track_filter.song_reason(song.group)
            if reason:
                left_out[reason] += 1
                continue
            pool.top.append((song, song.group.preferred(track_filter.allows)))
        usable = {s.group.key: t for s, t in pool.top if s.group.key in deep_keys}
        pool.deep = [(s, usable[s.group.key]) for s in deep_order if s.group.key in usable]
        pools.append(pool)

    for pool, slots, deep in zip(pools, slot_counts, deep_counts, strict=True):
        top = slots - deep
        if 0 < len(pool.top) < slots:  # too few songs: split what there is in proportion
            top = (len(pool.top) * top * 2 + slots) // (2 * slots)
            deep = len(pool.top) - top
        for _ in range(top):
            pool.take("top")
        for _ in range(deep):
            pool.take("deep")

    notes = _fill_shortfalls(pools, slot_counts, track_count, deep_target)
    picked = sum(len(p.picks) for p in pools)
    if picked == 0:
        raise GenerationError(
            "None of your artists' songs are left after your filters. Try allowing explicit "
            "songs or other versions, or include songs you have already saved."
        )
    entries = _arrange(pools, _seeded(seed, "order"))
    notes += _summary_notes(left_out, picked, track_count, entries, deep_target)
    return Mix(tuple(entries), tuple(notes))


def _seeded_deepest(
    deepest_first: list[RankedSong], slots: int, rng: random.Random
) -> list[RankedSong]:
    """The order deep slots take songs in: the quiet part drawn by weight, then the rest
    deepest first.  Without measured depths enough to fill the slots, the deepest
    ``slots + 1`` in a seeded order (a song of guessed depth only when measured ones fall
    short)."""
    if slots <= 0:
        return deepest_first
    quiet = [s for s in deepest_first if s.measured and s.depth <= QUIET_PERCENTILE]
    if len(quiet) > slots:
        # Weighted sampling without replacement: the key u ** (1 / w) sorts a weighted draw.
        keys = {id(s): rng.random() ** (1 / DEEPEST_WEIGHT**i) for i, s in enumerate(quiet)}
        window = sorted(quiet, key=lambda s: -keys[id(s)])
    else:
        window = deepest_first[: slots + 1]
        if sum(s.measured for s in window) >= slots:
            window = [s for s in window if s.measured]
        rng.shuffle(window)
    chosen = {id(s) for s in window}
    return window + [s for s in deepest_first if id(s) not in chosen]


def _fill_shortfalls(
    pools: list[_ArtistPool], slot_counts: list[int], track_count: int, deep_target: int
) -> list[str]:
    notes = []
    short = [(p, slots - len(p.picks)) for p, slots in zip(pools, slot_counts, strict=True)]
    missing = sum(gap for _, gap in short if gap > 0)
    for pool, gap in short:
        if gap > 0 and len(pools) > 1:
            name = pool.ranking.artist.name
            have = len(pool.picks)
            notes.append(
                f"Only {have} song{'s' if have != 1 else ''} by {name} "
                f"{'was' if have == 1 else 'were'} usable, so {gap} more came from your "
                "other artists."
            )
    while missing > 0:
        deep_now = sum(role == "deep" for p in pools for *_, role in p.picks)
        progressed = False
        for pool in pools:
            if missing == 0:
                break
            # ``top`` lists every usable song, so a failed take means the pool is empty.
            if pool.take("deep" if deep_now < deep_target else "top"):
                missing -= 1
                progressed = True
                deep_now += pool.picks[-1][2] == "deep"
        if not progressed:
            break
    return notes


def _arrange(pools: list[_ArtistPool], rng: random.Random) -> list[PreviewEntry]:
    queues = []
    for pool in pools:
        order = list(range(len(pool.picks)))
        pool.rng.shuffle(order)
        queues.append([pool.picks[i] for i in order])
    entries: list[PreviewEntry] = []
    previous: int | None = None
    while any(queues):
        candidates = [i for i, q in enumerate(queues) if q and i != previous]
        if not candidates:  # only the previous artist has tracks left
            candidates = [previous] if previous is not None else []
        most = max(len(queues[i]) for i in candidates)
        choice = rng.choice([i for i in candidates if len(queues[i]) == most])
        song, track, role = queues[choice].pop(0)
        artist = pools[choice].ranking.artist
        entries.append(PreviewEntry(track, role, artist, song.evidence))
        previous = choice
    return entries


def _summary_notes(
    left_out: Counter[str],
    picked: int,
    track_count: int,
    entries: list[PreviewEntry],
    deep_target: int,
) -> list[str]:
    notes = []
    earlier = left_out.pop("earlier", 0)
    if earlier:
        notes.append(
            f"{earlier} song{'s' if earlier != 1 else ''} from your earlier MoodyStream "
            f"playlists {'were' if earlier != 1 else 'was'} left out of the deep cuts, so "
            "these are new ones."
        )
    removed = left_out.pop("removed", 0)
    if removed:
        notes.append(
            f"{removed} song{'s' if removed != 1 else ''} you removed "
            f"{'were' if removed != 1 else 'was'} replaced."
        )
    if left_out:
        total = sum(left_out.values())
        parts = ", ".join(f"{n} {_label(r, n)}" for r, n in left_out.most_common())
        notes.append(f"{total} song{'s' if total != 1 else ''} left out by your filters ({parts}).")
    if picked < track_count:
        notes.append(
            f"Only {picked} song{'s' if picked != 1 else ''} "
            f"{'were' if picked != 1 else 'was'} available, so the playlist is shorter than "
            f"the {track_count} you asked for."
        )
    deep = sum(e.role == "deep" for e in entries)
    if deep < deep_target:
        notes.append(
            f"Only {deep} deep cut{'s' if deep != 1 else ''} "
            f"{'were' if deep != 1 else 'was'} available (you asked for {deep_target}); the "
            "rest are best-known songs."
        )
    return notes


_REASON_LABEL = {
    "explicit": "explicit",
    "saved": "already in your library",
    "unavailable": "unavailable",
    "live": "live",
    "remix": "remixes",
    "acoustic": "acoustic",
    "instrumental": "instrumental",
    "karaoke": "karaoke or tribute",
    "demo": "demos",
    "commentary": "commentary",
    "skit": "skits, intros or interludes",
}
#: The labels that change for one song ("1 demo", not "1 demos").
_ONE_LABEL = {"remix": "remix", "demo": "demo", "skit": "skit, intro or interlude"}


def _label(reason: str, count: int) -> str:
    label = _REASON_LABEL.get(reason, reason)
    return _ONE_LABEL.get(reason, label) if count == 1 else label


def _seeded(seed: int, salt: str) -> random.Random:
    """Reproducible shuffles for a playlist (not for anything secret)."""
    return random.Random(f"{seed}:{salt}")  # noqa: S311
