"""The Secrets Manager loader, and what production settings do when it fails.

Three stand-ins for Secrets Manager, each where it tells the truth:

* moto (``mock_aws``) for the secret's contents: present, missing, missing a key, not JSON.
* A fake Secrets Manager endpoint on 127.0.0.1 for what moto can't easily produce (access denied,
  throttling, AWS-side errors, a slow endpoint). botocore's ``Stubber`` could answer with those
  errors too, but it short-circuits the request before botocore's retry handler and timeouts run,
  and those (at most ``MAX_ATTEMPTS`` attempts, short timeouts) are what keeps a cold start from
  hanging, so here real HTTP goes through the real client configuration and the requests are
  counted.
* The app with production's way of getting credentials (a secret name, nothing in settings)
  serves requests in this process: the secret is read on the first request, not at import, so
  no new process is needed (tests/faults/test_cold_start_secrets.py still starts a real one).

No test reaches AWS: credentials are fake, the instance-metadata endpoint is switched off, and the
only endpoint ever contacted is on the loopback interface.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
from django.test import Client
from moto import mock_aws

from moodystream import aws_secrets, credentials
from moodystream.aws_secrets import CachedAppSecret, SecretUnavailable, fetch_app_secret

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NAME = "moodystream/spotify"
REGION = "eu-west-1"

# Values that must never show up in an exception, a log line or any output.
SENTINELS = {
    "SPOTIFY_CLIENT_ID": "client-id-SENTINEL-7d1f",
    "SPOTIFY_CLIENT_SECRET": "client-secret-SENTINEL-93ab",
    "SPOTIFY_REDIRECT_URI": "https://moodystream.test/callback/",
    "DJANGO_SECRET_KEY": "django-secret-key-SENTINEL-" + "x7Q9" * 12,
}
SECRET_MARKERS = ("SENTINEL",)


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No real AWS configuration, no instance metadata."""
    for variable in list(os.environ):
        if variable.startswith("AWS_"):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    yield


@pytest.fixture
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def create_secret(secret_string: str, name: str = NAME) -> None:
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=name, SecretString=secret_string
    )


def assert_secret_free(*texts: str) -> None:
    for text in texts:
        for value in SENTINELS.values():
            assert value not in text
        for marker in SECRET_MARKERS:
            assert marker not in text


def exception_chain_text(exc: BaseException) -> str:
    """Everything reachable from the exception: message, repr, causes, contexts, attributes."""
    parts = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [str(current), repr(current), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


# --- moto: the secret's contents ------------------------------------------------------------


@mock_aws
def test_present_secret_is_returned_with_its_four_values() -> None:
    create_secret(json.dumps({**SENTINELS, "EXTRA_SETTING": "dropped", "NUMBER": 3}))

    assert fetch_app_secret(NAME, REGION) == SENTINELS


@mock_aws
def test_the_older_spotipy_names_are_accepted() -> None:
    old = {key.replace("SPOTIFY_", "SPOTIPY_"): value for key, value in SENTINELS.items()}
    create_secret(json.dumps(old))

    assert fetch_app_secret(NAME, REGION) == SENTINELS


@mock_aws
def test_secret_is_read_once_per_container(monkeypatch: pytest.MonkeyPatch) -> None:
    create_secret(json.dumps(SENTINELS))
    calls: list[str] = []
    real_make_client = aws_secrets._make_client

    def counting_client(region: str):  # returns a botocore client
        client = real_make_client(region)
        client.meta.events.register(
            "before-call.secrets-manager.GetSecretValue",
            lambda **_: calls.append("GetSecretValue"),
        )
        return client

    monkeypatch.setattr(aws_secrets, "_make_client", counting_client)
    secret = CachedAppSecret(NAME, REGION)
    assert calls == []  # nothing read until asked

    first = secret.values()
    first["SPOTIFY_CLIENT_ID"] = "changed by a caller"
    second = secret.values()
    third = secret.values()

    assert calls == ["GetSecretValue"]
    assert second == third == SENTINELS  # callers get copies; the cache is not mutable from outside

    CachedAppSecret(NAME, REGION).values()  # a new container reads it again
    assert calls == ["GetSecretValue", "GetSecretValue"]


@mock_aws
def test_a_permanent_failure_is_remembered_for_the_container() -> None:
    secret = CachedAppSecret(NAME, REGION)
    with pytest.raises(SecretUnavailable, match="does not exist"):
        secret.values()

    create_secret(json.dumps(SENTINELS))  # fixed meanwhile: a new container picks it up

    with pytest.raises(SecretUnavailable, match="does not exist"):
        secret.values()
    assert CachedAppSecret(NAME, REGION).values() == SENTINELS


@mock_aws
def test_missing_secret() -> None:
    with pytest.raises(SecretUnavailable) as caught:
        fetch_app_secret(NAME, REGION)

    assert str(caught.value) == "secret 'moodystream/spotify' in eu-west-1 does not exist"
    assert caught.value.transient is False


@mock_aws
@pytest.mark.parametrize("missing", ["SPOTIFY_CLIENT_SECRET", "DJANGO_SECRET_KEY"])
def test_missing_key(missing: str) -> None:
    create_secret(json.dumps({k: v for k, v in SENTINELS.items() if k != missing}))

    with pytest.raises(SecretUnavailable) as caught:
        fetch_app_secret(NAME, REGION)

    assert str(caught.value) == f"secret {NAME!r} in {REGION} is missing key(s): {missing}"
    assert_secret_free(exception_chain_text(caught.value))


@mock_aws
def test_empty_value_counts_as_missing() -> None:
    create_secret(json.dumps({**SENTINELS, "SPOTIFY_CLIENT_ID": ""}))

    with pytest.raises(SecretUnavailable, match=r"missing key\(s\): SPOTIFY_CLIENT_ID$"):
        fetch_app_secret(NAME, REGION)


@mock_aws
def test_non_string_value() -> None:
    create_secret(json.dumps({**SENTINELS, "SPOTIFY_CLIENT_ID": 12345}))

    with pytest.raises(SecretUnavailable, match=r"non-string value\(s\) for: SPOTIFY_CLIENT_ID$"):
        fetch_app_secret(NAME, REGION)


@mock_aws
@pytest.mark.parametrize(
    ("secret_string", "expected"),
    [
        # Broken JSON that still carries secret values: none of it may be echoed back.
        ('{"SPOTIPY_CLIENT_SECRET": "client-secret-SENTINEL-93ab", ', "is not valid JSON"),
        ("SPOTIPY_CLIENT_SECRET=client-secret-SENTINEL-93ab", "is not valid JSON"),
        ('["client-secret-SENTINEL-93ab"]', "is not a JSON object"),
        ('"client-secret-SENTINEL-93ab"', "is not a JSON object"),
        ("null", "is not a JSON object"),
    ],
)
def test_wrong_json(secret_string: str, expected: str) -> None:
    create_secret(secret_string)

    with pytest.raises(SecretUnavailable) as caught:
        fetch_app_secret(NAME, REGION)

    assert str(caught.value) == f"secret {NAME!r} in {REGION} {expected}"
    # json.JSONDecodeError keeps the whole document in `.doc`: it must not be reachable from
    # the exception settings.py logs.
    assert caught.value.__context__ is None
    assert caught.value.__cause__ is None
    assert_secret_free(exception_chain_text(caught.value))


@mock_aws
def test_binary_secret_is_refused() -> None:
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=NAME, SecretBinary=json.dumps(SENTINELS).encode()
    )

    with pytest.raises(SecretUnavailable, match="has no SecretString"):
        fetch_app_secret(NAME, REGION)


def test_missing_name_or_region() -> None:
    with pytest.raises(SecretUnavailable, match="no secret name given"):
        fetch_app_secret("", REGION)
    with pytest.raises(SecretUnavailable, match="no AWS region given"):
        fetch_app_secret(NAME, "")


def test_missing_credentials() -> None:
    """No credentials anywhere (and instance metadata off): fails at once, no request is sent."""
    started = time.monotonic()

    with pytest.raises(SecretUnavailable) as caught:
        fetch_app_secret(NAME, REGION)

    assert str(caught.value) == f"no usable AWS credentials to read secret {NAME!r} in {REGION}"
    assert time.monotonic() - started < 5


# --- A fake Secrets Manager endpoint on loopback: errors moto can't easily produce -----------


class FakeSecretsManager:
    """A loopback HTTP server that answers GetSecretValue with scripted JSON-protocol replies."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.reply: Callable[[], tuple[int, dict]] = lambda: (200, {})
        self.delay = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(length)
                outer.requests.append(self.headers.get("X-Amz-Target", ""))
                if outer.delay:
                    time.sleep(outer.delay)
                status, body = outer.reply()
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/x-amz-json-1.1")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (read timeout)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def error(self, code: str, message: str = "scripted", status: int = 400) -> None:
        self.reply = lambda: (status, {"__type": code, "message": message})

    def secret(self, values: dict) -> None:
        self.reply = lambda: (
            200,
            {
                "ARN": f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{NAME}-AbCdEf",
                "Name": NAME,
                "SecretString": json.dumps(values),
                "VersionId": "v1",
                "VersionStages": ["AWSCURRENT"],
            },
        )


@pytest.fixture
def fake_endpoint(
    monkeypatch: pytest.MonkeyPatch, fake_credentials: None
) -> Iterator[FakeSecretsManager]:
    fake = FakeSecretsManager()
    fake.thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", fake.url)
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


def test_fake_endpoint_serves_a_secret(fake_endpoint: FakeSecretsManager) -> None:
    fake_endpoint.secret(SENTINELS)
    secret = CachedAppSecret(NAME, REGION)

    assert secret.values() == SENTINELS
    assert secret.values() == SENTINELS
    assert fake_endpoint.requests == ["secretsmanager.GetSecretValue"]


@pytest.mark.parametrize("code", ["AccessDeniedException", "AccessDenied"])
def test_access_denied(fake_endpoint: FakeSecretsManager, code: str) -> None:
    # What AWS says includes the role and the secret's ARN; none of that is copied.
    fake_endpoint.error(
        code,
        "User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized to perform: "
        "secretsmanager:GetSecretValue because no identity-based policy allows it",
    )

    with pytest.raises(SecretUnavailable) as caught:
        fetch_app_secret(NAME, REGION)

    assert str(caught.value) == (
        f"access denied to secret {NAME!r} in {REGION} "
        "(the Lambda role needs secretsmanager:GetSecretValue on it)"
    )
    assert caught.value.transient is False
    assert "123456789012" not in str(caught.value)
    assert len(fake_endpoint.requests) == 1  # not retried


def test_throttling_is_retried_a_limited_number_of_times(
    fake_endpoint: FakeSecretsManager,
) -> None:
    fake_endpoint.error("ThrottlingException", "Rate exceeded")

    with pytest.raises(SecretUnavailable) as caught:
        fetch_app_secret(NAME, REGION)

    assert str(caught.value) == (
        f"Secrets Manager throttled the request for secret {NAME!r} in {REGION} "
        "(ThrottlingException); try again later"
    )
    assert caught.value.transient is True
    assert len(fake_endpoint.requests) == aws_secrets.MAX_ATTEMPTS


def test_throttling_then_success(fake_endpoint: FakeSecretsManager) -> None:
    replies = iter(
        [
            (400, {"__type": "ThrottlingException", "message": "Rate exceeded"}),
            (200, {"Name": NAME, "SecretString": json.dumps(SENTINELS)}),
        ]
    )
    fake_endpoint.reply = lambda: next(replies)

    assert fetch_app_secret(NAME, REGION) == SENTINELS
    assert len(fake_endpoint.requests) == 2


def test_a_retry_in_the_same_container_reuses_its_client(
    fake_endpoint: FakeSecretsManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    replies = iter([(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})]
                   * aws_secrets.MAX_ATTEMPTS)
    fake_endpoint.reply = lambda: next(replies, (200, {"Name": NAME,
                                                       "SecretString": json.dumps(SENTINELS)}))
    made: list[str] = []
    real_make_client = aws_secrets._make_client

    def counted(region: str) -> object:
        made.append(region)
        return real_make_client(region)

    monkeypatch.setattr(aws_secrets, "_make_client", counted)
    now = [1000.0]
    secret = CachedAppSecret(NAME, REGION, clock=lambda: now[0])
    with pytest.raises(SecretUnavailable):
        secret.values()
    now[0] += aws_secrets.RETRY_INTERVAL_SECONDS

    assert secret.values() == SENTINELS
    assert made == [REGION]  # one client (and its connections) for the container


def test_aws_side_error_is_transient(fake_endpoint: FakeSecretsManager) -> None:
    fake_endpoint.error("InternalServiceError", status=500)

    with pytest.raises(SecretUnavailable, match=r"failed to serve .* \(InternalServiceError\)"):
        fetch_app_secret(NAME, REGION)
    assert len(fake_endpoint.requests) == aws_secrets.MAX_ATTEMPTS


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DecryptionFailure", "could not be decrypted with its KMS key"),
        ("InvalidRequestException", "may be scheduled for deletion"),
        ("SomethingNew", "Secrets Manager refused to read secret"),
    ],
)
def test_other_client_errors(fake_endpoint: FakeSecretsManager, code: str, expected: str) -> None:
    fake_endpoint.error(code, "client-secret-SENTINEL-93ab")

    with pytest.raises(SecretUnavailable) as caught:
        fetch_app_secret(NAME, REGION)

    assert expected in str(caught.value)
    assert f"({code}" in str(caught.value)
    assert_secret_free(str(caught.value), repr(caught.value))


def test_slow_endpoint_gives_up_quickly(
    fake_endpoint: FakeSecretsManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aws_secrets, "READ_TIMEOUT", 0.3)
    fake_endpoint.delay = 1.5
    fake_endpoint.secret(SENTINELS)
    started = time.monotonic()

    with pytest.raises(SecretUnavailable) as caught:
        fetch_app_secret(NAME, REGION)

    elapsed = time.monotonic() - started
    assert "endpoint unreachable or too slow" in str(caught.value)
    assert "(ReadTimeoutError)" in str(caught.value)
    assert caught.value.transient is True
    assert len(fake_endpoint.requests) == aws_secrets.MAX_ATTEMPTS
    assert elapsed < 4  # two 0.3 s timeouts and one back-off of at most a second


def test_unreachable_endpoint(monkeypatch: pytest.MonkeyPatch, fake_credentials: None) -> None:
    # A loopback port nobody listens on: connection refused at once.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", f"http://127.0.0.1:{port}")

    with pytest.raises(SecretUnavailable) as caught:
        fetch_app_secret(NAME, REGION)

    assert str(caught.value) == (
        f"Secrets Manager endpoint unreachable or too slow for secret {NAME!r} in {REGION} "
        "(EndpointConnectionError); try again later"
    )
    assert caught.value.transient is True


def test_client_configuration_keeps_cold_starts_short() -> None:
    config = aws_secrets._make_client(REGION).meta.config

    assert config.connect_timeout <= 3
    assert config.read_timeout <= 3
    assert config.retries == {"mode": "standard", "total_max_attempts": aws_secrets.MAX_ATTEMPTS}
    assert aws_secrets.MAX_ATTEMPTS * (config.connect_timeout + config.read_timeout) + 1 < 15


# --- The app configured as in production: a 503 page, one log line, no secret --------------


@pytest.fixture
def production_credentials(settings, spotify_settings):
    """As production has it: a secret name, no credentials in settings, no demo mode."""
    settings.SPOTIFY_SECRET_NAME = NAME
    settings.SPOTIFY_SECRET_REGION = REGION
    settings.SPOTIFY_CLIENT_ID = settings.SPOTIFY_CLIENT_SECRET = ""
    settings.SPOTIFY_REDIRECT_URI = ""
    return settings


def serve(paths: list[tuple[str, str]]) -> list[dict]:
    client = Client(enforce_csrf_checks=True)
    results = []
    for method, path in paths:
        response = getattr(client, method)(path)
        results.append(
            {
                "path": path,
                "status": response.status_code,
                "body": response.content.decode(errors="replace"),
                "cookies": list(response.cookies),
                "location": response.get("Location", ""),
            }
        )
    return results


PAGES = [("get", "/"), ("get", "/login/"), ("post", "/logout/"), ("get", "/"), ("get", "/login/")]


@mock_aws
@pytest.mark.parametrize(
    ("scenario", "reason"),
    [
        ("missing-secret", "secret 'moodystream/spotify' in eu-west-1 does not exist"),
        (
            "missing-key",
            "secret 'moodystream/spotify' in eu-west-1 is missing key(s): DJANGO_SECRET_KEY",
        ),
    ],
)
def test_without_a_usable_secret_every_page_is_a_503(
    production_credentials, fake_credentials: None, caplog, scenario: str, reason: str
) -> None:
    if scenario == "missing-key":
        create_secret(json.dumps({k: v for k, v in SENTINELS.items() if k != "DJANGO_SECRET_KEY"}))

    results = serve(PAGES)

    for result in results:
        assert result["status"] == 503, result["path"]
        assert "moodystream_session" not in result["cookies"]
        assert "MoodyStream is temporarily unavailable" in result["body"]
    assert "<html" in results[0]["body"].lower()
    assert str(credentials.unavailable()) == reason
    # One log line about it for the whole container, however many requests followed.
    lines = [r.getMessage() for r in caplog.records if "credentials unavailable" in r.getMessage()]
    assert lines == [f"Spotify credentials unavailable: {reason}"]
    assert_secret_free(caplog.text, *(result["body"] for result in results))


@mock_aws
def test_with_the_secret_the_app_uses_it(
    production_credentials, fake_credentials: None, caplog
) -> None:
    create_secret(json.dumps(SENTINELS))

    results = serve(PAGES[:3])

    statuses = {result["path"]: result["status"] for result in results}
    assert statuses == {"/": 200, "/login/": 302, "/logout/": 403}  # no CSRF token for logout
    assert f"client_id={SENTINELS['SPOTIFY_CLIENT_ID']}" in results[1]["location"]
    assert credentials.secret_key() == SENTINELS["DJANGO_SECRET_KEY"]
    assert production_credentials.SPOTIFY_CLIENT_ID == ""  # never copied into settings
    assert "credentials unavailable" not in caplog.text
    for value in (SENTINELS["SPOTIFY_CLIENT_SECRET"], SENTINELS["DJANGO_SECRET_KEY"]):
        assert value not in caplog.text


def test_recovers_from_throttling_at_cold_start(
    production_credentials, fake_endpoint: FakeSecretsManager, monkeypatch, caplog
) -> None:
    """Throttled on the first request (every attempt), served 30 s later once it answers."""
    now = [1000.0]
    monkeypatch.setattr(aws_secrets, "monotonic", lambda: now[0])
    first_read_attempts = aws_secrets.MAX_ATTEMPTS

    def reply() -> tuple[int, dict]:
        if len(fake_endpoint.requests) <= first_read_attempts:
            return 400, {"__type": "ThrottlingException", "message": "Rate exceeded"}
        return 200, {
            "ARN": f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{NAME}-AbCdEf",
            "Name": NAME,
            "SecretString": json.dumps(SENTINELS),
            "VersionId": "v1",
            "VersionStages": ["AWSCURRENT"],
        }

    fake_endpoint.reply = reply
    client = Client()
    statuses = []
    for step in (0, 29, 1, 1):  # seconds on the monotonic clock before each request
        now[0] += step
        statuses.append(client.get("/").status_code)

    assert statuses == [503, 503, 200, 200]
    assert credentials.unavailable() is None
    assert credentials.spotify_app_credentials().client_id == SENTINELS["SPOTIFY_CLIENT_ID"]
    assert credentials.secret_key() == SENTINELS["DJANGO_SECRET_KEY"]
    assert len(fake_endpoint.requests) == first_read_attempts + 1  # one retry, then cached
    assert "Spotify credentials loaded from secret" in caplog.text
    assert_secret_free(caplog.text)
