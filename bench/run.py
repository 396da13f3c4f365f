"""``python -m bench``: every figure of BENCHMARKS.md, printed as Markdown tables with a PASS/MISS
per target.  Options: ``--runs N`` (timed runs per figure, default 5), ``--quick`` (2 runs,
30 ms skipped: a smoke test), ``--no-cold-start``, ``--no-isolated``, ``--update`` (also write
the tables into BENCHMARKS.md between its ``bench:start``/``bench:end`` markers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import coldstart, emulator_process, environment
from bench.environment import (
    ARTISTS,
    TRACKS,
    USER,
    Emulator,
    RunResult,
    default_options,
    gateway,
    generate_and_save,
    latency,
    median,
    plain_gateway,
    timed_runs,
)
from bench.minimum import MinimalPlan, minimal_plan
from bench.percentiles import DEV_DEEP_TARGET, DEV_TOP_TARGET
from bench.rendering import render_times

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LATENCIES = (100, 30)
WHAT_IF_WORKERS = 8  # the gateway's own default: what the concurrency setting buys
RATE_LIMIT_PER_30S = 30
QUALITY_SEEDS = (1, 2, 3, 4, 5)
QUALITY_NOISE = (0.0, 5.0, 10.0, 15.0)  # the targets average over these search-noise levels

# Targets (issue 13): ≥ 5× the plain way at 100 ms; ≤ 1.3× the critical path; ≤ 1.3× the
# smallest request count; cold import < 1 s.
SPEEDUP_TARGET = 5.0
CRITICAL_PATH_TARGET = 1.3
REQUESTS_TARGET = 1.3
COLD_IMPORT_TARGET = 1.0
# bench/percentiles.py (issue 13): top picks average >= 90, deep cuts <= 30 (Development Mode).
TOP_PERCENTILE_TARGET = DEV_TOP_TARGET
DEEP_PERCENTILE_TARGET = DEV_DEEP_TARGET


@dataclass
class LatencyFigures:
    latency_ms: int
    ours: list[RunResult]
    plain: list[RunResult]
    what_if: list[RunResult]
    plan: MinimalPlan
    oracle: MinimalPlan
    emulator_ms_per_run: float
    endpoints: Counter = field(default_factory=Counter)
    ours_isolated: list[RunResult] = field(default_factory=list)
    plain_isolated: list[RunResult] = field(default_factory=list)

    @property
    def ours_s(self) -> float:
        return median([r.seconds for r in self.ours])

    @property
    def plain_s(self) -> float:
        return median([r.seconds for r in self.plain])

    @property
    def what_if_s(self) -> float:
        return median([r.seconds for r in self.what_if])

    @property
    def critical_s(self) -> float:
        return self.plan.round_trips * self.latency_ms / 1000

    @property
    def ours_isolated_s(self) -> float:
        return median([r.seconds for r in self.ours_isolated])

    @property
    def plain_isolated_s(self) -> float:
        return median([r.seconds for r in self.plain_isolated])

    @property
    def speedup(self) -> float:
        return self.plain_s / self.ours_s

    @property
    def versus_critical(self) -> float:
        return self.ours_s / self.critical_s


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**MISS**"


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "playlists", "moodystream",
                                "spotify_emulator", "templates"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + (" + uncommitted changes in the app" if dirty else "")


def endpoint_counts(emulator: Emulator) -> Counter:
    counts: Counter = Counter()
    for record in emulator.app.request_log.entries():
        if not record.path.startswith("/v1/"):
            continue
        parts = ["{id}" if len(p) == 22 else p for p in record.path.split("/")]
        counts[f"{record.method} {'/'.join(parts)}"] += 1
    return counts


def emulator_busy_ms(emulator: Emulator, latency_ms: int) -> float:
    """The emulator's own handling time in the last run (beyond the injected latency)."""
    records = [r for r in emulator.app.request_log.entries() if r.path.startswith("/v1/")]
    return sum(max(0.0, r.duration_ms - latency_ms) for r in records)


def top_track_ids(emulator: Emulator, options: Any) -> list[str]:
    """What ``GET /me/top/tracks`` shows for the options' period (for the minimum)."""
    import requests

    answer = requests.get(
        f"{emulator.api_url}me/top/tracks",
        params={"time_range": options.time_range, "limit": 50},
        headers={"Authorization": f"Bearer {emulator.token}"},
        timeout=10,
    )
    answer.raise_for_status()
    return [t["id"] for t in answer.json()["items"] if t]


def measure_latency(emulator: Emulator, latency_ms: int, runs: int) -> LatencyFigures:
    options = default_options()
    with latency(emulator, latency_ms):
        ours = timed_runs(emulator, lambda: gateway(emulator), options, runs, "ours")
        endpoints = endpoint_counts(emulator)
        busy = emulator_busy_ms(emulator, latency_ms)
        plain = timed_runs(emulator, lambda: plain_gateway(emulator), options, runs, "plain")
        what_if = timed_runs(
            emulator, lambda: gateway(emulator, max_workers=WHAT_IF_WORKERS), options, runs,
            "what-if",
        )
    top = top_track_ids(emulator, options)
    noise = emulator.app.config.search_noise
    plan = minimal_plan(ours[-1].preview, emulator.app.catalogue, top, search_noise=noise)
    oracle = minimal_plan(
        ours[-1].preview, emulator.app.catalogue, top, min_search_pages=0, search_noise=noise
    )
    return LatencyFigures(latency_ms, ours, plain, what_if, plan, oracle, busy, endpoints)


def measure_isolated(figures: list[LatencyFigures], runs: int) -> None:
    """Ours and the plain way again, with the emulator in a process of its own."""
    remote = emulator_process.start()
    try:
        options = default_options()
        for figure in figures:
            remote.set_latency(figure.latency_ms)
            figure.ours_isolated = timed_runs(
                remote, lambda: gateway(remote), options, runs, "isolated"  # type: ignore[arg-type]
            )
            figure.plain_isolated = timed_runs(
                remote, lambda: plain_gateway(remote), options, runs, "isolated-plain"  # type: ignore[arg-type]
            )
    finally:
        remote.stop()


@dataclass
class RateLimitFigures:
    budget: int
    needed: int
    production_outcome: str
    production_s: float
    production_429: int
    production_requests: int
    patient_s: float
    patient_virtual_wait_s: float
    patient_429: int
    patient_requests: int


def measure_rate_limit(emulator: Emulator, latency_ms: int, needed: int) -> RateLimitFigures:
    from playlists.spotify.errors import SpotifyRateLimited

    options = default_options()
    app = emulator.app
    with latency(emulator, latency_ms):
        emulator.fresh_state()
        app.rate_limiter.configure(RATE_LIMIT_PER_30S)
        started = time.perf_counter()
        with gateway(emulator) as gw:
            try:
                generate_and_save(gw, options, f"bench:rate:{time.time()}")
                outcome = "finished"
            except SpotifyRateLimited as exc:
                outcome = f"rate-limited page: “try again in about {exc.retry_after_seconds} s”"
            production_requests = gw.request_count
        production_s = time.perf_counter() - started
        production_429 = sum(r.status == 429 for r in app.request_log.entries())

        emulator.fresh_state()
        app.rate_limiter.configure(RATE_LIMIT_PER_30S)
        virtual = environment.VirtualTime(app.clock)
        started = time.perf_counter()
        with gateway(
            emulator, max_wait_for_rate_limit=60, rate_limit_budget=600,
            sleep=virtual.sleep, clock=virtual.now,
        ) as gw:
            generate_and_save(gw, options, f"bench:rate-patient:{time.time()}")
            patient_requests = gw.request_count
        patient_real = time.perf_counter() - started
        patient_429 = sum(r.status == 429 for r in app.request_log.entries())
        app.rate_limiter.configure(None)
        app.clock.reset()
    return RateLimitFigures(
        RATE_LIMIT_PER_30S, needed, outcome, production_s, production_429, production_requests,
        patient_real + virtual.waited, virtual.waited, patient_429, patient_requests,
    )


@dataclass
class QualityFigures:
    top: float
    deep: float
    per_noise: list[tuple[float, float, float]]  # (search noise sd, top, deep), seeds averaged


def measure_quality(emulator: Emulator) -> QualityFigures:
    """The bench's user and options at each search noise of the target (sd 0/5/10/15), each on
    its own emulator (the same synthetic catalogue); ``python -m bench.quality`` does more."""
    from statistics import mean

    from bench.percentiles import measure, truth_from_tracks
    from playlists.services.generation import generate
    from spotify_emulator import ALL_SCOPES, create_app, serve_in_thread

    per_noise = []
    for noise in QUALITY_NOISE:
        app = create_app(emulator.app.config.replace(search_noise=noise))
        server = serve_in_thread(app)
        try:
            token = app.issue_token(USER, ALL_SCOPES)["access_token"]
            at_noise = Emulator(server, app, token)
            truth = truth_from_tracks(app.catalogue.tracks.values())
            reports = []
            for seed in QUALITY_SEEDS:
                with gateway(at_noise) as gw:
                    reports.append(measure(generate(gw, default_options(seed=seed)).preview, truth))
        finally:
            server.stop()
        tops = [r.top_percentile for r in reports if r.top_percentile is not None]
        deeps = [r.deep_percentile for r in reports if r.deep_percentile is not None]
        per_noise.append((noise, mean(tops), mean(deeps)))
    return QualityFigures(
        mean(t for _, t, _ in per_noise), mean(d for _, _, d in per_noise), per_noise
    )


def measure_memory(emulator: Emulator) -> dict[str, Any]:
    emulator.fresh_state()
    completed = subprocess.run(
        [sys.executable, "-m", "bench.memory_probe", emulator.api_url, emulator.token,
         str(TRACKS)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "MOODYSTREAM_IGNORE_DOTENV": "1"},
    )
    for line in completed.stdout.splitlines():
        if line.startswith("@@BENCH@@"):
            return json.loads(line[len("@@BENCH@@") :])
    raise RuntimeError(f"memory probe failed:\n{completed.stderr[-3000:]}")


def measure_render(emulator: Emulator) -> tuple[float, int, int]:
    from playlists.services.generation import generate

    with gateway(emulator) as gw:
        preview = generate(gw, default_options(track_count=200)).preview
    seconds, size = render_times(preview)
    return seconds, size, preview.track_count


# --- report --------------------------------------------------------------------------------


def s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def print_report(
    out: Any,
    figures: list[LatencyFigures],
    rate: RateLimitFigures | None,
    cold: coldstart.ColdStart | None,
    render: tuple[float, int, int],
    memory: dict[str, Any],
    quality: QualityFigures,
    started: float,
    runs: int,
    load: tuple[float, float],
    cpu_floor_s: float | None = None,
) -> None:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out(f"## MoodyStream benchmark — {now}")
    out()
    command = " ".join(["python -m bench", *sys.argv[1:]])
    out(f"Command: `make bench` (`{command}`); commit {git_revision()}; Python "
        f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, load "
        f"average {load[0]:.1f} at the start and {load[1]:.1f} at the end (the machine is "
        "shared: figures move by ±10 % between runs).")
    app_settings = ", ".join(f"{k}={v}" for k, v in environment.app_gateway_settings().items())
    out(f"Emulator in this process (`serve_in_thread`), development mode, user `{USER}`, "
        f"default options with {ARTISTS} artists and {TRACKS} tracks (seed 1); the gateway as "
        f"the app builds it ({app_settings}), a fresh one per run; median "
        f"of {runs} runs; Spotify state reset before each run.")
    out()
    out("### Generate + save")
    out()
    out("| | " + " | ".join(f"{f.latency_ms} ms latency" for f in figures) + " |")
    out("|---|" + "---|" * len(figures))
    rows = [
        ("ours: wall time", lambda f: s(f.ours_s)),
        ("… of which generate", lambda f: s(median([r.generate_seconds for r in f.ours]))),
        ("plain way: wall time (one request at a time, no memo, no cache)",
         lambda f: s(f.plain_s)),
        ("speed-up, plain / ours", lambda f: f"{f.speedup:.1f}×"),
        ("critical path: round trips × latency",
         lambda f: f"{f.plan.round_trips} × {f.latency_ms} ms = {s(f.critical_s)}"),
        ("ours / critical path", lambda f: f"{f.versus_critical:.2f}×"),
        (f"what if max_workers={WHAT_IF_WORKERS}: wall time (× plain, × critical)",
         lambda f: f"{s(f.what_if_s)} ({f.plain_s / f.what_if_s:.1f}×, "
         f"{f.what_if_s / f.critical_s:.2f}×)"),
        ("emulator's handling time beyond the latency, summed per run (same process, GIL "
         "waits included)",
         lambda f: f"{f.emulator_ms_per_run:.0f} ms"),
    ]
    if figures and figures[0].ours_isolated:
        rows += [
            ("emulator in its own process: ours / plain",
             lambda f: f"{s(f.ours_isolated_s)} / {s(f.plain_isolated_s)}"),
            ("emulator in its own process: speed-up; ours / critical path",
             lambda f: f"{f.plain_isolated_s / f.ours_isolated_s:.1f}×; "
             f"{f.ours_isolated_s / f.critical_s:.2f}×"),
        ]
    for label, cell in rows:
        out(f"| {label} | " + " | ".join(cell(f) for f in figures) + " |")
    out()
    first = figures[0]
    if cpu_floor_s is not None:
        out(f"CPU floor: ours at 0 ms latency takes {s(cpu_floor_s)} on this machine (the "
            "client's and the emulator's work, sharing one interpreter), "
            f"{cpu_floor_s / first.critical_s:.2f}× the {first.latency_ms} ms critical path "
            "before any latency; the critical-path ratio cannot fall below about that.")
        out()

    ours_requests = median([r.requests for r in first.ours])
    plain_requests = median([r.requests for r in first.plain])
    out("### Spotify requests per generated playlist")
    out()
    out("| | requests |")
    out("|---|---|")
    out(f"| ours | {ours_requests:.0f} |")
    out(f"| plain way | {plain_requests:.0f} |")
    out(f"| smallest the API allows for this playlist with the plan's ranking (each artist's "
        f"first search page) | {first.plan.requests} ({first.plan.breakdown()}) |")
    out(f"| ours / smallest | {ours_requests / first.plan.requests:.2f}× |")
    out(f"| oracle bound (the picks known in advance, no ranking) | {first.oracle.requests} "
        f"({first.oracle.breakdown()}); ours / oracle {ours_requests / first.oracle.requests:.2f}×"
        " |")
    out()
    out("Ours, by endpoint: " + ", ".join(f"{k} ×{v}" for k, v in sorted(first.endpoints.items()))
        + ".")
    out()

    if rate is not None:
        out(f"### Rate limit: {rate.budget} requests per rolling 30 s (the work needs "
            f"{rate.needed}), {first.latency_ms} ms latency")
        out()
        out("| gateway | outcome | time | 429s received | requests sent |")
        out("|---|---|---|---|---|")
        out(f"| as in production (waits ≤ 5 s per pause, ≤ 10 s in all) | "
            f"{rate.production_outcome} | {s(rate.production_s)} | {rate.production_429} | "
            f"{rate.production_requests} |")
        out(f"| patient (waits ≤ 60 s; virtual clock) | finished | {s(rate.patient_s)} "
            f"(of which {s(rate.patient_virtual_wait_s)} waiting) | {rate.patient_429} | "
            f"{rate.patient_requests} |")
        out()

    out("### Cold start, rendering, memory")
    out()
    out("| | value |")
    out("|---|---|")
    if cold is not None:
        out(f"| cold import = import handler + set-up ({cold.source}; median of {cold.runs}) | "
            f"{s(cold.cold_import_s)} = {s(cold.import_s)} + {s(cold.setup_s)} |")
        if cold.status is not None:
            out(f"| first request after it (GET /, HTTP {cold.status}); a warm request | "
                f"{s(cold.first_request_s)}; {cold.warm_request_s * 1000:.1f} ms |")
        else:
            out(f"| importing URLconf and views after set-up | {s(cold.first_request_s)} |")
        if cold.zip_bytes:
            out(f"| package size (zipped / unzipped; Lambda limits 50 / 250 MB) | "
                f"{cold.zip_bytes / 1e6:.1f} MB / {cold.unzipped_bytes / 1e6:.1f} MB |")
    render_s, render_bytes, render_tracks = render
    out(f"| preview page render, {render_tracks} tracks, server side (median of 60) | "
        f"{render_s * 1000:.1f} ms ({render_bytes / 1024:.0f} KiB of HTML) |")
    out(f"| tracemalloc peak during one generate + save ({memory['tracks']} tracks, child "
        f"process) | {memory['tracemalloc_peak_bytes'] / 2**20:.1f} MiB |")
    out(f"| max RSS of that child process (after Django set-up → after the run) | "
        f"{memory['max_rss_before_kib'] / 1024:.0f} → {memory['max_rss_kib'] / 1024:.0f} MiB |")
    out(f"| max RSS of this bench process (emulator included) | "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB |")
    out()

    out(f"### Generation quality ({TRACKS} tracks, seeds {QUALITY_SEEDS[0]}–{QUALITY_SEEDS[-1]}, "
        "search noise sd 0/5/10/15)")
    out()
    out("Mean true-popularity percentile within each artist's songs (100 = their most popular; "
        "`bench/percentiles.py`; `python -m bench.quality` gives the table over search noise "
        "sd 0–15 and real catalogues): "
        f"top picks **{quality.top:.1f}** (good ≥ {TOP_PERCENTILE_TARGET:.0f}), deep cuts "
        f"**{quality.deep:.1f}** (good ≤ {DEEP_PERCENTILE_TARGET:.0f}). Per noise sd: "
        + ", ".join(f"{noise:g}: {top:.0f}/{deep:.0f}" for noise, top, deep in quality.per_noise)
        + ".")
    out()

    out("### Targets")
    out()
    out("| target | measured | result |")
    out("|---|---|---|")
    isolated_speedup = isolated_critical = ""
    if first.ours_isolated:
        isolated_speedup = (
            f" (emulator in its own process: {first.plain_isolated_s / first.ours_isolated_s:.1f}×)"
        )
        isolated_critical = (
            f" (emulator in its own process: {first.ours_isolated_s / first.critical_s:.2f}×)"
        )
    out(f"| ≥ {SPEEDUP_TARGET:.0f}× faster than the plain way at {first.latency_ms} ms | "
        f"{first.speedup:.1f}×{isolated_speedup} | {verdict(first.speedup >= SPEEDUP_TARGET)} |")
    out(f"| within {CRITICAL_PATH_TARGET:g}× of the critical path at {first.latency_ms} ms | "
        f"{first.versus_critical:.2f}×{isolated_critical} | "
        f"{verdict(first.versus_critical <= CRITICAL_PATH_TARGET)} |")
    ratio = ours_requests / first.plan.requests
    out(f"| ≤ {REQUESTS_TARGET}× the smallest request count | {ratio:.2f}× | "
        f"{verdict(ratio <= REQUESTS_TARGET)} |")
    if cold is not None:
        out(f"| cold import < {COLD_IMPORT_TARGET:.0f} s | {s(cold.cold_import_s)} | "
            f"{verdict(cold.cold_import_s < COLD_IMPORT_TARGET)} |")
    good = quality.top >= TOP_PERCENTILE_TARGET and quality.deep <= DEEP_PERCENTILE_TARGET
    out(f"| quality: top picks ≥ {TOP_PERCENTILE_TARGET:.0f}, deep cuts ≤ "
        f"{DEEP_PERCENTILE_TARGET:.0f} | {quality.top:.1f} / {quality.deep:.1f} | "
        f"{verdict(good)} |")
    out()
    out(f"Bench wall time {time.monotonic() - started:.0f} s.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-cold-start", action="store_true")
    parser.add_argument("--no-isolated", action="store_true",
                        help="skip the runs with the emulator in a process of its own")
    parser.add_argument("--update", action="store_true",
                        help="write the tables into BENCHMARKS.md between its markers")
    args = parser.parse_args(argv)
    runs = 2 if args.quick else max(1, args.runs)
    latencies = LATENCIES[:1] if args.quick else LATENCIES
    started = time.monotonic()
    load_start = os.getloadavg()[0]

    environment.setup_django()
    emulator = environment.start_emulator()
    try:
        # Warm-up (imports, connections, the emulator's indexes), not timed.
        for make in (lambda: gateway(emulator), lambda: plain_gateway(emulator)):
            timed_runs(emulator, make, default_options(), 1, "warm-up")
        figures = []
        for latency_ms in latencies:
            print(f"… {latency_ms} ms latency", file=sys.stderr, flush=True)
            figures.append(measure_latency(emulator, latency_ms, runs))
        floor = median([r.seconds for r in timed_runs(
            emulator, lambda: gateway(emulator), default_options(), runs, "cpu-floor"
        )])
        print("… rate limit, quality, rendering, memory", file=sys.stderr, flush=True)
        needed = math.floor(median([r.requests for r in figures[0].ours]))
        rate = measure_rate_limit(emulator, LATENCIES[0], needed)
        quality = measure_quality(emulator)
        render = measure_render(emulator)
        memory = measure_memory(emulator)
    finally:
        emulator.stop()
    if not args.no_isolated:
        print("… emulator in its own process", file=sys.stderr, flush=True)
        measure_isolated(figures, runs)
    cold = None
    if not args.no_cold_start:
        print("… cold start", file=sys.stderr, flush=True)
        cold = coldstart.measure(runs)
    lines: list[str] = []

    def out(text: str = "") -> None:
        lines.append(text)
        print(text)

    print_report(out, figures, rate, cold, render, memory, quality, started, runs,
                 (load_start, os.getloadavg()[0]), floor)
    if args.update:
        update_benchmarks_md("\n".join(lines))
    return 0


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_benchmarks_md(tables: str) -> None:
    path = PROJECT_ROOT / "BENCHMARKS.md"
    text = path.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"BENCHMARKS.md has no {START} ... {END} markers")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{tables}\n{END}{tail}")
    print("BENCHMARKS.md updated", file=sys.stderr)
