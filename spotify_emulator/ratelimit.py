"""Spotify-like rate limiting: a rolling 30-second budget per developer account, and quota.

Since July 2026 Spotify counts rate limits and quota per *developer account*: every app one
developer registered spends the same budget, and apps of other developers are unaffected.
The caller passes the account (``ClientApp.developer_account``), never a client id.

Over budget, requests get 429 with ``Retry-After`` (seconds until the oldest counted request
leaves the window). An account whose quota is exceeded (all of them with ``quota_exceeded``,
or the ones named with ``exhaust_quota``) gets 429 with ``"reason": "QUOTA_EXCEEDED"`` and a
long Retry-After.

Limits are also kept per endpoint (July 2026): a busy endpoint is locked for about a day for
that developer account while its other calls keep working. ``ENDPOINT_LOCKOUTS`` holds the one
projects report (~100 artist-albums calls in a short time → ``Retry-After`` ≈ 86,000 s);
``lock_endpoint`` locks any endpoint for a test.
"""

from __future__ import annotations

import math
import threading
from collections import deque

from spotify_emulator.clock import Clock
from spotify_emulator.responses import ApiError

WINDOW_SECONDS = 30
#: Route rule → (calls allowed per WINDOW_SECONDS, then locked for this many seconds).
ENDPOINT_LOCKOUTS: dict[str, tuple[int, int]] = {"/v1/artists/<id>/albums": (100, 86_000)}


class RateLimiter:
    def __init__(self, clock: Clock, per_30s: int | None = None, quota_exceeded: bool = False,
                 quota_retry_after: int = 4 * 3600) -> None:
        self.clock = clock
        self._initial = (per_30s, quota_exceeded, quota_retry_after)
        self.per_30s = per_30s
        self.quota_exceeded = quota_exceeded
        self.quota_retry_after = quota_retry_after
        #: Developer accounts whose quota ran out (on top of ``quota_exceeded`` for all).
        self.exhausted_accounts: set[str] = set()
        self._hits: dict[str, deque[float]] = {}
        self._endpoint_hits: dict[tuple[str, str], deque[float]] = {}
        self._locked_until: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self.per_30s, self.quota_exceeded, self.quota_retry_after = self._initial
            self.exhausted_accounts.clear()
            self._hits.clear()
            self._endpoint_hits.clear()
            self._locked_until.clear()

    def configure(self, per_30s: int | None = None, *, quota_exceeded: bool | None = None,
                  quota_retry_after: int | None = None) -> None:
        """Set the budget (None = unlimited) and/or switch quota mode; clears the window."""
        with self._lock:
            if per_30s is not None and per_30s < 1:
                raise ValueError("per_30s must be >= 1 or None")
            self.per_30s = per_30s
            if quota_exceeded is not None:
                self.quota_exceeded = quota_exceeded
                if not quota_exceeded:
                    self.exhausted_accounts.clear()
            if quota_retry_after is not None:
                self.quota_retry_after = quota_retry_after
            self._hits.clear()

    def lock_endpoint(self, account: str, rule: str, seconds: float) -> None:
        """Lock one endpoint (a route rule) for developer ``account`` (0: unlock)."""
        with self._lock:
            self._locked_until[(account, rule)] = self.clock.now() + seconds

    def check_endpoint(self, account: str, rule: str) -> None:
        """Count one call of ``rule`` for ``account``; 429 while it is locked, and the call
        past its limit locks it."""
        now = self.clock.now()
        with self._lock:
            until = self._locked_until.get((account, rule), 0.0)
            if until > now:
                raise ApiError(429, "API rate limit exceeded",
                               {"Retry-After": str(max(1, math.ceil(until - now)))})
            if rule not in ENDPOINT_LOCKOUTS:
                return
            calls, lockout = ENDPOINT_LOCKOUTS[rule]
            hits = self._endpoint_hits.setdefault((account, rule), deque())
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= calls:
                hits.clear()
                self._locked_until[(account, rule)] = now + lockout
                raise ApiError(429, "API rate limit exceeded", {"Retry-After": str(lockout)})
            hits.append(now)

    def exhaust_quota(self, account: str, exhausted: bool = True) -> None:
        """Mark one developer account's quota as used up (or restore it)."""
        with self._lock:
            if exhausted:
                self.exhausted_accounts.add(account)
            else:
                self.exhausted_accounts.discard(account)

    def check(self, account: str) -> None:
        """Count one request for developer ``account``; raise the 429 ApiError when over."""
        if self.quota_exceeded or account in self.exhausted_accounts:
            raise ApiError(429, "API rate limit exceeded",
                           {"Retry-After": str(self.quota_retry_after)}, reason="QUOTA_EXCEEDED")
        if self.per_30s is None:
            return
        now = self.clock.now()
        with self._lock:
            hits = self._hits.setdefault(account, deque())
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= self.per_30s:
                retry = max(1, math.ceil(hits[0] + WINDOW_SECONDS - now))
                raise ApiError(429, "API rate limit exceeded", {"Retry-After": str(retry)})
            hits.append(now)
