"""Fault injection: latency, error statuses, timeouts, dropped connections, broken JSON.

Rules match a request by method and a glob on its path below the mount (for example
``/v1/me/top/*``) and fire either with a probability (seeded RNG, so runs repeat) or for
the next N matching requests. Without either they fire on every match.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import asdict, dataclass

DEFAULT_MESSAGES = {
    429: "API rate limit exceeded",
    500: "Server error.",
    502: "Bad gateway.",
    503: "Service unavailable",
    504: "Gateway timeout",
}
KINDS = ("error", "timeout", "drop", "malformed")


@dataclass
class FaultRule:
    id: int
    pattern: str
    kind: str = "error"
    status: int = 500
    retry_after: int | None = None
    probability: float | None = None
    count: int | None = None  # remaining firings; None = unlimited
    method: str | None = None
    seconds: float = 0.0  # how long a timeout/drop holds the request
    message: str | None = None
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return fnmatch.fnmatchcase(path, self.pattern)

    def to_dict(self) -> dict:
        return asdict(self)


class FaultInjector:
    """Holds the active rules and the latency setting; thread-safe."""

    def __init__(self, seed: int = 0, latency_ms: int | tuple[int, int] = 0,
                 initial_rules: tuple[dict, ...] = ()) -> None:
        self._seed = seed
        self._initial_latency = latency_ms
        self._initial_rules = initial_rules
        self._lock = threading.Lock()
        self.rules: list[FaultRule] = []
        self._next_id = 1
        self.rng = random.Random(seed)
        self.latency_ms: int | tuple[int, int] = latency_ms
        self.reset()

    def reset(self) -> None:
        """Back to the configured latency and rules, with the RNG re-seeded."""
        with self._lock:
            self.rules = []
            self._next_id = 1
            self.rng = random.Random(self._seed)
            self.latency_ms = self._initial_latency
        for rule in self._initial_rules:
            self.add(**rule)

    # -- configuration ------------------------------------------------------------------
    def set_latency(self, ms: int = 0, jitter: tuple[int, int] | None = None) -> None:
        """Fixed added latency in ms, or a jittered (min, max) range."""
        if jitter is not None:
            low, high = jitter
            if not 0 <= low <= high:
                raise ValueError("jitter must be (min, max) with 0 <= min <= max")
            self.latency_ms = (int(low), int(high))
        else:
            if ms < 0:
                raise ValueError("latency must be >= 0")
            self.latency_ms = int(ms)

    def add(self, pattern: str, kind: str = "error", *, status: int = 500,
            retry_after: int | None = None, probability: float | None = None,
            count: int | None = None, method: str | None = None, seconds: float = 0.0,
            message: str | None = None) -> FaultRule:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        if count is not None and count < 1:
            raise ValueError("count must be >= 1")
        if kind == "error" and not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status")
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            rule = FaultRule(self._next_id, pattern, kind, status, retry_after, probability,
                             count, method, float(seconds), message)
            self._next_id += 1
            self.rules.append(rule)
        return rule

    def add_error(self, pattern: str, status: int = 500, **kw: object) -> FaultRule:
        """Answer matching requests with ``status`` (500, 502, 503, 429 + Retry-After...)."""
        return self.add(pattern, "error", status=status, **kw)  # type: ignore[arg-type]

    def add_timeout(self, pattern: str, seconds: float, drop: bool = False,
                    **kw: object) -> FaultRule:
        """Hold matching requests ``seconds``; then answer normally, or drop the connection."""
        return self.add(pattern, "drop" if drop else "timeout", seconds=seconds,
                        **kw)  # type: ignore[arg-type]

    def add_malformed(self, pattern: str, **kw: object) -> FaultRule:
        """Answer matching requests 200 with the real JSON body cut in half."""
        return self.add(pattern, "malformed", **kw)  # type: ignore[arg-type]

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self.rules)
            self.rules = [r for r in self.rules if r.id != rule_id]
            return len(self.rules) != before

    def clear(self) -> None:
        with self._lock:
            self.rules = []

    # -- per request --------------------------------------------------------------------
    def latency_seconds(self) -> float:
        with self._lock:
            lat = self.latency_ms
            if isinstance(lat, tuple):
                return self.rng.uniform(lat[0], lat[1]) / 1000.0
            return lat / 1000.0

    def pick(self, method: str, path: str) -> FaultRule | None:
        """The first rule that fires for this request (consuming one of its ``count``)."""
        with self._lock:
            for rule in self.rules:
                if not rule.matches(method, path):
                    continue
                if rule.probability is not None and self.rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.count is not None:
                    rule.count -= 1
                    if rule.count <= 0:
                        self.rules.remove(rule)
                return rule
        return None
