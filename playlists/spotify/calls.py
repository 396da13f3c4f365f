"""How one call to Spotify is made: token refresh, rate limits, unreadable answers, errors.

The HTTP retries (5xx, connection failures, time-outs of idempotent requests) are
``retry.SpotifyRetry``'s, inside the ``requests.Session`` that spotipy uses.  What reaches
this module is spotipy's answer or exception, and the decision is:

* 401 → refresh the access token once per call (one refresh shared by all threads), retry;
  a second 401 or no refresher → ``SpotifyAuthError``.
* 429 → every thread pauses until ``Retry-After`` if it is short and within the gateway's total
  waiting budget; otherwise (or on ``QUOTA_EXCEEDED``) ``SpotifyRateLimited`` at once.
* A 2xx whose body is unreadable → a read is retried with backoff; a write that is not
  idempotent raises ``SpotifyWriteUnconfirmed(applied=True)`` and is never repeated.
* A time-out or dropped connection of such a write (urllib3 does not retry it) →
  ``SpotifyWriteUnconfirmed(applied=None)``: the caller checks Spotify instead.
* 5xx left after the retries, and failures to connect → ``SpotifyUnavailable``.
* 400/403/404 → ``SpotifyBadRequest`` / ``SpotifyForbidden`` (or ``SpotifyUserNotRegistered``
  for the Development Mode allow-list refusal) / ``SpotifyNotFound``.

Nothing from spotipy or requests escapes, and tokens are never logged.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable
from typing import Any

import requests
import spotipy
from urllib3.exceptions import MaxRetryError, NewConnectionError

from .errors import (
    SpotifyAuthError,
    SpotifyBadRequest,
    SpotifyError,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyRateLimited,
    SpotifyUnavailable,
    SpotifyUserNotRegistered,
    SpotifyWriteUnconfirmed,
)

logger = logging.getLogger("playlists.spotify")

_NOT_REGISTERED = re.compile(
    r"may not be registered|not registered|allow-?list|not (?:been )?added to", re.IGNORECASE
)


class TokenHolder:
    """The access token all threads use, and the one refresh that replaces a rejected one."""

    def __init__(
        self, client: spotipy.Spotify, token: str, refresher: Callable[[], str] | None
    ) -> None:
        self._client = client
        self.current = token
        self._refresher = refresher
        self._lock = threading.Lock()
        self.refresh_count = 0
        client.set_auth(token)

    @property
    def can_refresh(self) -> bool:
        return self._refresher is not None

    def refresh(self, rejected: str) -> None:
        """Replace ``rejected`` unless another thread already has."""
        assert self._refresher is not None
        with self._lock:
            if self.current != rejected:
                return
            try:
                token = self._refresher()
            except SpotifyError:
                raise
            except Exception as exc:
                raise SpotifyAuthError("refreshing the access token failed") from exc
            if not token:
                raise SpotifyAuthError("refreshing the access token gave no token")
            self.current = token
            self._client.set_auth(token)
            self.refresh_count += 1


class RateGate:
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


def retry_after(exc: spotipy.SpotifyException) -> float:
    try:
        return max(0.0, float((exc.headers or {}).get("Retry-After", 1)))
    except (TypeError, ValueError):
        return 1.0


def is_quota(exc: spotipy.SpotifyException) -> bool:
    return "QUOTA_EXCEEDED" in f"{exc.reason} {exc.msg}".upper()


def mapped(op: str, exc: spotipy.SpotifyException) -> SpotifyError:
    """The app's error for an HTTP error status that is not retried any more."""
    status = exc.http_status
    detail = f"{op}: HTTP {status}"
    message = str(exc.msg or "").rsplit(":\n", 1)[-1].strip()  # spotipy: "URL:\n message"
    if status == 401:
        return SpotifyAuthError(f"{op}: access token rejected")
    if status == 403:
        if _NOT_REGISTERED.search(message):
            return SpotifyUserNotRegistered(detail)
        return SpotifyForbidden(detail)
    if status == 404:
        return SpotifyNotFound(detail)
    if status == 400:
        return SpotifyBadRequest(f"{detail}: {message[:200]}")
    if status is not None and status >= 500:
        return SpotifyUnavailable(detail)
    return SpotifyError(detail)


def transport_failure(op: str, exc: requests.RequestException, *, idempotent: bool) -> SpotifyError:
    """What a failure with no answer means: a write that may have been applied is unconfirmed
    (never repeated); anything else is an outage that survived the retries."""
    if not idempotent and not _never_sent(exc):
        what = "timed out" if isinstance(exc, requests.Timeout) else "connection lost"
        logger.warning("Spotify %s: %s; not repeated", op, what)
        return SpotifyWriteUnconfirmed(f"{op}: {what}; not repeated", applied=None)
    logger.warning("Spotify %s failed: %s", op, type(exc).__name__)
    return SpotifyUnavailable(f"{op}: {type(exc).__name__}")


def _never_sent(exc: requests.RequestException) -> bool:
    """Whether the request certainly did not reach Spotify: no connection could be made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason: Any = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError)
