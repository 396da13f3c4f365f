"""Preview + save as production runs them: in a Lambda container (a process of its own under the
CPU share of its memory size, ``bench.lambda_cpu``) over a network like Spotify's
(``bench.network``: HTTPS, keep-alive, the round trip charged per connect and per exchange).

For each memory size, fresh containers (``bench.container``) are started one after another;
each sets Django up, serves its first preview + save (new TLS connections: the fresh figure),
then more (its pool kept: the warm figures).  At the target size the first container also runs
the plain way (one request at a time over one kept-alive connection, as a spotipy client does by
default).  The emulator serves from the bench's process, the proxy from a process of its own;
neither is under the quota.  Spotify's state is reset before every run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from bench import lambda_cpu
from bench.environment import Emulator, median
from bench.network import KeepAliveServer, ProxyProcess, TestCertificate

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RTT_MS = 100
TARGET_MEMORY_MB = 1024
MEMORY_SIZES = (512, 1024, 1769)
WARM_RUNS_PER_CONTAINER = 2
INVOCATIONS_PER_PREVIEW = 2  # the preview page, then the save


@dataclass
class Run:
    seconds: float
    generate_seconds: float
    render_seconds: float
    requests: int
    cpu_seconds: float
    max_rss_kib: int
    new_connections: int
    emulator_ms: float
    throttled_s: float  # how long the CPU quota held the container back during the run


@dataclass
class SizeFigures:
    memory_mb: int
    quota_note: str  # why no quota was applied, or ""
    setup_s: list[float] = field(default_factory=list)
    fresh: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    plain: list[Run] = field(default_factory=list)

    @property
    def share(self) -> float:
        return lambda_cpu.cpu_share(self.memory_mb)

    def med(self, runs: list[Run], attribute: str) -> float:
        return median([float(getattr(r, attribute)) for r in runs])

    @property
    def warm_s(self) -> float:
        return self.med(self.warm, "seconds")

    @property
    def fresh_s(self) -> float:
        return self.med(self.fresh, "seconds")

    @property
    def plain_s(self) -> float:
        return self.med(self.plain, "seconds")

    @property
    def billed_s(self) -> float:
        """A warm preview (generation and its page) and its save: what Lambda bills."""
        return self.warm_s + self.med(self.warm, "render_seconds")

    def cost(self) -> tuple[float, float]:
        return lambda_cpu.cost_per_thousand(self.billed_s, self.memory_mb,
                                            INVOCATIONS_PER_PREVIEW)


@dataclass
class NetworkFigures:
    rtt_ms: int
    sizes: list[SizeFigures]
    round_trips: int  # the critical path (bench.minimum) + the page above when read
    page_above: bool

    @property
    def target(self) -> SizeFigures:
        return next(s for s in self.sizes if s.memory_mb == TARGET_MEMORY_MB)

    @property
    def critical_s(self) -> float:
        return self.round_trips * self.rtt_ms / 1000


class Container:
    """One ``bench.container`` process, under ``quota`` if given."""

    def __init__(self, api_url: str, token: str, ca_file: str,
                 quota: lambda_cpu.CpuQuota | None) -> None:
        env = {**os.environ, "REQUESTS_CA_BUNDLE": ca_file, "MOODYSTREAM_IGNORE_DOTENV": "1"}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.container", api_url, token], cwd=PROJECT_ROOT,
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if quota is not None:
            quota.add(self._process.pid)
        self.setup_s = float(self._read("@@READY@@")["setup_s"])

    def _read(self, marker: str) -> dict[str, Any]:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if line.startswith(marker):
                return dict(json.loads(line[len(marker):]))
        raise RuntimeError(f"bench.container exited with {self._process.wait()}")

    def run(self, kind: str) -> dict[str, Any]:
        assert self._process.stdin is not None
        key = f"bench:{kind}:{time.time()}"
        self._process.stdin.write(json.dumps({"kind": kind, "key": key}) + "\n")
        self._process.stdin.flush()
        return self._read("@@RUN@@")

    def stop(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()


def emulator_ms(emulator: Emulator) -> float:
    """The emulator's own handling time in the last run, summed over its requests."""
    return sum(r.duration_ms for r in emulator.app.request_log.entries()
               if r.path.startswith("/v1/"))


def read_page_above(emulator: Emulator) -> bool:
    """Whether the last run read a third search page for some artist (the page above a deep end
    of copies, BENCHMARKS.md): one round trip beyond the smallest plan's."""
    pages: Counter = Counter()
    for record in emulator.app.request_log.entries():
        if record.path.rstrip("/") == "/v1/search":
            pages[tuple(parse_qs(record.query).get("q", []))] += 1
    return any(count >= 3 for count in pages.values())


def measure(emulator: Emulator, *, containers: int, plain_runs: int, smallest_round_trips: int,
            page_above: bool, sizes: tuple[int, ...] = MEMORY_SIZES,
            progress: Any = print) -> NetworkFigures:
    certificate = TestCertificate()
    server = KeepAliveServer(emulator.app, certificate)
    proxy = ProxyProcess(server.port, RTT_MS)
    api_url = f"{proxy.base_url}/v1/"
    quotas = {memory_mb: lambda_cpu.quota_for(memory_mb) for memory_mb in sizes}
    figures = {memory_mb: SizeFigures(memory_mb, quotas[memory_mb][1]) for memory_mb in sizes}
    try:
        # The sizes take turns, container by container: a shared machine's load then weighs on
        # each size alike.
        for n in range(containers):
            for memory_mb in sizes:
                if memory_mb != TARGET_MEMORY_MB and n >= max(1, containers // 2):
                    continue
                progress(f"… container {n + 1} at {memory_mb} MB, {RTT_MS} ms round trip")
                plain = plain_runs if n == 0 and memory_mb == TARGET_MEMORY_MB else 0
                run_container(emulator, proxy, api_url, certificate.bundle_file,
                              quotas[memory_mb][0], figures[memory_mb], plain)
    finally:
        proxy.stop()
        server.stop()
        certificate.cleanup()
        for quota, _ in quotas.values():
            if quota is not None:
                quota.remove()
    return NetworkFigures(RTT_MS, list(figures.values()),
                          smallest_round_trips + int(page_above), page_above)


def run_container(emulator: Emulator, proxy: ProxyProcess, api_url: str, ca_file: str,
                  quota: lambda_cpu.CpuQuota | None, size: SizeFigures, plain_runs: int) -> None:
    """One fresh container: its first run, its warm runs, then ``plain_runs`` the plain way."""
    container = Container(api_url, emulator.token, ca_file, quota)
    size.setup_s.append(container.setup_s)
    try:
        kinds = ["ours"] * (1 + WARM_RUNS_PER_CONTAINER) + ["plain"] * plain_runs
        for i, kind in enumerate(kinds):
            emulator.fresh_state()
            before = proxy.connections
            held = quota.throttled_s() if quota else 0.0
            answer = container.run(kind)
            run = Run(answer["seconds"], answer["generate_seconds"], answer["render_seconds"],
                      answer["requests"], answer["cpu_seconds"], answer["max_rss_kib"],
                      proxy.connections - before, emulator_ms(emulator),
                      (quota.throttled_s() if quota else 0.0) - held)
            (size.plain if kind == "plain" else size.fresh if i == 0 else size.warm).append(run)
    finally:
        container.stop()


# --- report --------------------------------------------------------------------------------

def s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def print_report(out: Any, net: NetworkFigures) -> None:
    sizes, target = net.sizes, net.target
    out(f"### Preview + save in a Lambda container, {net.rtt_ms} ms round trip, HTTPS")
    out()
    out("Command: as above (`bench.lambda_model`). The client in a process of its own under the "
        "CPU share of each memory size (1,769 MB = 1 vCPU); the emulator over HTTPS with "
        "keep-alive behind a latency proxy (a new connection: TCP + TLS 1.3 = 2 round trips "
        "before its first request; each request on a kept-alive one: 1). Fresh container = its "
        "first preview + save after Django set-up (new connections); warm = the following ones "
        "(the process's pool kept). Medians.")
    notes = sorted({size.quota_note for size in sizes if size.quota_note})
    for note in notes:
        out()
        out(f"**No CPU quota applied** ({note}): the client ran at whatever CPU this machine "
            "gave it, so the memory sizes below differ only in price.")
    out()
    out("| | " + " | ".join(f"{z.memory_mb} MB ({z.share:.2f} vCPU)" for z in sizes) + " |")
    out("|---|" + "---|" * len(sizes))
    rows = [
        ("warm container: preview + save", lambda z: s(z.warm_s)),
        ("… of which the preview", lambda z: s(z.med(z.warm, "generate_seconds"))),
        ("rendering the preview page (50 tracks): warm / fresh",
         lambda z: f"{s(z.med(z.warm, 'render_seconds'))} / {s(z.med(z.fresh, 'render_seconds'))}"),
        ("fresh container: first preview + save", lambda z: s(z.fresh_s)),
        ("fresh − warm, in round trips",
         lambda z: f"{(z.fresh_s - z.warm_s) * 1000 / net.rtt_ms:.1f}"),
        ("new connections: first run / warm run",
         lambda z: f"{z.med(z.fresh, 'new_connections'):.0f} / "
         f"{z.med(z.warm, 'new_connections'):.0f}"),
        ("client CPU per preview + save + page (all threads)",
         lambda z: s(z.med(z.warm, "cpu_seconds"))),
        ("held back by the CPU quota during a warm run / the fresh run",
         lambda z: "no quota" if z.quota_note else
         f"{s(z.med(z.warm, 'throttled_s'))} / {s(z.med(z.fresh, 'throttled_s'))}"),
        ("emulator's handling time, summed over the requests",
         lambda z: s(z.med(z.warm, "emulator_ms") / 1000)),
        ("Django set-up in the container (init phase, not billed here)",
         lambda z: s(median(z.setup_s))),
        ("max RSS of the container after its runs",
         lambda z: f"{max(r.max_rss_kib for r in z.warm + z.fresh) / 1024:.0f} MiB"),
        ("billed per preview + save: both, and the page (warm)", lambda z: s(z.billed_s)),
        ("GB-seconds per 1,000 previews + saves (warm)", lambda z: f"{z.cost()[0]:.1f}"),
        ("$ per 1,000 previews + saves (warm; 2 invocations each)",
         lambda z: f"${z.cost()[1]:.4f}"),
    ]
    for label, cell in rows:
        out(f"| {label} | " + " | ".join(cell(z) for z in sizes) + " |")
    out()
    out(f"Price: {lambda_cpu.PRICE_SOURCE}. Billed: the warm wall time of the preview (its "
        "generation and its page) and of the save, two invocations; not included: API Gateway, "
        "Django's request handling around the view, data transfer, the init phase.")
    out()
    out(f"At {target.memory_mb} MB: the plain way takes {s(target.plain_s)} "
        f"({target.med(target.plain, 'requests'):.0f} requests, one at a time over one "
        f"kept-alive connection), ours {s(target.warm_s)}: **{target.plain_s / target.warm_s:.1f}×"
        f"**. Critical path: {net.round_trips} round trips × {net.rtt_ms} ms = "
        f"{s(net.critical_s)} (the fewest of any plan within 1.3× the smallest request count: "
        f"{net.round_trips - int(net.page_above)}"
        + (" + the page above a deep end of copies" if net.page_above else "")
        + f"); ours / critical path **{target.warm_s / net.critical_s:.2f}×**; CPU alone at this "
        f"share: {target.med(target.warm, 'cpu_seconds') / target.share * 1000:.0f} ms.")
    out()


CRITICAL_PATH_TARGET = 1.4
SPEEDUP_TARGET = 6.0
FRESH_EXTRA_ROUND_TRIPS = 2


def target_rows(net: NetworkFigures) -> list[tuple[str, str, bool]]:
    target, rtt = net.target, net.rtt_ms
    speedup = target.plain_s / target.warm_s
    versus = target.warm_s / net.critical_s
    extra = (target.fresh_s - target.warm_s) * 1000 / rtt
    where = f"{rtt} ms, HTTPS, {target.memory_mb} MB"
    return [
        (f"warm: ≥ {SPEEDUP_TARGET:.0f}× faster than the plain way ({where})",
         f"{speedup:.1f}×", speedup >= SPEEDUP_TARGET),
        (f"warm: within {CRITICAL_PATH_TARGET}× of the critical path ({net.round_trips} round "
         f"trips; {where})", f"{versus:.2f}×", versus <= CRITICAL_PATH_TARGET),
        (f"fresh container: ≤ warm + {FRESH_EXTRA_ROUND_TRIPS} round trips ({where})",
         f"{s(target.fresh_s)} = warm + {extra:.1f}", extra <= FRESH_EXTRA_ROUND_TRIPS),
    ]
