"""``python -m bench.quality``: how well-known the top picks are and how deep the deep cuts,
scored against the catalogue's hidden popularity.

    python -m bench.quality [--catalogue FILE | --real-sample DIR] [--search-noise SD ...]
        [--artists K] [--tracks N] [--seeds S ...] [--draws N] [--mode development|extended]

Previews are generated through the app's own service path: ``generate`` over the
real ``SpotifyGateway`` (HTTP) against the emulator serving the catalogue — the synthetic
one by default, a catalogue file, or a real crawl in the CSV format of
``../shared/real-catalogue-sample/`` converted with the emulator's ``import-csv``.  For each
draw, K artists with at least 8 songs are drawn at random and become the listener's top
artists (the converter also gives the listener top tracks from them; other catalogues keep no
listening history for the drawn artists), and each seed makes one preview with default
options otherwise.

A pick's score is its song's popularity percentile among its artist's songs (100 = the most
played; ``bench.percentiles``).  The table gives, per search-noise setting, the mean of the
top picks and of the deep cuts, and the reference points for the same artists and slots: a
random draw from each artist's songs, and the best achievable (each artist's truly most and
least played songs).  The last line is ``top picks T.T · deep cuts D.D``, averaged over all runs.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any

from bench.environment import setup_django
from bench.minimum import minimal_plan
from bench.percentiles import (
    DEV_DEEP_TARGET,
    DEV_TOP_TARGET,
    EXTENDED_DEEP_TARGET,
    EXTENDED_TOP_TARGET,
    PopularityTruth,
    measure,
    truth_from_tracks,
)

NOISE_LEVELS = (0.0, 5.0, 10.0, 15.0)
SEEDS = (1, 2, 3, 4, 5)
MIN_SONGS = 8
TOP_FIFTH = 80.0  # percentile from which a song is one of its artist's top fifth
# Issue 23: what a fan notices (averaged over all runs, top picks per noise level).
FAN_SHARE_TARGET = 2.0  # % of deep cuts skit-like, and % a top-fifth song in any version
DISTINCT_TARGET = 3.0  # different deep cuts per deep slot over five shuffles
REQUEST_RATIO_TARGET = 1.3  # generate + save against the smallest plan for the same playlist
LISTENER = "quality-listener"


@dataclass
class Setting:
    """One search-noise level: every run's figures."""

    noise: float
    top: list[float] = field(default_factory=list)
    deep: list[float] = field(default_factory=list)
    random_deep: list[float] = field(default_factory=list)
    best_top: list[float] = field(default_factory=list)
    best_deep: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    deep_picks: int = 0
    skit_like: int = 0  # deep cuts titled as a skit, intro, interlude, reprise, spoken piece
    top_fifth: int = 0  # deep cuts that are one of the artist's top-fifth songs or a version
    distinct_per_slot: list[float] = field(default_factory=list)  # per draw, over the seeds
    earlier_reads: list[int] = field(default_factory=list)  # reads of earlier playlists
    repeated_deep: list[float] = field(default_factory=list)  # % deep cuts heard before
    request_ratio: list[float] = field(default_factory=list)  # generate + save / the smallest


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_django()
    from playlists.services.options import GenerationOptions, InvalidOptions

    try:
        GenerationOptions(artist_count=args.artists, track_count=args.tracks)
    except InvalidOptions as err:
        raise SystemExit(f"error: {err}") from None
    source = _source(args)
    settings = [Setting(noise) for noise in args.search_noise]
    with tempfile.TemporaryDirectory(prefix="moodystream-quality-") as tmp:
        for draw in range(1, args.draws + 1):
            path = Path(tmp) / f"draw{draw}.json"
            doc = source.document(draw, args.artists)
            path.write_text(json.dumps(doc), encoding="utf-8")
            for setting in settings:
                _run(path, setting, args)
            print(f"… draw {draw}/{args.draws} done", file=sys.stderr, flush=True)
    _report(settings, args, source.label)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--catalogue", type=Path, help="an emulator catalogue file")
    where.add_argument("--real-sample", type=Path, help="a crawl directory in the CSV format")
    parser.add_argument("--search-noise", type=_non_negative, nargs="+",
                        default=list(NOISE_LEVELS), metavar="SD")
    parser.add_argument("--artists", type=_positive, default=20)
    parser.add_argument("--tracks", type=_positive, default=50)
    parser.add_argument("--seeds", type=_positive, nargs="+", default=list(SEEDS))
    parser.add_argument("--draws", type=_positive, default=3)
    parser.add_argument("--mode", choices=("development", "extended"), default="development")
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("a standard deviation cannot be negative")
    return value


# -- catalogues and draws ---------------------------------------------------------------------
class _Source:
    label = ""

    def document(self, draw: int, k: int) -> dict[str, Any]:
        raise NotImplementedError


class _CsvSource(_Source):
    """A real crawl: the emulator's converter makes the drawn artists the listener's top ones."""

    def __init__(self, directory: Path) -> None:
        from spotify_emulator.catalogue.csv_import import import_csv_directory

        self.directory = directory
        self.label = f"real sample {directory}"
        self._import = import_csv_directory
        listed = _listed_names(directory)
        doc = import_csv_directory(directory, listed[:1])
        self.names = [(i, n) for i, n in _eligible(doc) if n in set(listed)]

    def document(self, draw: int, k: int) -> dict[str, Any]:
        names = _draw(self.names, draw, k)
        return self._import(self.directory, [n for _, n in names], user_id=LISTENER)


def _listed_names(directory: Path) -> list[str]:
    """The names in the crawl's artist file: the artists a listener can have (the converter
    names the other credited artists "Unlisted artist …")."""
    import csv

    from spotify_emulator.catalogue.csv_import import ARTIST_FILE

    with open(directory / ARTIST_FILE, encoding="utf-8-sig", newline="") as f:
        return [row["artist_name"] for row in csv.DictReader(f)]


class _DocumentSource(_Source):
    """A catalogue file or the synthetic catalogue: a listener whose top artists are drawn."""

    def __init__(self, doc: dict[str, Any], label: str) -> None:
        self.doc = doc
        self.label = label
        self.names = _eligible(doc)

    def document(self, draw: int, k: int) -> dict[str, Any]:
        ids = [i for i, _ in _draw(self.names, draw, k)]
        listener = {
            "id": LISTENER, "display_name": "Quality listener", "country": "GB",
            "product": "premium", "followers": 0, "has_image": False,
            "explicit_filter": False, "allow_listed": False,
            "top_artists": {r: ids for r in ("short_term", "medium_term", "long_term")},
            "top_tracks": {r: [] for r in ("short_term", "medium_term", "long_term")},
            "followed_artists": ids, "saved_tracks": [], "playlists": [],
            "followed_playlists": [],
        }
        users = [dict(u, allow_listed=False) for u in self.doc["users"] if u["id"] != LISTENER]
        return {**self.doc, "users": [*users, {**listener, "allow_listed": True}]}


def _source(args: argparse.Namespace) -> _Source:
    from spotify_emulator.catalogue.csv_import import CsvImportError

    if args.real_sample:
        if not args.real_sample.is_dir():
            raise SystemExit(f"--real-sample: {args.real_sample} is not a directory")
        try:
            return _CsvSource(args.real_sample)
        except (CsvImportError, OSError, KeyError) as err:
            raise SystemExit(f"--real-sample: cannot read the crawl: {err}") from None
    if args.catalogue:
        try:
            doc = json.loads(args.catalogue.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise SystemExit(f"--catalogue: cannot read {args.catalogue}: {err}") from None
        return _DocumentSource(doc, f"catalogue {args.catalogue}")
    import datetime as dt

    from spotify_emulator.catalogue.catalogue_file import catalogue_document
    from spotify_emulator.catalogue.generation import build_catalogue

    return _DocumentSource(
        catalogue_document(build_catalogue(42, dt.date.today())), "synthetic catalogue (seed 42)"
    )


def _eligible(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, name) of artists with at least ``MIN_SONGS`` songs of their own, and a unique name
    (the listener's artists are found by name on Spotify too)."""
    songs: dict[str, set[str]] = defaultdict(set)
    for album in doc["albums"]:
        for t in album["tracks"]:
            songs[t["artist_ids"][0]].add(t.get("song_key") or t["name"])
    names: dict[str, int] = defaultdict(int)
    for a in doc["artists"]:
        names[a["name"].casefold()] += 1
    return sorted(
        (a["id"], a["name"]) for a in doc["artists"]
        if a.get("kind", "artist") == "artist" and len(songs[a["id"]]) >= MIN_SONGS
        and names[a["name"].casefold()] == 1
    )


def _draw(names: list[tuple[str, str]], draw: int, k: int) -> list[tuple[str, str]]:
    if len(names) < k:
        raise SystemExit(f"only {len(names)} artists have {MIN_SONGS}+ songs; ask for fewer")
    return random.Random(f"quality-draw:{draw}").sample(names, k)


# -- one catalogue, one noise level -----------------------------------------------------------
def _run(path: Path, setting: Setting, args: argparse.Namespace) -> None:
    from bench.environment import app_gateway_settings
    from playlists.services.generation import generate
    from playlists.services.options import GenerationOptions
    from playlists.spotify.gateway import SpotifyGateway
    from spotify_emulator import ALL_SCOPES, EmulatorConfig, create_app, serve_in_thread

    app = create_app(EmulatorConfig(
        mode=args.mode, catalogue_file=str(path), search_noise=setting.noise,
    ))
    server = serve_in_thread(app)
    try:
        token = app.issue_token(LISTENER, ALL_SCOPES)["access_token"]
        truth = truth_from_tracks(app.catalogue.tracks.values())
        known = _top_fifth_titles(app.catalogue.tracks.values(), truth)
        gateway_settings = {**app_gateway_settings(), "api_mode": args.mode}
        shuffles: list[Any] = []
        top_ids = [t.id for t in gateway_top_tracks(server.api_url, token)]
        for seed in args.seeds:
            options = GenerationOptions(
                artist_count=args.artists, track_count=args.tracks, seed=seed
            )
            with SpotifyGateway(
                token, api_base_url=server.api_url,
                **gateway_settings,
            ) as gateway:
                preview = generate(gateway, options).preview
                setting.requests.append(gateway.request_count)
            shuffles.append(preview)
            plan = minimal_plan(preview, app.catalogue, top_ids, search_noise=setting.noise)
            setting.request_ratio.append((setting.requests[-1] + plan.writes) / plan.requests)
            _fan_view(preview, known, setting)
            report = measure(preview, truth)
            if report.top_percentile is not None:
                setting.top.append(report.top_percentile)
            if report.deep_percentile is not None:
                setting.deep.append(report.deep_percentile)
            _references(preview, truth, setting)
        setting.distinct_per_slot.append(_distinct_per_slot(shuffles))
        _fresh_after_saving(app, server.api_url, token, shuffles[0], setting)
    finally:
        server.stop()


def _fresh_after_saving(
    app: Any, api_url: str, token: str, saved: Any, setting: Setting
) -> None:
    """Save the first shuffle, make it again: the reads of the earlier playlists it costs
    (apart from the counted requests) and how many of its deep cuts the listener has had."""
    from bench.environment import app_gateway_settings
    from playlists.services.generation import generate
    from playlists.services.saving import save_playlist
    from playlists.spotify.gateway import SpotifyGateway
    from shared_state.stores import shared_state

    with SpotifyGateway(token, api_base_url=api_url, **app_gateway_settings()) as gateway:
        save_playlist(gateway, saved, idempotency_key=f"{LISTENER}:{setting.noise}",
                      state=shared_state())
        before = len(app.request_log.entries("/v1/"))
        again = generate(gateway, saved.options).preview
    reads = [r for r in app.request_log.entries("/v1/")[before:]
             if r.method == "GET" and r.path.rstrip("/").endswith("/items")]
    heard = {e.track.id for e in saved.entries if e.role == "deep"}
    deep = [e.track.id for e in again.entries if e.role == "deep"]
    setting.earlier_reads.append(len(reads))
    if deep:
        setting.repeated_deep.append(100 * sum(t in heard for t in deep) / len(deep))


def gateway_top_tracks(api_url: str, token: str) -> Any:
    """The listener's top tracks, as the minimum's plan may use them (read apart from the
    counted requests)."""
    from bench.environment import app_gateway_settings
    from playlists.spotify.gateway import SpotifyGateway

    with SpotifyGateway(token, api_base_url=api_url, **app_gateway_settings()) as gateway:
        return gateway.user_top_tracks("medium_term", 50)


def _top_fifth_titles(tracks: Any, truth: PopularityTruth) -> set[tuple[str, str]]:
    """(artist id, folded bare title) of every artist's top-fifth songs (percentile ≥ 80)."""
    from playlists.services.titles import bare_title, fold

    return {
        (truth.lead_artist_of_song[truth.song_of_track[t.id]], fold(bare_title(t.name)))
        for t in tracks if truth.percentile(t.id) >= TOP_FIFTH
    }


def _fan_view(preview: Any, known: set[tuple[str, str]], setting: Setting) -> None:
    """What a fan would notice in the deep cuts: skits and the like, and known songs in
    another version (judged from the title alone, whatever its length)."""
    from playlists.services.titles import bare_title, fold, skit_words

    for entry in preview.entries:
        if entry.role != "deep":
            continue
        setting.deep_picks += 1
        setting.skit_like += skit_words(entry.track.name) is not None
        setting.top_fifth += (entry.artist.id, fold(bare_title(entry.track.name))) in known


def _distinct_per_slot(shuffles: Sequence[Any]) -> float:
    """Different deep cuts a deep slot saw over the shuffles (the seeds): per artist, the
    distinct deep cuts over its mean number of deep slots, weighted by slots."""
    seen: dict[str, set[str]] = defaultdict(set)
    slots: dict[str, int] = defaultdict(int)
    for preview in shuffles:
        for entry in preview.entries:
            if entry.role == "deep":
                seen[entry.artist.id].add(entry.track.id)
                slots[entry.artist.id] += 1
    total_slots = sum(slots.values()) / max(1, len(shuffles))
    return sum(len(v) for v in seen.values()) / total_slots if total_slots else float("nan")


def _references(preview: Any, truth: PopularityTruth, setting: Setting) -> None:
    """A random draw and the best achievable for the same artists and number of slots."""
    slots: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for entry in preview.entries:
        slots[entry.artist.id][entry.role == "deep"] += 1
    best_top, best_deep, random_deep = [], [], []
    for artist_id, (tops, deeps) in slots.items():
        songs = truth.artist_percentiles(artist_id)
        if not songs:
            continue
        best_top += songs[:tops]
        best_deep += songs[len(songs) - deeps:] if deeps else []
        random_deep += [mean(songs)] * deeps
    if best_top:
        setting.best_top.append(mean(best_top))
    if best_deep:
        setting.best_deep.append(mean(best_deep))
        setting.random_deep.append(mean(random_deep))


# -- report -----------------------------------------------------------------------------------
def _report(settings: list[Setting], args: argparse.Namespace, label: str) -> None:
    extended = args.mode == "extended"
    top_target = EXTENDED_TOP_TARGET if extended else DEV_TOP_TARGET
    deep_target = EXTENDED_DEEP_TARGET if extended else DEV_DEEP_TARGET
    runs = len(args.seeds) * args.draws
    print(f"Playlist quality: {label}, {args.mode} mode, {args.artists} artists, "
          f"{args.tracks} tracks, seeds {' '.join(map(str, args.seeds))}, {args.draws} draws "
          f"({runs} previews per setting)")
    print()
    print("| search noise sd | top picks | deep cuts | random deep cut | best top | best deep "
          "| skit-like deep | top-fifth song as deep | distinct per deep slot, "
          f"{len(args.seeds)} shuffles | requests per preview |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s in settings:
        print(f"| {s.noise:g} | {_m(s.top)} | {_m(s.deep)} | {_m(s.random_deep)} | "
              f"{_m(s.best_top)} | {_m(s.best_deep)} | {_share(s.skit_like, s.deep_picks)} | "
              f"{_share(s.top_fifth, s.deep_picks)} | {_m(s.distinct_per_slot, 2)} | "
              f"{_m(s.requests)} |")
    tops = [x for s in settings for x in s.top]
    deeps = [x for s in settings for x in s.deep]
    top, deep = (mean(tops) if tops else float("nan")), (mean(deeps) if deeps else float("nan"))
    verdict = "PASS" if top >= top_target and deep <= deep_target else "MISS"
    picks = sum(s.deep_picks for s in settings)
    skit = 100 * sum(s.skit_like for s in settings) / picks if picks else float("nan")
    known = 100 * sum(s.top_fifth for s in settings) / picks if picks else float("nan")
    distinct = mean(x for s in settings for x in s.distinct_per_slot)
    ratio = mean(x for s in settings for x in s.request_ratio)
    lowest_top = min((mean(s.top) for s in settings if s.top), default=float("nan"))
    fan = (skit <= FAN_SHARE_TARGET and known <= FAN_SHARE_TARGET
           and distinct >= DISTINCT_TARGET and ratio <= REQUEST_RATIO_TARGET
           and lowest_top >= top_target)
    print()
    print(f"Targets ({args.mode}): top picks ≥ {top_target:.0f}, deep cuts ≤ {deep_target:.0f}: "
          f"{verdict}")
    print(f"Fan targets: skit-like ≤ {FAN_SHARE_TARGET:.0f} %, top-fifth songs ≤ "
          f"{FAN_SHARE_TARGET:.0f} %, ≥ {DISTINCT_TARGET:.0f} distinct per deep slot, top picks "
          f"≥ {top_target:.0f} at every noise level, requests ≤ {REQUEST_RATIO_TARGET}× the "
          f"smallest: {'PASS' if fan else 'MISS'}")
    print(f"Fresh across playlists (the first shuffle saved, then made again): "
          f"{_m([x for s in settings for x in s.earlier_reads])} reads of earlier MoodyStream "
          "playlists per preview, on top of the requests above; "
          f"{_m([x for s in settings for x in s.repeated_deep])} % of its deep cuts already in "
          "the saved one")
    print(f"skit-like {skit:.1f} % · top-fifth songs {known:.1f} % · distinct per deep slot "
          f"{distinct:.2f} · lowest top picks {lowest_top:.1f} · requests {ratio:.2f}× the "
          "smallest")
    print(f"top picks {top:.1f} · deep cuts {deep:.1f}")


def _m(values: Sequence[float], digits: int = 1) -> str:
    return f"{mean(values):.{digits}f}" if values else "–"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


if __name__ == "__main__":
    raise SystemExit(main())
