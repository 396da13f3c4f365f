"""The HTTP retry policy: a urllib3 ``Retry`` on the ``requests.Session`` spotipy is given.

spotipy's own ``Retry`` sleeps through any ``Retry-After`` (which can be hours) and repeats
POSTs whose answer was lost.  Here 5xx answers and failed connections are retried for every
method (nothing was applied); time-outs and dropped connections only for GET/PUT/DELETE, never
for a POST Spotify may have applied.  429 is ``calls.py``'s: the quota reason is in the body.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, Self

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRIED_STATUSES = frozenset({500, 502, 503, 504})


def backoff_delay(retry_number: int, base: float, rng: random.Random) -> float:
    """Seconds before retry ``retry_number`` (1, 2, ...): ``base × 2^(n-1)`` plus jitter."""
    return base * 2.0 ** (retry_number - 1) + rng.uniform(0, base)


class SpotifyRetry(Retry):
    """urllib3's ``Retry`` with the policy above; ``sleep`` injectable, ``on_retry`` counts."""

    def __init__(self, *args: Any, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None, on_retry: Callable[[], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sleeper, self.on_retry = sleep, on_retry
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.sleeper, retry.rng, retry.on_retry = self.sleeper, self.rng, self.on_retry
        return retry

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        return status_code in RETRIED_STATUSES  # for every method: Spotify applied nothing

    def increment(self, *args: Any, **kwargs: Any) -> Self:
        retry = super().increment(*args, **kwargs)  # raises when nothing may be retried
        if self.on_retry is not None:
            self.on_retry()
        return retry

    def sleep(self, response: Any = None) -> None:  # no Retry-After: 429 is not retried here
        self.sleeper(backoff_delay(len(self.history), self.backoff_factor, self.rng))


def retrying_session(retries: int, *, pool_size: int, **retry: Any) -> requests.Session:
    """A session whose requests follow the policy, one pooled connection per request in flight."""
    policy = SpotifyRetry(
        total=retries, connect=retries, read=retries, status=retries, other=0, redirect=0,
        allowed_methods={"GET", "HEAD", "PUT", "DELETE"},  # for time-outs, dropped connections
        status_forcelist=RETRIED_STATUSES, backoff_factor=0.2, raise_on_status=False,
        respect_retry_after_header=False, **retry,
    )
    session, adapter = requests.Session(), HTTPAdapter(2, pool_size, max_retries=policy)
    for scheme in ("https://", "http://"):
        session.mount(scheme, adapter)
    return session
