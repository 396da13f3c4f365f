"""How one call to Spotify is made; nothing from spotipy or requests escapes, no token is logged.

* HTTP: a urllib3 ``Retry`` on the session spotipy is given (spotipy's own sleeps through any
  ``Retry-After``, which can be hours, and repeats POSTs whose answer was lost): 5xx answers
  and failed connections for every method, time-outs and dropped connections never for a POST.
* 401 → the user's tokens renew the access token once per call (one renewal shared by all
  threads: ``accounts.UserAuth``), retry; a second 401, or a fixed token → ``SpotifyAuthError``.
* 429 → every thread pauses until ``Retry-After`` if it is short and within the total waiting
  budget; otherwise (or on ``QUOTA_EXCEEDED``, said in the body) ``SpotifyRateLimited`` at once.
* An unreadable 2xx body → a read is retried with backoff; a write that is not idempotent
  raises ``SpotifyWriteUnconfirmed(applied=True)`` and is never repeated, as does one whose
  answer was lost (time-out, dropped connection: ``applied=None``).
* Any other failure → the app's error for it (``mapped``, ``_no_answer``).
"""

import logging
import math
import random
import re
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, Self

import requests
import spotipy
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.util.retry import Retry

from . import errors
from .connection_pool import mount_shared_pool

logger = logging.getLogger("playlists.spotify")
MAX_RATE_LIMIT_RETRIES = 5  # 429s waited out within one call
_BY_STATUS: dict[int, type[errors.SpotifyError]] = {
    400: errors.SpotifyBadRequest, 401: errors.SpotifyAuthError, 403: errors.SpotifyForbidden,
    404: errors.SpotifyNotFound,
}
_REFUSALS = (  # what a 403's message says about why, first match wins
    (r"premium subscription required for the owner", errors.SpotifyOwnerNeedsPremium),
    (r"may not be registered|not registered|allow-?list|not (?:been )?added to",
     errors.SpotifyUserNotRegistered),
)
RETRIED_STATUSES = frozenset({500, 502, 503, 504})  # by urllib3, for every method


def backoff_delay(retry_number: int, base: float, rng: random.Random) -> float:
    """Seconds before retry ``retry_number`` (1, 2, ...): ``base × 2^(n-1)`` plus jitter."""
    return base * 2.0 ** (retry_number - 1) + rng.uniform(0, base)


class SpotifyRetry(Retry):
    """urllib3's ``Retry`` with the policy above; ``sleep`` injectable, ``on_retry`` counts."""

    def __init__(self, *args: Any, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None, on_retry: Callable[[], None] = lambda: None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sleeper, self.on_retry = sleep, on_retry
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.sleeper, retry.rng, retry.on_retry = self.sleeper, self.rng, self.on_retry
        return retry

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        return status_code in RETRIED_STATUSES  # Spotify applied nothing

    def sleep(self, response: Any = None) -> None:
        """Before each retry (never for a Retry-After: 429 is not retried here)."""
        self.on_retry()
        self.sleeper(backoff_delay(len(self.history), self.backoff_factor, self.rng))


def retrying_session(retries: int, *, pool_size: int, **retry: Any) -> requests.Session:
    """A session whose requests follow the policy, over the process's kept-alive connections
    (``connection_pool``: one per request in flight, reused by the next gateway)."""
    policy = SpotifyRetry(
        total=retries, connect=retries, read=retries, status=retries, other=0, redirect=0,
        allowed_methods={"GET", "HEAD", "PUT", "DELETE"},  # for time-outs, dropped connections
        status_forcelist=RETRIED_STATUSES, backoff_factor=0.2, raise_on_status=False,
        respect_retry_after_header=False, **retry,
    )
    session = requests.Session()  # this gateway's own: cookies are never shared between users
    mount_shared_pool(session, pool_size, policy)  # the connections are the process's
    return session


class RateGate:
    """Shared pause after a 429 (Spotify counts over a rolling window, so everyone waits)."""

    def __init__(self, max_wait: float, budget: float, clock: Callable[[], float],
                 sleep: Callable[[float], None]) -> None:
        self._max_wait, self._budget, self._clock, self._sleep = max_wait, budget, clock, sleep
        self._lock = threading.Lock()
        self._resume_at = self.waited = 0.0

    def hold(self, op: str, exc: spotipy.SpotifyException, attempt: int) -> None:
        """Schedule the pause for a call's ``attempt``-th 429, or raise if it is too long."""
        try:
            retry_after = max(0.0, float((exc.headers or {}).get("Retry-After", 1)))
        except (TypeError, ValueError):
            retry_after = 1.0
        logger.warning("Spotify %s: 429, Retry-After %.1fs", op, retry_after)
        quota_exceeded = "QUOTA_EXCEEDED" in f"{exc.reason} {exc.msg}"
        with self._lock:
            now = self._clock()
            extra = max(0.0, now + retry_after - max(self._resume_at, now))
            too_long = retry_after > self._max_wait or self.waited + extra > self._budget
            if quota_exceeded or too_long or attempt > MAX_RATE_LIMIT_RETRIES:
                raise errors.SpotifyRateLimited(max(1, math.ceil(retry_after)), endpoint=op,
                                                quota_exceeded=quota_exceeded) from None
            self.waited += extra
            self._resume_at = max(self._resume_at, now + retry_after)

    def wait(self) -> None:
        with self._lock:
            delay = self._resume_at - self._clock()
        if delay > 0:
            self._sleep(delay)


class SharedPauses(Protocol):
    """Spotify's pauses every container of the app sees (``shared_state.pauses.AppPauses``)."""

    def remaining(self, op: str) -> tuple[float, bool]: ...

    def note(self, op: str, seconds: float, *, quota_exceeded: bool) -> None: ...


class AccessTokens(Protocol):
    """What the policy needs of a signed-in user's tokens (``accounts.UserAuth``): spotipy's
    client asks for the access token before each request (it is the client's auth manager),
    and after Spotify refused the one a thread sent, ``refused()`` renews it (``True``) unless
    another thread already has (``False``)."""

    def get_access_token(self, as_dict: bool = False) -> str: ...

    def refused(self) -> bool: ...


def spotipy_client(auth: str | AccessTokens, session: requests.Session, *, api_base_url: str,
                   request_timeout: float) -> spotipy.Spotify:
    """spotipy's client for the Web API at ``api_base_url``, sending on ``session``: with a
    fixed access token (``str``) or a user's ``AccessTokens`` as its auth manager."""
    fixed = isinstance(auth, str)
    client = spotipy.Spotify(auth=auth if fixed else None, auth_manager=None if fixed else auth,
                             requests_session=session, requests_timeout=request_timeout)
    # spotipy 2.26 takes no API address: every request is ``prefix`` + path (the emulator's).
    client.prefix = api_base_url.rstrip("/") + "/"
    return client


class CallPolicy:
    """Makes each call as the module says, on one spotipy client and its session; thread-safe.
    The gateway holds one: its methods say which calls, this class how each is made."""

    def __init__(self, auth: str | AccessTokens, *, api_base_url: str, request_timeout: float,
                 max_workers: int, max_retries: int, max_wait: float,
                 rate_limit_budget: float | None, sleep: Callable[[float], None],
                 clock: Callable[[], float], pauses: SharedPauses | None = None) -> None:
        self._rng = random.Random()  # noqa: S311 - jitter, not security
        self._pauses, self._max_wait = pauses, max_wait
        self._sleep, self._max_retries = sleep, max_retries
        self._tokens = None if isinstance(auth, str) else auth  # a fixed token: never renewed
        self._session = retrying_session(max_retries, pool_size=max_workers, sleep=sleep,
                                         rng=self._rng, on_retry=self._sent)
        self.client = spotipy_client(auth, self._session, api_base_url=api_base_url,
                                     request_timeout=request_timeout)
        budget = max(10.0, 2 * max_wait) if rate_limit_budget is None else rate_limit_budget
        self._gate = RateGate(max_wait, budget, clock, sleep)
        self._in_flight = threading.BoundedSemaphore(max_workers)
        self._count_lock = threading.Lock()
        self.request_count = self.token_refresh_count = 0
        self.closed = False

    def _sent(self) -> None:  # ``request_count``: HTTP requests sent, retries included
        with self._count_lock:
            self.request_count += 1

    def close(self) -> None:
        """Release the connections; look-ups still running give up at once."""
        self.closed = True
        self._session.close()

    def call[T](self, op: str, request: Callable[[], Any], parse: Callable[[Any], T], *,
                idempotent: bool = True, expect_body: bool = True) -> T:
        """``parse(request())``: ``request`` is a bound method of ``client`` with its arguments."""
        malformed = rate_limited = 0
        renewed = False
        self._respect_shared_pause(op)
        while True:
            if self.closed:
                raise errors.SpotifyUnavailable(f"{op}: the gateway is closed")
            self._gate.wait()
            try:
                with self._in_flight:
                    self._sent()
                    raw = request()
            except spotipy.SpotifyException as exc:
                if exc.http_status == 401 and not renewed and self._tokens is not None:
                    logger.info("Spotify %s: token expired, refreshing", op)
                    if self._tokens.refused():
                        with self._count_lock:
                            self.token_refresh_count += 1
                    renewed = True
                    continue
                if exc.http_status != 429:
                    raise mapped(op, exc) from None
                rate_limited += 1
                try:
                    self._gate.hold(op, exc, rate_limited)
                except errors.SpotifyRateLimited as limited:
                    if self._pauses is not None:  # every container stops, not only this one
                        self._pauses.note(op, limited.retry_after_seconds,
                                          quota_exceeded=limited.quota_exceeded)
                    raise
                continue
            except requests.RequestException as exc:
                raise _no_answer(op, exc, idempotent=idempotent) from exc
            try:
                if expect_body and raw is None:
                    raise ValueError("a 2xx answer without a JSON body")
                return parse(raw)
            except (KeyError, TypeError, ValueError) as exc:
                if not idempotent:
                    raise errors.SpotifyWriteUnconfirmed(
                        f"{op}: applied but the answer was unreadable; not repeated", applied=True
                    ) from exc
                if malformed >= self._max_retries:
                    raise errors.SpotifyUnavailable(f"{op}: unreadable answer") from exc
                malformed += 1
                self._sleep(backoff_delay(malformed, 0.2, self._rng))


    def _respect_shared_pause(self, op: str) -> None:
        """A pause another container noted: wait it out if short, else say so at once."""
        if self._pauses is None:
            return
        left, quota = self._pauses.remaining(op)
        if left <= 0:
            return
        if left > self._max_wait or quota:
            raise errors.SpotifyRateLimited(max(1, math.ceil(left)), quota_exceeded=quota,
                                            endpoint=op)
        self._sleep(left)


def mapped(op: str, exc: spotipy.SpotifyException) -> errors.SpotifyError:
    """The app's error for an HTTP error status that is not retried any more."""
    status, detail = exc.http_status or 0, f"{op}: HTTP {exc.http_status}"
    message = str(exc.msg or "").rsplit(":\n", 1)[-1].strip()  # spotipy: "URL:\n message"
    otherwise = errors.SpotifyUnavailable if status >= 500 else errors.SpotifyError
    error = _BY_STATUS.get(status, otherwise)
    if status == 403:
        error = next((e for p, e in _REFUSALS if re.search(p, message, re.IGNORECASE)), error)
    extra = {400: f": {message[:200]}", 401: " (access token rejected)"}.get(status, "")
    return error(detail + extra)


def _no_answer(op: str, exc: requests.RequestException, *, idempotent: bool) -> errors.SpotifyError:
    """A write that may have reached Spotify is unconfirmed (never repeated); the rest, outages."""
    reason: Any = exc.args[0] if exc.args else None
    reason = reason.reason if isinstance(reason, MaxRetryError) else reason
    never_sent = isinstance(exc, requests.ConnectTimeout) or isinstance(reason, NewConnectionError)
    if not idempotent and not never_sent:
        what = "timed out" if isinstance(exc, requests.Timeout) else "connection lost"
        logger.warning("Spotify %s: %s; not repeated", op, what)
        return errors.SpotifyWriteUnconfirmed(f"{op}: {what}; not repeated", applied=None)
    logger.warning("Spotify %s failed: %s", op, type(exc).__name__)
    return errors.SpotifyUnavailable(f"{op}: {type(exc).__name__}")

