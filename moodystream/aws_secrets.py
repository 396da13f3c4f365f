"""Read the app's credentials from AWS Secrets Manager, once per process (Lambda container).

The secret is one JSON object holding ``SPOTIPY_CLIENT_ID``, ``SPOTIPY_CLIENT_SECRET``,
``SPOTIPY_REDIRECT_URI`` and ``DJANGO_SECRET_KEY``. ``moodystream.settings`` calls
:func:`load_app_secret` at import time in production; a failure there must neither hang the cold
start nor leak anything, so:

* the boto3 client has short timeouts and at most ``MAX_ATTEMPTS`` attempts in total;
* every failure becomes :class:`SecretUnavailable` with one message built only from the secret's
  name, its region, key names and AWS error codes: never a value from the secret, never the text
  of the response. The exception is raised outside any ``except`` block, so no other exception
  (a ``JSONDecodeError`` keeps the whole document in ``.doc``) hangs off its ``__context__``;
* a successful read is cached for the life of the process; failures are not cached.

boto3 is imported lazily: local development and the test suite never pay for it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

REQUIRED_KEYS = (
    "SPOTIPY_CLIENT_ID",
    "SPOTIPY_CLIENT_SECRET",
    "SPOTIPY_REDIRECT_URI",
    "DJANGO_SECRET_KEY",
)

# Secrets Manager answers in tens of milliseconds from inside the region. Worst case before giving
# up: MAX_ATTEMPTS x (CONNECT_TIMEOUT + READ_TIMEOUT) plus one back-off of at most a second, about
# 9 s, well inside the 28 s Lambda timeout that also has to serve the request.
CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 2.0
MAX_ATTEMPTS = 2  # total, the first attempt included ("standard" retry mode)

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


_cache: dict[tuple[str, str], dict[str, str]] = {}
_lock = threading.Lock()


def load_app_secret(name: str, region: str) -> dict[str, str]:
    """Return the secret's string values (the four required keys and any other string keys).

    Read from Secrets Manager on the first call for ``(name, region)`` in this process, from the
    cache afterwards. Raises :class:`SecretUnavailable` with a clear, value-free message.
    """
    key = (name, region)
    with _lock:
        values = _cache.get(key)
        if values is None:
            values = _fetch(name, region)
            _cache[key] = values
    return dict(values)


def clear_cache() -> None:
    """Forget every secret read so far (for tests; a new Lambda container starts empty anyway)."""
    with _lock:
        _cache.clear()


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


def _fetch(name: str, region: str) -> dict[str, str]:
    where = f"secret {name!r} in {region or 'no region'}"
    if not name:
        raise SecretUnavailable("no secret name given")
    if not region:
        raise SecretUnavailable(f"no AWS region given for secret {name!r}")

    failure: SecretUnavailable | None = None
    response: Mapping[str, Any] = {}
    try:
        response = _make_client(region).get_secret_value(SecretId=name)
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

    missing = [key for key in REQUIRED_KEYS if not data.get(key)]
    if missing:
        raise SecretUnavailable(f"{where} is missing key(s): {', '.join(missing)}")
    not_text = [key for key in REQUIRED_KEYS if not isinstance(data[key], str)]
    if not_text:
        raise SecretUnavailable(f"{where} has non-string value(s) for: {', '.join(not_text)}")
    return {key: value for key, value in data.items() if isinstance(value, str)}
