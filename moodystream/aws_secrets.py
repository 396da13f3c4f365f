"""Read the app secret from AWS Secrets Manager: lazily, cached per process (Lambda container).

The secret is one JSON object holding ``DJANGO_SECRET_KEY`` and, for the operator's own Spotify
app, ``SPOTIFY_CLIENT_ID``, ``SPOTIFY_CLIENT_SECRET`` and ``SPOTIFY_REDIRECT_URI`` (all three or
none: a deployment where every listener signs in with their own app has no Spotify credentials
of its own; the older ``SPOTIPY_*`` spellings are still accepted). Nothing reads it while
settings load: :class:`CachedAppSecret` reads it on first use (``moodystream.credentials`` asks
it when a request needs the credentials) and keeps it for the life of the container. A read
must neither hang a request nor leak anything, so:

* the boto3 client has short timeouts and at most ``MAX_ATTEMPTS`` attempts in total;
* every failure becomes :class:`SecretUnavailable` with one message built only from the secret's
  name, its region, key names and AWS error codes: never a value from the secret, never the text
  of the response. The exception is raised outside any ``except`` block, so no other exception
  (a ``JSONDecodeError`` keeps the whole document in ``.doc``) hangs off its ``__context__``;
* a transient failure (throttling, time-out, AWS-side error) is tried again at most once every
  ``RETRY_INTERVAL_SECONDS``, by one thread at a time; a permanent one (no such secret, a missing
  key, bad JSON, access denied) is never retried: the container needs replacing once it is fixed.

Why not aws-secretsmanager-caching: its failure back-off starts at one second and doubles up to
an hour, for permanent failures too, and its errors carry AWS's own text (ARNs, role names); we
would still need the translation below and a wrapper for the 30-second policy.

boto3 is imported lazily: local development and the test suite never pay for it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
from collections.abc import Callable, Mapping
from time import monotonic
from typing import Any

logger = logging.getLogger(__name__)

#: Each value the secret may hold -> the older name also accepted for it.
REQUIRED_KEYS = {
    "SPOTIFY_CLIENT_ID": "SPOTIPY_CLIENT_ID",
    "SPOTIFY_CLIENT_SECRET": "SPOTIPY_CLIENT_SECRET",
    "SPOTIFY_REDIRECT_URI": "SPOTIPY_REDIRECT_URI",
    "DJANGO_SECRET_KEY": "DJANGO_SECRET_KEY",
}
#: The operator's Spotify app: all of these, or none of them (own-app sign-in only).
SPOTIFY_APP_KEYS = ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI")

# Secrets Manager answers in tens of milliseconds from inside the region. Worst case before giving
# up: MAX_ATTEMPTS x (CONNECT_TIMEOUT + READ_TIMEOUT) plus one back-off of at most a second, about
# 9 s, well inside the 28 s Lambda timeout that also has to serve the request.
CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 2.0
MAX_ATTEMPTS = 2  # total, the first attempt included ("standard" retry mode)

#: Least time between two reads after a transient failure. Requests in between get the 503 page
#: at once, so a throttled Secrets Manager is not hammered by every request.
RETRY_INTERVAL_SECONDS = 30.0

_THROTTLING_CODES = frozenset(
    {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"}
)
_AWS_SIDE_CODES = frozenset({"InternalServiceError", "InternalFailure", "ServiceUnavailable"})
_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})


class SecretUnavailable(Exception):
    """The app secret could not be loaded. ``str(exc)`` is safe to log: it holds no secret value.

    ``transient`` is True when trying again later may succeed (throttling, timeouts, endpoint
    unreachable, AWS-side errors), False when someone has to fix the secret or the permissions.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class CachedAppSecret:
    """The app secret, read on first use and kept; failures remembered under the retry policy.

    ``clock`` is the monotonic clock (replaceable in tests). Thread-safe: the first read is made
    by one thread while the others wait for it; a retry is made by one thread while the others
    get the remembered failure at once.
    """

    def __init__(
        self,
        name: str,
        region: str,
        *,
        fetch: Callable[[str, str], dict[str, str]] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.name, self.region = name, region
        self._fetch = fetch or fetch_app_secret
        self._client = ReusedClient()  # lent to fetch_app_secret for each read
        self._clock = clock or monotonic
        self._condition = threading.Condition()
        self._values: dict[str, str] | None = None
        self._failure: SecretUnavailable | None = None
        self._last_attempt = 0.0
        self._reading = False

    def values(self) -> dict[str, str]:
        """The secret's values; raises :class:`SecretUnavailable` while they cannot be had."""
        with self._condition:
            while True:
                if self._values is not None:
                    return dict(self._values)
                failure = self._failure
                if failure is not None and (
                    self._reading
                    or not failure.transient
                    or self._clock() - self._last_attempt < RETRY_INTERVAL_SECONDS
                ):
                    raise failure
                if not self._reading:
                    break
                self._condition.wait()  # the very first read is under way: share its outcome
            self._reading = True
            self._last_attempt = self._clock()

        values: dict[str, str] | None = None
        failure = None
        try:
            lent = _container_client.set(self._client)
            try:
                values = self._fetch(self.name, self.region)
            finally:
                _container_client.reset(lent)
        except SecretUnavailable as exc:  # its message holds no secret value
            failure = exc
        with self._condition:
            retried = self._failure is not None
            self._values, self._failure, self._reading = values, failure, False
            self._condition.notify_all()
        self._log(failure, retried=retried)
        if failure is not None:
            raise failure
        assert values is not None
        return dict(values)

    def _log(self, failure: SecretUnavailable | None, *, retried: bool) -> None:
        if failure is None:
            if retried:
                logger.info(
                    "Spotify credentials loaded from secret %r on a retry; serving requests again",
                    self.name,
                )
        elif not retried:
            logger.error("Spotify credentials unavailable: %s", failure)
        elif failure.transient:
            logger.warning(
                "Spotify credentials still unavailable, next try in %.0f s or more: %s",
                RETRY_INTERVAL_SECONDS,
                failure,
            )
        else:
            logger.error(
                "Spotify credentials unavailable, no more retries in this container: %s", failure
            )


def _make_client(region: str) -> Any:  # a botocore SecretsManager client
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        # `total_max_attempts` counts the first attempt; botocore's `max_attempts` would count
        # only the retries (one more request than intended).
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )
    # A session of our own: boto3's default session is shared, mutable global state.
    return boto3.session.Session().client("secretsmanager", region_name=region, config=config)


class ReusedClient:
    """One Secrets Manager client per container (per ``CachedAppSecret``), made on first use: a
    retry after a transient failure reuses its kept-alive connection and its set-up.  Lent to
    ``fetch_app_secret`` through ``_container_client`` while ``CachedAppSecret`` reads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client: Any = None

    def __call__(self, region: str) -> Any:
        with self._lock:
            if self._client is None:
                self._client = _make_client(region)
            return self._client


_container_client: contextvars.ContextVar[Callable[[str], Any]] = contextvars.ContextVar(
    "container_client", default=lambda region: _make_client(region))


def fetch_app_secret(name: str, region: str) -> dict[str, str]:
    """Read the secret now (no cache): its four values under their current names.

    Raises :class:`SecretUnavailable` with a clear, value-free message.
    """
    where = f"secret {name!r} in {region or 'no region'}"
    if not name:
        raise SecretUnavailable("no secret name given")
    if not region:
        raise SecretUnavailable(f"no AWS region given for secret {name!r}")

    failure: SecretUnavailable | None = None
    response: Mapping[str, Any] = {}
    try:
        response = _container_client.get()(region).get_secret_value(SecretId=name)
    except Exception as exc:  # every failure is translated below; none escapes as is
        failure = _describe_failure(exc, where)
    if failure is not None:
        raise failure

    text = response.get("SecretString")
    if not isinstance(text, str):
        raise SecretUnavailable(f"{where} has no SecretString (binary secrets are not supported)")
    return _parse(text, where)


def _describe_failure(exc: Exception, where: str) -> SecretUnavailable:
    """Map a boto3/botocore exception to a SecretUnavailable without copying its text."""
    from botocore.exceptions import (
        ClientError,
        CredentialRetrievalError,
        HTTPClientError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )
    from botocore.exceptions import ConnectionError as BotoConnectionError

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", "") or "Unknown")
        if code == "ResourceNotFoundException":
            return SecretUnavailable(f"{where} does not exist")
        if code in _DENIED_CODES:
            return SecretUnavailable(
                f"access denied to {where} (the Lambda role needs secretsmanager:GetSecretValue "
                "on it)"
            )
        if code in _THROTTLING_CODES:
            return SecretUnavailable(
                f"Secrets Manager throttled the request for {where} ({code}); try again later",
                transient=True,
            )
        if code in _AWS_SIDE_CODES:
            return SecretUnavailable(
                f"Secrets Manager failed to serve {where} ({code}); try again later",
                transient=True,
            )
        if code == "DecryptionFailure":
            return SecretUnavailable(f"{where} could not be decrypted with its KMS key ({code})")
        if code == "InvalidRequestException":
            return SecretUnavailable(
                f"{where} cannot be read now ({code}: it may be scheduled for deletion)"
            )
        return SecretUnavailable(f"Secrets Manager refused to read {where} ({code})")
    if isinstance(exc, NoCredentialsError | PartialCredentialsError | CredentialRetrievalError):
        return SecretUnavailable(f"no usable AWS credentials to read {where}")
    # botocore's ConnectionError (not the builtin) covers EndpointConnectionError and
    # ConnectTimeoutError; HTTPClientError covers ReadTimeoutError and ConnectionClosedError.
    if isinstance(exc, BotoConnectionError | HTTPClientError):
        return SecretUnavailable(
            f"Secrets Manager endpoint unreachable or too slow for {where} "
            f"({type(exc).__name__}); try again later",
            transient=True,
        )
    if isinstance(exc, NoRegionError):
        return SecretUnavailable(f"no AWS region configured to read {where}")
    # Anything else (a botocore parameter error, a bug): the class name only, never its text.
    return SecretUnavailable(f"could not read {where} ({type(exc).__name__})")


_NOT_JSON = object()


def _parse(text: str, where: str) -> dict[str, str]:
    try:
        data: Any = json.loads(text)
    except ValueError:
        data = _NOT_JSON
    if data is _NOT_JSON:
        raise SecretUnavailable(f"{where} is not valid JSON")
    if not isinstance(data, dict):
        raise SecretUnavailable(f"{where} is not a JSON object")

    values = {key: data.get(key) or data.get(old_name) for key, old_name in REQUIRED_KEYS.items()}
    operator_app = any(values[key] for key in SPOTIFY_APP_KEYS)
    needed = list(REQUIRED_KEYS) if operator_app else ["DJANGO_SECRET_KEY"]
    missing = [key for key in needed if not values[key]]
    if missing:
        raise SecretUnavailable(f"{where} is missing key(s): {', '.join(missing)}")
    if not operator_app:  # no Spotify app of the operator's: listeners bring their own
        values.update(dict.fromkeys(SPOTIFY_APP_KEYS, ""))
    not_text = [key for key, value in values.items() if not isinstance(value, str)]
    if not_text:
        raise SecretUnavailable(f"{where} has non-string value(s) for: {', '.join(not_text)}")
    return {key: str(value) for key, value in values.items()}
