"""Realism figures of a catalogue, measured within each artist as in the real crawl.

``python -m spotify_emulator stats [--catalogue FILE]`` prints them as ``name value``.
An artist counts when at least two of their albums (album or compilation releases they
lead, no singles) hold tracks they lead; their *pool* is those tracks. Figures (means over
artists unless said otherwise; a *percentile* is a track's popularity rank in its
artist's pool, 0-100, ties averaged):

- ``album_variance_share``: share of the pool's popularity variance between albums (η²);
- ``date_popularity_correlation``: Pearson r of album release date and track popularity;
- ``newest_album_percentile`` / ``oldest_album_percentile``: mean percentile of the tracks
  of the artist's newest / oldest album;
- ``search_page1_distinct_songs``: distinct songs (``song_key``) among the first 10
  results of ``artist:"Name"`` track search, with the given search noise;
- ``search_page1_non_original_share``: share of those 10 that are not the album recording
  (anything but versions ``original``, ``remaster``, ``deluxe``, ``clean``, or by others);
- ``<version>_percentile`` for live, remix, compilation, commentary, instrumental, demo
  (mean over all such tracks), and ``deluxe_bonus_percentile`` (tracks of a deluxe edition
  past the standard edition's last track number) vs ``studio_track_percentile``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from statistics import fmean

from .catalogue import Catalogue, Track
from .config import DEFAULT_SEARCH_NOISE
from .search import SearchEngine, parse_query

ALBUM_ORIGINALS = frozenset({"original", "remaster", "deluxe", "clean"})
VERSIONS = ("live", "remix", "compilation", "commentary", "instrumental", "demo")
SEARCH_PAGE = 10


def artist_pools(cat: Catalogue) -> dict[str, list[Track]]:
    """Each counted artist's tracks on their own (non-single) albums."""
    pools: dict[str, list[Track]] = defaultdict(list)
    for album in cat.albums.values():
        if album.album_type == "single":
            continue
        for tid in album.track_ids:
            t = cat.tracks[tid]
            lead = t.artist_ids[0]
            if lead in album.artist_ids and cat.artists[lead].kind == "artist":
                pools[lead].append(t)
    return {a: ts for a, ts in pools.items() if len({t.album_id for t in ts}) >= 2}


def percentiles(tracks: list[Track]) -> dict[str, float]:
    """track id -> popularity percentile within ``tracks`` (mid-rank for ties)."""
    pops = sorted(t.popularity for t in tracks)
    n = len(pops)
    below: dict[int, int] = {}
    equal: dict[int, int] = defaultdict(int)
    for i, p in enumerate(pops):
        below.setdefault(p, i)
        equal[p] += 1
    return {t.id: 100 * (below[t.popularity] + equal[t.popularity] / 2) / n for t in tracks}


def _eta_squared(tracks: list[Track]) -> float | None:
    pops = [t.popularity for t in tracks]
    mean = fmean(pops)
    total = sum((p - mean) ** 2 for p in pops)
    if total == 0:
        return None
    groups: dict[str, list[int]] = defaultdict(list)
    for t in tracks:
        groups[t.album_id].append(t.popularity)
    between = sum(len(g) * (fmean(g) - mean) ** 2 for g in groups.values())
    return between / total


def _date_value(date: str) -> float:
    parts = [int(p) for p in date.split("-")]
    year, month, day = [*parts, 7, 1][:3] if len(parts) == 1 else [*parts, 15][:3]
    return year + (month - 1) / 12 + (day - 1) / 365


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    mx, my = fmean(xs), fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def _bonus_ids(cat: Catalogue, pool: list[Track]) -> set[str]:
    out: set[str] = set()
    for t in pool:
        album = cat.albums[t.album_id]
        if album.edition != "deluxe" or not album.edition_of:
            continue
        standard = cat.albums.get(album.edition_of)
        if standard is None:
            continue
        last = max(cat.tracks[x].track_number for x in standard.track_ids)
        if t.disc_number > 1 or t.track_number > last:
            out.add(t.id)
    return out


def catalogue_stats(cat: Catalogue, search_noise: float = DEFAULT_SEARCH_NOISE
                    ) -> dict[str, float]:
    """The figures described in the module docstring."""
    shares, correlations, newest, oldest = [], [], [], []
    by_version: dict[str, list[float]] = defaultdict(list)
    distinct, non_original = [], []
    engine = SearchEngine(cat, search_noise)
    for aid, pool in sorted(artist_pools(cat).items()):
        pct = percentiles(pool)
        share = _eta_squared(pool)
        if share is not None:
            shares.append(share)
        dates = {t.album_id: _date_value(cat.albums[t.album_id].release_date) for t in pool}
        r = _correlation([dates[t.album_id] for t in pool], [float(t.popularity) for t in pool])
        if r is not None:
            correlations.append(r)
        order = sorted(dates, key=lambda a: (dates[a], a))
        newest.append(fmean(pct[t.id] for t in pool if t.album_id == order[-1]))
        oldest.append(fmean(pct[t.id] for t in pool if t.album_id == order[0]))
        bonus = _bonus_ids(cat, pool)
        for t in pool:
            if t.id in bonus:
                by_version["deluxe_bonus"].append(pct[t.id])
            if t.version == "original" and cat.albums[t.album_id].edition == "studio":
                by_version["studio_track"].append(pct[t.id])
            elif t.version in VERSIONS:
                by_version[t.version].append(pct[t.id])
        page = engine.tracks(parse_query(f'artist:"{cat.artists[aid].name}"'))[:SEARCH_PAGE]
        if page:
            distinct.append(len({t.song_key for t in page}))
            non_original.append(sum(t.version not in ALBUM_ORIGINALS for t in page) / len(page))
    out = {
        "album_variance_share": _mean(shares),
        "date_popularity_correlation": _mean(correlations),
        "newest_album_percentile": _mean(newest),
        "oldest_album_percentile": _mean(oldest),
        "search_page1_distinct_songs": _mean(distinct),
        "search_page1_non_original_share": _mean(non_original),
    }
    for version in (*VERSIONS, "deluxe_bonus", "studio_track"):
        out[f"{version}_percentile"] = _mean(by_version[version])
    out["artists_measured"] = float(len(newest))
    return out


def _mean(values: list[float]) -> float:
    return fmean(values) if values else float("nan")
