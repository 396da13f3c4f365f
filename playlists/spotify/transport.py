"""How each call to Spotify is made: token refresh, rate limits, retries, error mapping.

spotipy's own retry sleeps through any ``Retry-After`` (which can be hours), so it is switched
off and this module decides instead:

* 401 → refresh the access token once per call (one refresh shared by all threads), retry;
  a second 401 or no refresher → ``SpotifyAuthError``.
* 429 → every thread pauses until ``Retry-After`` if it is short and within the gateway's total
  waiting budget; otherwise (or on ``QUOTA_EXCEEDED``) ``SpotifyRateLimited`` at once.
* 5xx, time-outs, connection errors, malformed bodies → up to ``max_retries`` retries with
  exponential backoff and jitter, then ``SpotifyUnavailable``.
* A write that is not idempotent (creating a playlist, adding items) is never repeated once
  Spotify may have applied it: when its answer timed out, its connection dropped after sending,
  or it was answered 2xx with an unreadable body, ``SpotifyWriteUnconfirmed`` is raised at once
  and the caller checks Spotify instead.  Only failures before anything was sent (no
  connection) and error statuses (401, 429, 5xx) are retried for such a write.
* 400/403/404 → ``SpotifyBadRequest`` / ``SpotifyForbidden`` (or ``SpotifyUserNotRegistered``
  for the Development Mode allow-list refusal) / ``SpotifyNotFound``.

Nothing from spotipy or requests escapes, and tokens are never logged.
"""

from __future__ import annotations

import logging
import math
import random
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
import spotipy
from urllib3.exceptions import NewConnectionError

from .errors import (
    SpotifyAuthError,
    SpotifyBadRequest,
    SpotifyError,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyOwnerNeedsPremium,
    SpotifyRateLimited,
    SpotifyUnavailable,
    SpotifyUserNotRegistered,
    SpotifyWriteUnconfirmed,
)

T = TypeVar("T")
logger = logging.getLogger("playlists.spotify")

_NOT_REGISTERED = re.compile(
    r"may not be registered|not registered|allow-?list|not (?:been )?added to", re.IGNORECASE
)
_OWNER_NEEDS_PREMIUM = re.compile(r"premium subscription required for the owner", re.IGNORECASE)


class _QuietSpotipy(logging.Filter):
    """spotipy logs request headers (with the bearer token) at DEBUG and every HTTP error at
    ERROR, expected ones included; this module logs the outcome itself, without tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return (
            record.levelno > logging.DEBUG
            and "Bearer " not in message
            and not message.startswith("HTTP Error for")
        )


logging.getLogger("spotipy.client").addFilter(_QuietSpotipy())


class ResponseTap:
    """Remembers each thread's last raw response, for bodies spotipy does not pass on."""

    def __init__(self) -> None:
        self._local = threading.local()

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self._local.response = response
        return response

    def take(self) -> requests.Response | None:
        response = getattr(self._local, "response", None)
        self._local.response = None
        return response


class _TokenHolder:
    def __init__(
        self, client: spotipy.Spotify, token: str, refresher: Callable[[], str] | None
    ) -> None:
        self._client = client
        self._token = token
        self._refresher = refresher
        self._lock = threading.Lock()
        self.refresh_count = 0

    @property
    def current(self) -> str:
        return self._token

    @property
    def can_refresh(self) -> bool:
        return self._refresher is not None

    def refresh(self, rejected: str) -> None:
        """Replace ``rejected`` unless another thread already has."""
        assert self._refresher is not None
        with self._lock:
            if self._token != rejected:
                return
            try:
                token = self._refresher()
            except SpotifyError:
                raise
            except Exception as exc:
                raise SpotifyAuthError("refreshing the access token failed") from exc
            if not token:
                raise SpotifyAuthError("refreshing the access token gave no token")
            self._token = token
            self._client.set_auth(token)
            self.refresh_count += 1


class _RateGate:
    """Shared pause after a 429 (Spotify counts over a rolling window, so everyone waits)."""

    def __init__(
        self,
        max_wait: float,
        budget: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._max_wait = max_wait
        self._budget = budget
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self.waited = 0.0

    def hold(self, retry_after: float, *, quota_exceeded: bool) -> None:
        """Schedule a pause, or raise if it is too long to wait inside one request."""
        with self._lock:
            now = self._clock()
            resume = now + retry_after
            extra = max(0.0, resume - max(self._resume_at, now))
            if (
                quota_exceeded
                or retry_after > self._max_wait
                or self.waited + extra > self._budget
            ):
                raise SpotifyRateLimited(
                    max(1, math.ceil(retry_after)), quota_exceeded=quota_exceeded
                )
            self.waited += extra
            self._resume_at = max(self._resume_at, resume)

    def wait(self) -> None:
        with self._lock:
            delay = self._resume_at - self._clock()
        if delay > 0:
            self._sleep(delay)


class _Malformed(Exception):
    pass


def _retry_after(headers: Any) -> float:
    try:
        return max(0.0, float((headers or {}).get("Retry-After", 1)))
    except (TypeError, ValueError):
        return 1.0


class Transport:
    """Executes one spotipy call under the policy above; thread-safe."""

    def __init__(
        self,
        client: spotipy.Spotify,
        tap: ResponseTap,
        *,
        access_token: str,
        refresh_access_token: Callable[[], str] | None,
        max_retries: int,
        max_in_flight: int,
        max_wait_for_rate_limit: float,
        rate_limit_budget: float,
        backoff_base: float = 0.2,
        max_rate_limit_retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._tap = tap
        self._tokens = _TokenHolder(client, access_token, refresh_access_token)
        client.set_auth(access_token)
        self._gate = _RateGate(max_wait_for_rate_limit, rate_limit_budget, clock, sleep)
        self._in_flight = threading.BoundedSemaphore(max_in_flight)
        self._max_retries = max_retries
        self._max_rate_limit_retries = max_rate_limit_retries
        self._backoff_base = backoff_base
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._count_lock = threading.Lock()
        self.request_count = 0
        self.closed = False  # set when the gateway closes: stragglers stop retrying

    @property
    def refresh_count(self) -> int:
        return self._tokens.refresh_count

    def call(
        self,
        op: str,
        request: Callable[[spotipy.Spotify], Any],
        parse: Callable[[Any], T],
        *,
        idempotent: bool = True,
        expect_body: bool = True,
    ) -> T:
        attempt = 0
        rate_limited = 0
        refreshed = False
        while True:
            if self.closed:
                raise SpotifyUnavailable(f"{op}: the gateway is closed")
            self._gate.wait()
            token = self._tokens.current
            answered: int | str | None = None  # the 2xx status, once Spotify has answered one
            try:
                with self._in_flight:
                    with self._count_lock:
                        self.request_count += 1
                    raw = request(self._client)
                response = self._tap.take()
                answered = response.status_code if response is not None else "2xx"
                if expect_body and raw is None:
                    raise _Malformed(f"HTTP {answered} without a JSON body")
                return parse(raw)
            except spotipy.SpotifyException as exc:
                response = self._tap.take()
                status = exc.http_status
                if status == 401:
                    if refreshed or not self._tokens.can_refresh:
                        raise SpotifyAuthError(f"{op}: access token rejected") from None
                    logger.info("Spotify %s: token expired, refreshing", op)
                    self._tokens.refresh(token)
                    refreshed = True
                    continue
                if status == 429:
                    quota = _is_quota(exc, response)
                    retry_after = _retry_after(exc.headers)
                    rate_limited += 1
                    if rate_limited > self._max_rate_limit_retries:
                        raise SpotifyRateLimited(max(1, math.ceil(retry_after))) from None
                    logger.warning("Spotify %s: 429, Retry-After %.1fs", op, retry_after)
                    self._gate.hold(retry_after, quota_exceeded=quota)
                    continue
                if status is None or status < 500:
                    raise _mapped(op, status, exc, response) from None
                failure: Exception = SpotifyUnavailable(f"{op}: HTTP {status}")
            except (requests.RequestException, _Malformed, KeyError, TypeError, ValueError) as exc:
                self._tap.take()
                if not idempotent:
                    unconfirmed = _unconfirmed_write(op, exc, answered)
                    if unconfirmed is not None:
                        logger.warning("Spotify %s", unconfirmed)
                        raise unconfirmed from exc
                failure = exc
            if self.closed:
                raise SpotifyUnavailable(f"{op}: the gateway is closed") from failure
            if attempt >= self._max_retries:
                logger.warning("Spotify %s failed after %d attempts: %s", op, attempt + 1, failure)
                raise SpotifyUnavailable(f"{op}: {failure}") from failure
            delay = self._backoff_base * (2**attempt) + self._rng.uniform(0, self._backoff_base)
            logger.info("Spotify %s: %s; retry %d in %.2fs", op, failure, attempt + 1, delay)
            self._sleep(delay)
            attempt += 1


def _unconfirmed_write(
    op: str, exc: Exception, answered: int | str | None
) -> SpotifyWriteUnconfirmed | None:
    """What to raise instead of repeating a write that Spotify may have applied (or ``None``
    when repeating it is safe: nothing was sent)."""
    if answered is not None:
        return SpotifyWriteUnconfirmed(
            f"{op}: applied (HTTP {answered}) but the answer was unreadable; not repeated",
            applied=True,
        )
    if isinstance(exc, requests.RequestException) and not _never_sent(exc):
        what = "timed out" if isinstance(exc, requests.Timeout) else "connection lost"
        return SpotifyWriteUnconfirmed(f"{op}: {what}; not repeated", applied=None)
    return None


def _never_sent(exc: requests.RequestException) -> bool:
    """Whether the request certainly did not reach Spotify: no connection could be made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError) and exc.args:
        return isinstance(getattr(exc.args[0], "reason", None), NewConnectionError)
    return False


def _body_text(exc: spotipy.SpotifyException, response: requests.Response | None) -> str:
    parts = [str(exc.msg or ""), str(exc.reason or "")]
    if response is not None:
        parts.append(response.text[:2000])
    return " ".join(parts)


def _is_quota(exc: spotipy.SpotifyException, response: requests.Response | None) -> bool:
    return "QUOTA_EXCEEDED" in _body_text(exc, response).upper()


def _mapped(
    op: str, status: int | None, exc: spotipy.SpotifyException, response: requests.Response | None
) -> SpotifyError:
    text = _body_text(exc, response)
    detail = f"{op}: HTTP {status}"
    if status == 403:
        if _OWNER_NEEDS_PREMIUM.search(text):
            return SpotifyOwnerNeedsPremium(detail)
        if _NOT_REGISTERED.search(text):
            return SpotifyUserNotRegistered(detail)
        return SpotifyForbidden(detail)
    if status == 404:
        return SpotifyNotFound(detail)
    if status == 400:
        message = str(exc.msg or "").rsplit(":\n", 1)[-1].strip()  # spotipy: "URL:\n message"
        return SpotifyBadRequest(f"{detail}: {message[:200]}")
    return SpotifyError(detail)
