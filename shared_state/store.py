"""The interface every shared store implements, and the rules they share.

* **Keys are hashes.** A caller's key ("save:<user>:<digest>") is stored as its kind and a
  SHA-256 of the whole (``stored_key``): nothing readable about a listener is kept.
* **Everything expires.** Each entry carries its expiry (epoch seconds); an expired entry is
  absent for every operation, whether or not the engine has removed it yet (DynamoDB's TTL
  deletes within a day or two, so conditions check the time themselves).
* **Atomic.** ``claim``, ``replace`` and ``release`` are conditional writes; ``spend`` adds to
  a counter only if the budget has room; ``pause_until`` only ever moves a pause later.

Budgets are sliding-window counters: the window's own count plus the previous window's, weighted
by how much of it still overlaps the sliding window (Cloudflare's approximation, exact for an
even rate, never lets 2× the budget through at a boundary as fixed windows do). Counts are
whole numbers, so a cost (Spotify requests, say) is added in one step.
"""

from __future__ import annotations

import hashlib
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Value = str | int
Record = dict[str, Value]

#: Longest an entry may be kept (the README promises "minutes to a day").
MAX_TTL_SECONDS = 24 * 3600


class SharedStateUnavailable(Exception):
    """The shared store did not answer (or refused); the caller decides whether to go on."""


def stored_key(key: str) -> str:
    """``kind:sha256`` of ``key``; the kind (text before the first colon) stays readable."""
    kind = key.split(":", 1)[0]
    return f"{kind}:{hashlib.sha256(key.encode()).hexdigest()}"


@dataclass(frozen=True)
class Spend:
    """What ``spend`` decided: ``allowed``, else ``retry_after`` seconds until it would be."""

    allowed: bool
    retry_after: float = 0.0
    used: float = 0.0


def wait_for_room(*, previous: int, current: int, cost: int, limit: int, window: float,
                  elapsed: float) -> float:
    """Seconds until ``cost`` fits under ``limit`` if nothing more is spent meanwhile."""
    if cost > limit:
        return math.inf
    if current + cost <= limit:
        # Only the previous window's weight must fall: previous × (1 − t/W) ≤ room.
        room = limit - current - cost
        fraction = 1.0 - room / previous if previous else 0.0
        return max(0.0, fraction * window - elapsed)
    # This window's count becomes the previous one's at the next boundary.
    fraction = 1.0 - (limit - cost) / current
    return (window - elapsed) + max(0.0, fraction * window)


class SharedState(ABC):
    """A small store of expiring records, counters and pauses; see the module docstring."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock

    # -- records ----------------------------------------------------------------------------
    @abstractmethod
    def claim(self, key: str, value: Mapping[str, Value], ttl: int) -> bool:
        """Store ``value`` unless a live entry holds ``key``; whether it was stored."""

    @abstractmethod
    def read(self, key: str) -> Record | None:
        """The live entry under ``key``, or ``None``."""

    @abstractmethod
    def replace(self, key: str, value: Mapping[str, Value], ttl: int, *,
                expect: Mapping[str, Value]) -> bool:
        """Overwrite the live entry whose fields include ``expect``; whether it was."""

    @abstractmethod
    def release(self, key: str, *, expect: Mapping[str, Value]) -> bool:
        """Remove the live entry whose fields include ``expect``; whether it was."""

    # -- budgets ----------------------------------------------------------------------------
    def spend(self, key: str, cost: int, *, limit: int, window: int) -> Spend:
        """Count ``cost`` against ``limit`` per sliding ``window`` seconds, if it fits."""
        now = self.clock()
        index = int(now // window)
        elapsed = now - index * window
        previous = self._count(f"{key}#{index - 1}")
        weight = 1.0 - elapsed / window
        room = math.floor(limit - cost - previous * weight + 1e-9)
        expires = (index + 2) * window + 60
        if room < 0:
            added, current = False, self._count(f"{key}#{index}")
        else:
            added, current = self._add_if_at_most(f"{key}#{index}", cost, room, expires)
        if added:
            return Spend(True, 0.0, previous * weight + current)
        return Spend(False, max(1.0, wait_for_room(
            previous=previous, current=current, cost=cost, limit=limit, window=window,
            elapsed=elapsed)), previous * weight + current)

    @abstractmethod
    def _count(self, key: str) -> int:
        """A window's count (0 when absent)."""

    @abstractmethod
    def _add_if_at_most(self, key: str, cost: int, room: int, expires: int) -> tuple[bool, int]:
        """Add ``cost`` if the count is at most ``room``; (added, count after or as found)."""

    # -- pauses -----------------------------------------------------------------------------
    @abstractmethod
    def pause_until(self, group: str, name: str, until: float) -> None:
        """Note that ``name`` (an endpoint, or "*") of ``group`` is paused until ``until``
        (epoch seconds); a later pause already noted stays."""

    @abstractmethod
    def pauses(self, group: str) -> dict[str, float]:
        """The pauses of ``group`` still running: name -> until (epoch seconds)."""

    def expiry(self, ttl: float) -> int:
        return math.ceil(self.clock() + min(max(ttl, 1), MAX_TTL_SECONDS))
