"""``python -m bench.ceiling``: how good top picks can be from what Development Mode shows.

    python -m bench.ceiling [--real-sample DIR] [--search-noise SD ...] [--reps N]

Issue 23 asks for top picks at the 90th percentile of each artist's songs or better at every
search noise level, sd 15 included.  This measures the best any method can do with the
signals Development Mode still gives about how much a song is played, under the emulator's
noise model (``spotify_emulator.catalogue.search``: a track's place in search is its
popularity plus a Gaussian offset fixed per track, the same in every query, page and market —
so asking again, or another way, repeats the same error):

* **search order** — each artist's songs in the order of their best-placed track (its
  popularity plus noise): what ``artist:"Name"`` shows;
* **an informed estimate** — for every song the expected percentile given its *value*
  (popularity plus noise, more than the order a page shows) and whether it is among the
  listener's top tracks (drawn as ``import-csv`` draws them: 2–3 per artist, likelier the
  more popular, weight e^(popularity/10)), computed from each artist's true popularities and
  the noise's true sd — what no app knows — so no method using these signals does better on
  average.

Top picks per artist as ``bench.quality`` makes them (20 artists, 50 tracks, 40 % deep: one or
two each); a pick scores its song's popularity percentile within the artist (100 = the most
played, ``bench.percentiles``); every artist with eight or more songs, ``--reps`` independent
noise draws each (the expected figure, not one draw's).  Without ``--real-sample``: the
synthetic catalogue (seed 42), whose listener has no top tracks for the drawn artists.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

NOISE_LEVELS = (0.0, 5.0, 10.0, 15.0)
MIN_SONGS = 8
#: Top picks per artist in bench.quality's default preview (50 tracks, 20 artists, 40 % deep:
#: slots of 3 and 2, deep cuts 20 in proportion): ten artists with 2, ten with 1.
TOP_PICKS = (1, 2)
#: The listener's top tracks per artist (import-csv: 50 over 20 artists, round robin).
LISTENER_TOP = (2, 3)


@dataclass(frozen=True)
class ArtistSongs:
    """One artist: per song, the popularity of each of its tracks (the most played first),
    and what its releases show (``FEATURES``)."""

    tracks: tuple[tuple[int, ...], ...]
    features: tuple[tuple[float, ...], ...] = ()

    @property
    def popularity(self) -> list[int]:
        return [t[0] for t in self.tracks]


#: What an album listing shows about a song, besides search: the album's age among the
#: artist's albums (0 = oldest), the track's place on it (0 = first, 1 = last), listed on
#: more than one album, a deluxe or other edition, explicit, with other artists credited.
FEATURES = ("album age", "track place", "several listings", "edition", "explicit", "featuring")


def artists_of(doc: dict[str, Any], names: set[str] | None = None) -> list[ArtistSongs]:
    """Every artist (of ``names``, when given) with ``MIN_SONGS`` songs of their own."""
    kept = {a["id"] for a in doc["artists"] if a.get("kind", "artist") == "artist"
            and (names is None or a["name"] in names)}
    songs: dict[str, dict[str, list[tuple[int, dict[str, Any], dict[str, Any]]]]] = \
        defaultdict(lambda: defaultdict(list))
    dates: dict[str, set[str]] = defaultdict(set)
    for album in doc["albums"]:
        for t in album["tracks"]:
            key = t.get("song_key") or f"{t['artist_ids'][0]}:{t['name']}"
            owner = key.split(":", 1)[0] if ":" in key else t["artist_ids"][0]
            if t["artist_ids"][0] == owner and owner in kept:
                songs[owner][key].append((int(t["popularity"]), t, album))
                dates[owner].add(album["release_date"])
    out = []
    for owner, by_song in songs.items():
        if len(by_song) < MIN_SONGS:
            continue
        order = sorted(dates[owner])
        tracks, features = [], []
        for listed in by_song.values():
            listed.sort(key=lambda x: -x[0])
            _, t, album = listed[0]
            tracks.append(tuple(p for p, _, _ in listed))
            length = max(len(album["tracks"]), 2)
            features.append((
                order.index(album["release_date"]) / max(1, len(order) - 1),
                (int(t.get("track_number", 1)) - 1) / (length - 1),
                float(len({a["id"] for _, _, a in listed}) > 1),
                float(album.get("edition", "studio") != "studio"),
                float(bool(t.get("explicit"))),
                float(len(t["artist_ids"]) > 1),
            ))
        out.append(ArtistSongs(tuple(tracks), tuple(features)))
    return out


def album_signs(artists: Sequence[ArtistSongs]) -> tuple[list[float], float]:
    """Least squares of a song's popularity (less its artist's mean) on ``FEATURES``, fitted
    on the very catalogue measured (so it flatters itself): the coefficients (intercept
    first) and the residual sd."""
    rows, ys = [], []
    for artist in artists:
        pops = artist.popularity
        centre = mean(pops)
        for f, p in zip(artist.features, pops, strict=True):
            rows.append((1.0, *f))
            ys.append(p - centre)
    n = len(rows[0])
    a = [[sum(r[i] * r[j] for r in rows) for j in range(n)] for i in range(n)]
    b = [sum(r[i] * y for r, y in zip(rows, ys, strict=True)) for i in range(n)]
    for i in range(n):  # Gauss-Jordan with partial pivoting on the normal equations
        pivot = max(range(i, n), key=lambda k: abs(a[k][i]))
        a[i], a[pivot], b[i], b[pivot] = a[pivot], a[i], b[pivot], b[i]
        if abs(a[i][i]) < 1e-12:
            continue
        for k in range(n):
            if k != i:
                factor = a[k][i] / a[i][i]
                a[k] = [x - factor * z for x, z in zip(a[k], a[i], strict=True)]
                b[k] -= factor * b[i]
    coef = [b[i] / a[i][i] if abs(a[i][i]) >= 1e-12 else 0.0 for i in range(n)]
    residual = [y - sum(c * x for c, x in zip(coef, r, strict=True))
                for r, y in zip(rows, ys, strict=True)]
    return coef, math.sqrt(mean(e * e for e in residual))


def percentiles(pops: Sequence[int]) -> list[float]:
    n = len(pops)
    return [100.0 * (sum(p < v for p in pops) + (sum(p == v for p in pops) - 1) / 2) / (n - 1)
            for v in pops]


def listener_top(pops: Sequence[int], m: int, rng: random.Random) -> set[int]:
    """The songs (indexes) a listener's top tracks hold: drawn without replacement, weight
    e^(popularity/10), as ``import-csv`` orders a fan's listening."""
    keyed = sorted(range(len(pops)), key=lambda i: -(rng.random() ** math.exp(-pops[i] / 10)))
    return set(keyed[:m])


def informed(pops: Sequence[int], value: Sequence[float], top: set[int], m: int,
             sd: float, pct: Sequence[float],
             prior: Sequence[tuple[float, float]] | None = None) -> list[float]:
    """Each song's expected percentile given its search value and the listener's top tracks
    (and with ``prior``, (mean, sd) per song from its album signs), knowing the artist's
    popularities and the noise's sd (an oracle's prior)."""
    weight = sum(math.exp(v / 10) for v in pops)
    levels: dict[int, tuple[int, float]] = {}
    for v, p in zip(pops, pct, strict=True):
        count, _ = levels.get(v, (0, p))
        levels[v] = (count + 1, p)
    out = []
    for i, x in enumerate(value):
        num = den = 0.0
        for v, (count, p) in levels.items():
            like = float(count)
            like *= math.exp(-0.5 * ((x - v) / sd) ** 2) if sd else float(x == v)
            chosen = 1 - (1 - math.exp(v / 10) / weight) ** m if m else 0.0
            like *= chosen if i in top else 1 - chosen
            if prior:
                like *= math.exp(-0.5 * ((v - prior[i][0]) / prior[i][1]) ** 2)
            num, den = num + like * p, den + like
        out.append(num / den if den else 0.0)
    return out


def ceiling(artists: Sequence[ArtistSongs], sd: float, reps: int, with_listener: bool,
            seed: int = 1) -> tuple[float, float, float]:
    """(search order, informed estimate, the same with album signs): the mean percentile of
    the top picks."""
    rng = random.Random(f"ceiling:{seed}:{sd}")
    coef, spread = album_signs(artists)
    picked: tuple[list[float], list[float], list[float]] = ([], [], [])
    for n, artist in enumerate(artists):
        pops = artist.popularity
        pct = percentiles(pops)
        centre = mean(pops)
        prior = [(centre + sum(c * x for c, x in zip(coef, (1.0, *f), strict=True)), spread)
                 for f in artist.features]
        k = TOP_PICKS[n % len(TOP_PICKS)]
        m = LISTENER_TOP[n % len(LISTENER_TOP)] if with_listener else 0
        for _ in range(reps):
            # A song's place: its best-placed track (each track its own fixed offset).
            value = [max(p + sd * rng.gauss(0, 1) for p in tracks) for tracks in artist.tracks]
            top = listener_top(pops, m, rng) if m else set()
            scores = (
                value,
                informed(pops, value, top, m, sd, pct),
                informed(pops, value, top, m, sd, pct, prior),
            )
            for chosen, score in zip(picked, scores, strict=True):
                best = sorted(range(len(pops)), key=lambda i: -score[i])
                chosen += [pct[i] for i in best[:k]]
    search, estimate, with_signs = (mean(x) for x in picked)
    return search, estimate, with_signs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real-sample", type=Path, help="a crawl directory in the CSV format")
    parser.add_argument("--search-noise", type=float, nargs="+", default=list(NOISE_LEVELS))
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args(argv)
    if args.real_sample:
        from bench.quality import _listed_names
        from spotify_emulator.catalogue.csv_import import import_csv_directory

        listed = _listed_names(args.real_sample)
        doc = import_csv_directory(args.real_sample, listed[:1])
        names: set[str] | None = set(listed)
        label, with_listener = f"real sample {args.real_sample}", True
    else:
        import datetime as dt

        from spotify_emulator.catalogue.catalogue_file import catalogue_document
        from spotify_emulator.catalogue.generation import build_catalogue

        doc = catalogue_document(build_catalogue(42, dt.date.today()))
        label, with_listener, names = "synthetic catalogue (seed 42)", False, None
    artists = artists_of(doc, names)
    print(f"Top picks' ceiling: {label}, {len(artists)} artists with {MIN_SONGS}+ songs, "
          f"{args.reps} noise draws each; listener's top tracks: "
          f"{'2-3 per artist' if with_listener else 'none'}")
    print()
    coef, spread = album_signs(artists)
    print("| search noise sd | search order | informed estimate (an upper bound) "
          "| … and album signs |")
    print("|---|---|---|---|")
    for sd in args.search_noise:
        search, estimate, with_signs = ceiling(artists, sd, args.reps, with_listener)
        print(f"| {sd:g} | {search:.1f} | {estimate:.1f} | {with_signs:.1f} |")
    print()
    print("Album signs (popularity points, fitted on this catalogue): " + ", ".join(
        f"{name} {c:+.1f}" for name, c in zip(FEATURES, coef[1:], strict=True))
        + f"; residual sd {spread:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
