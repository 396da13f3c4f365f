"""The HTTP retry policy, as a urllib3 ``Retry`` mounted on the gateway's ``requests.Session``.

spotipy builds its own session whose ``Retry`` sleeps through any ``Retry-After`` (which can be
hours) and repeats POSTs whose answer was lost.  Given a session of ours it mounts nothing, so
the policy is this one:

* 5xx answers (500, 502, 503, 504): retried up to ``retries`` times with exponential backoff and
  jitter, for every method: an error status means Spotify did not apply the write.
* No connection could be made: retried the same way (nothing was sent).
* Time-outs and connections dropped after sending: retried for reads and idempotent writes
  (GET, PUT, DELETE) only; a POST (create a playlist, add items) is never repeated, since
  Spotify may have applied it.
* 429 is not retried here: ``Retry-After`` may be long and the quota reason is in the body, so
  the gateway decides (a short pause shared by all threads, or ``SpotifyRateLimited``).

``sleep`` and ``rng`` are injectable for tests; ``on_retry`` counts the requests sent.
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
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})


def backoff_delay(retry_number: int, base: float, rng: random.Random) -> float:
    """Seconds before retry ``retry_number`` (1, 2, ...): ``base × 2^(n-1)`` plus jitter."""
    return base * 2.0 ** (retry_number - 1) + rng.uniform(0, base)


class SpotifyRetry(Retry):
    """urllib3's ``Retry`` with the policy of the module docstring."""

    def __init__(
        self,
        *args: Any,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_retry: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sleeper = sleep
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.on_retry = on_retry

    @classmethod
    def policy(
        cls,
        retries: int,
        *,
        backoff_base: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_retry: Callable[[], None] | None = None,
    ) -> SpotifyRetry:
        return cls(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            redirect=0,
            allowed_methods=IDEMPOTENT_METHODS,  # for time-outs and dropped connections
            status_forcelist=RETRIED_STATUSES,
            backoff_factor=backoff_base,
            raise_on_status=False,  # the last 5xx reaches spotipy, which raises it
            respect_retry_after_header=False,
            sleep=sleep,
            rng=rng,
            on_retry=on_retry,
        )

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.sleeper, retry.rng, retry.on_retry = self.sleeper, self.rng, self.on_retry
        return retry

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        """Error statuses are retried for every method (Spotify applied nothing)."""
        return status_code in RETRIED_STATUSES

    def increment(self, *args: Any, **kwargs: Any) -> Self:
        retry = super().increment(*args, **kwargs)  # raises when nothing may be retried
        if self.on_retry is not None:
            self.on_retry()
        return retry

    def get_backoff_time(self) -> float:
        return backoff_delay(len(self.history), self.backoff_factor, self.rng)

    def sleep(self, response: Any = None) -> None:
        self.sleeper(self.get_backoff_time())


def retrying_session(retry: SpotifyRetry, *, pool_size: int) -> requests.Session:
    """A session whose connections to Spotify follow ``retry``; ``pool_size`` keeps one
    connection per request in flight."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
