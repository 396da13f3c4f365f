"""Realism figures of a catalogue, measured within each artist as in the real crawl.

``python -m spotify_emulator stats [--catalogue FILE]`` prints them as ``name value``.
An artist's *tracks* are those they lead on their own releases. Their *pool* holds each
recording (ISRC) of their album and compilation releases (no singles, as in the crawl)
once, where it is most popular, as a crawl lists a title shared by two editions on one of
them only; an artist counts when the
pool spans at least two albums. A track's *percentile* is the share of the pool's
popularity values below it (ties count half), 0-100. Figures are means over artists
unless said otherwise:

- ``album_variance_share``: share of the pool's popularity variance between albums (η²);
- ``date_popularity_correlation``: Pearson r of album release date and popularity (pool);
- ``newest_album_percentile`` / ``oldest_album_percentile``: mean percentile of the pool
  tracks of the artist's newest / oldest album in the pool;
- ``search_page1_distinct_songs``: distinct songs (``song_key``) among the first 10
  results of ``artist:"Name"`` track search, with the given search noise;
- ``search_page1_non_original_share``: share of those 10 that are not an album recording
  (versions other than ``original``, ``remaster``, ``deluxe``, ``clean``);
- ``<version>_percentile`` for live, remix, compilation (copies on compilations),
  commentary, instrumental, demo: mean over all the artists' tracks of that version;
  ``deluxe_bonus_percentile`` (tracks of a deluxe edition past the standard edition's
  last track number) vs ``studio_track_percentile`` (pool tracks of studio albums).
"""

from __future__ import annotations

import math
from collections import defaultdict
from statistics import fmean

from spotify_emulator.catalogue.model import Catalogue, Track
from spotify_emulator.catalogue.search import SearchEngine, parse_query
from spotify_emulator.config import DEFAULT_SEARCH_NOISE

ALBUM_ORIGINALS = frozenset({"original", "remaster", "deluxe", "clean"})
VERSIONS = ("live", "remix", "compilation", "commentary", "instrumental", "demo")
SEARCH_PAGE = 10


def artist_tracks(cat: Catalogue) -> dict[str, list[Track]]:
    """Each artist's tracks on their own releases (singles included)."""
    tracks: dict[str, list[Track]] = defaultdict(list)
    for album in cat.albums.values():
        for tid in album.track_ids:
            t = cat.tracks[tid]
            lead = t.artist_ids[0]
            if lead in album.artist_ids and cat.artists[lead].kind == "artist":
                tracks[lead].append(t)
    return tracks


def pool_of(cat: Catalogue, tracks: list[Track]) -> list[Track]:
    """Each recording on the albums (not singles) once: its most popular copy (the
    earliest release on ties)."""
    best: dict[str, Track] = {}
    for t in tracks:
        if cat.albums[t.album_id].album_type == "single":
            continue
        cur = best.get(t.isrc)
        key = (t.popularity, _neg(cat.albums[t.album_id].release_date))
        if cur is None or key > (cur.popularity, _neg(cat.albums[cur.album_id].release_date)):
            best[t.isrc] = t
    return list(best.values())


def _neg(date: str) -> float:
    return -_date_value(date)


class Percentiles:
    """Where a popularity value falls in a pool's distribution (0-100, ties count half)."""

    def __init__(self, pool: list[Track]) -> None:
        self.n = len(pool)
        self.below = [0] * 102
        counts = [0] * 101
        for t in pool:
            counts[t.popularity] += 1
        for p in range(101):
            self.below[p + 1] = self.below[p] + counts[p]
        self.counts = counts

    def __call__(self, popularity: int) -> float:
        return 100 * (self.below[popularity] + self.counts[popularity] / 2) / self.n


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
    shares: list[float] = []
    correlations: list[float] = []
    newest: list[float] = []
    oldest: list[float] = []
    by_version: dict[str, list[float]] = defaultdict(list)
    distinct: list[float] = []
    non_original: list[float] = []
    engine = SearchEngine(cat, search_noise)
    for aid, tracks in sorted(artist_tracks(cat).items()):
        pool = pool_of(cat, tracks)
        if len({t.album_id for t in pool}) < 2:
            continue
        pct = Percentiles(pool)
        share = _eta_squared(pool)
        if share is not None:
            shares.append(share)
        dates = {t.album_id: _date_value(cat.albums[t.album_id].release_date) for t in pool}
        r = _correlation([dates[t.album_id] for t in pool], [float(t.popularity) for t in pool])
        if r is not None:
            correlations.append(r)
        order = sorted(dates, key=lambda a: (dates[a], a))
        by_version["studio_track"].extend(pct(t.popularity) for t in pool
                                          if cat.albums[t.album_id].edition == "studio")
        newest.append(fmean(pct(t.popularity) for t in pool if t.album_id == order[-1]))
        oldest.append(fmean(pct(t.popularity) for t in pool if t.album_id == order[0]))
        bonus = _bonus_ids(cat, tracks)
        for t in tracks:
            if t.id in bonus:
                by_version["deluxe_bonus"].append(pct(t.popularity))
            if t.version in VERSIONS:
                by_version[t.version].append(pct(t.popularity))
        page = engine.tracks(parse_query(f'artist:"{cat.artists[aid].name}"'))[:SEARCH_PAGE]
        if page:
            distinct.append(float(len({t.song_key for t in page})))
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
