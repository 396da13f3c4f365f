"""The Secrets Manager loader, and what production settings do when it fails.

Three stand-ins for Secrets Manager, each where it tells the truth:

* moto (``mock_aws``) for the secret's contents: present, missing, missing a key, not JSON.
* A fake Secrets Manager endpoint on 127.0.0.1 for what moto can't easily produce (access denied,
  throttling, AWS-side errors, a slow endpoint). botocore's ``Stubber`` could answer with those
  errors too, but it short-circuits the request before botocore's retry handler and timeouts run,
  and those (at most ``MAX_ATTEMPTS`` attempts, short timeouts) are what keeps a cold start from
  hanging, so here real HTTP goes through the real client configuration and the requests are
  counted.
* Production settings are imported in a subprocess (``DJANGO_ENV=production``) so that they are
  evaluated from scratch, as in a new Lambda container, with moto started before the import.

No test reaches AWS: credentials are fake, the instance-metadata endpoint is switched off, and the
only endpoint ever contacted is on the loopback interface.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from moodystream import aws_secrets
from moodystream.aws_secrets import SecretUnavailable, clear_cache, load_app_secret

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NAME = "moodystream/spotify"
REGION = "eu-west-1"

# Values that must never show up in an exception, a log line or any output.
SENTINELS = {
    "SPOTIPY_CLIENT_ID": "client-id-SENTINEL-7d1f",
    "SPOTIPY_CLIENT_SECRET": "client-secret-SENTINEL-93ab",
    "SPOTIPY_REDIRECT_URI": "https://moodystream.test/callback/",
    "DJANGO_SECRET_KEY": "django-secret-key-SENTINEL-" + "x7Q9" * 12,
}
SECRET_MARKERS = ("SENTINEL",)


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No real AWS configuration, no instance metadata, an empty cache before and after."""
    for variable in list(os.environ):
        if variable.startswith("AWS_"):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    clear_cache()
    yield
    clear_cache()


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
def test_present_secret_is_returned_with_every_key() -> None:
    create_secret(json.dumps({**SENTINELS, "EXTRA_SETTING": "kept", "NUMBER": 3}))

    values = load_app_secret(NAME, REGION)

    assert values == {**SENTINELS, "EXTRA_SETTING": "kept"}


@mock_aws
def test_secret_is_read_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
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

    first = load_app_secret(NAME, REGION)
    first["SPOTIPY_CLIENT_ID"] = "changed by a caller"
    second = load_app_secret(NAME, REGION)
    third = load_app_secret(NAME, REGION)

    assert calls == ["GetSecretValue"]
    assert second == third == SENTINELS  # callers get copies; the cache is not mutable from outside

    clear_cache()
    load_app_secret(NAME, REGION)
    assert calls == ["GetSecretValue", "GetSecretValue"]


@mock_aws
def test_failures_are_not_cached() -> None:
    with pytest.raises(SecretUnavailable):
        load_app_secret(NAME, REGION)

    create_secret(json.dumps(SENTINELS))

    assert load_app_secret(NAME, REGION) == SENTINELS


@mock_aws
def test_missing_secret() -> None:
    with pytest.raises(SecretUnavailable) as caught:
        load_app_secret(NAME, REGION)

    assert str(caught.value) == "secret 'moodystream/spotify' in eu-west-1 does not exist"
    assert caught.value.transient is False


@mock_aws
@pytest.mark.parametrize("missing", ["SPOTIPY_CLIENT_SECRET", "DJANGO_SECRET_KEY"])
def test_missing_key(missing: str) -> None:
    create_secret(json.dumps({k: v for k, v in SENTINELS.items() if k != missing}))

    with pytest.raises(SecretUnavailable) as caught:
        load_app_secret(NAME, REGION)

    assert str(caught.value) == f"secret {NAME!r} in {REGION} is missing key(s): {missing}"
    assert_secret_free(exception_chain_text(caught.value))


@mock_aws
def test_empty_value_counts_as_missing() -> None:
    create_secret(json.dumps({**SENTINELS, "SPOTIPY_CLIENT_ID": ""}))

    with pytest.raises(SecretUnavailable, match=r"missing key\(s\): SPOTIPY_CLIENT_ID$"):
        load_app_secret(NAME, REGION)


@mock_aws
def test_non_string_value() -> None:
    create_secret(json.dumps({**SENTINELS, "SPOTIPY_CLIENT_ID": 12345}))

    with pytest.raises(SecretUnavailable, match=r"non-string value\(s\) for: SPOTIPY_CLIENT_ID$"):
        load_app_secret(NAME, REGION)


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
        load_app_secret(NAME, REGION)

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
        load_app_secret(NAME, REGION)


def test_missing_name_or_region() -> None:
    with pytest.raises(SecretUnavailable, match="no secret name given"):
        load_app_secret("", REGION)
    with pytest.raises(SecretUnavailable, match="no AWS region given"):
        load_app_secret(NAME, "")


def test_missing_credentials() -> None:
    """No credentials anywhere (and instance metadata off): fails at once, no request is sent."""
    started = time.monotonic()

    with pytest.raises(SecretUnavailable) as caught:
        load_app_secret(NAME, REGION)

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

    assert load_app_secret(NAME, REGION) == SENTINELS
    assert load_app_secret(NAME, REGION) == SENTINELS
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
        load_app_secret(NAME, REGION)

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
        load_app_secret(NAME, REGION)

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

    assert load_app_secret(NAME, REGION) == SENTINELS
    assert len(fake_endpoint.requests) == 2


def test_aws_side_error_is_transient(fake_endpoint: FakeSecretsManager) -> None:
    fake_endpoint.error("InternalServiceError", status=500)

    with pytest.raises(SecretUnavailable, match=r"failed to serve .* \(InternalServiceError\)"):
        load_app_secret(NAME, REGION)
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
        load_app_secret(NAME, REGION)

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
        load_app_secret(NAME, REGION)

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
        load_app_secret(NAME, REGION)

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


# --- Production settings with a broken secret: a 503 page, one log line, no secret -------------

SETTINGS_PROBE = r"""
import json, os, sys

import boto3
from moto import mock_aws

with mock_aws():
    scenario = os.environ["PROBE_SCENARIO"]
    values = json.loads(os.environ["PROBE_VALUES"])
    if scenario == "missing-key":
        del values["DJANGO_SECRET_KEY"]
    if scenario != "missing-secret":
        boto3.client("secretsmanager", region_name="eu-west-1").create_secret(
            Name="moodystream/spotify", SecretString=json.dumps(values)
        )

    import tempfile

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    # Production pages use the hashed names from collectstatic's manifest: build one in a
    # temporary folder rather than in the shared working tree.
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="moodystream-static-")
    call_command("collectstatic", interactive=False, verbosity=0)

    client = Client(enforce_csrf_checks=True)
    results = []
    for method, path in [("get", "/"), ("get", "/login/"), ("post", "/logout/")]:
        response = getattr(client, method)(path, secure=True, HTTP_HOST="moodystream.test")
        results.append({"path": path, "status": response.status_code,
                        "body": response.content.decode(errors="replace"),
                        "cookies": list(response.cookies)})
    sys.stdout.write(json.dumps({
        "error": settings.SPOTIFY_CREDENTIALS_ERROR,
        "client_id": settings.SPOTIFY_CLIENT_ID,
        "demo": settings.DEMO_MODE,
        "results": results,
    }))
"""


def run_production_probe(scenario: str) -> tuple[dict, str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DJANGO_", "SPOTIFY_", "SPOTIPY_"))
        and key not in {"DEBUG", "DEMO_MODE", "ALLOWED_HOSTS", "STATIC_URL", "ENABLE_ADMIN"}
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="moodystream.settings",
        MOODYSTREAM_IGNORE_DOTENV="1",
        SPOTIFY_SECRET_NAME=NAME,
        SPOTIFY_SECRET_REGION=REGION,
        ALLOWED_HOSTS="moodystream.test",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        PROBE_SCENARIO=scenario,
        PROBE_VALUES=json.dumps(SENTINELS),
        PYTHONPATH=str(PROJECT_ROOT),
    )
    completed = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout), completed.stdout, completed.stderr


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
def test_production_without_a_usable_secret_serves_503(scenario: str, reason: str) -> None:
    report, stdout, stderr = run_production_probe(scenario)

    assert report["error"] == reason
    assert report["client_id"] == ""  # nothing from a rejected secret is used
    assert report["demo"] is False
    for result in report["results"]:
        assert result["status"] == 503, result["path"]
        assert "sessionid" not in result["cookies"]
        assert "moodystream_session" not in result["cookies"]
    assert "<html" in report["results"][0]["body"].lower()

    # One log line about it for the whole container, however many requests followed.
    lines = [line for line in stderr.splitlines() if "credentials unavailable" in line]
    assert len(lines) == 1
    assert lines[0].endswith(f"Spotify credentials unavailable: {reason}")
    assert_secret_free(stdout, stderr)


def test_production_with_the_secret_uses_it() -> None:
    report, _stdout, stderr = run_production_probe("present")

    assert report["error"] == ""
    assert report["client_id"] == SENTINELS["SPOTIPY_CLIENT_ID"]
    assert report["demo"] is False
    statuses = {result["path"]: result["status"] for result in report["results"]}
    assert statuses["/"] == 200
    assert statuses["/logout/"] == 403  # no CSRF token
    assert "credentials unavailable" not in stderr
    for value in (SENTINELS["SPOTIPY_CLIENT_SECRET"], SENTINELS["DJANGO_SECRET_KEY"]):
        assert value not in stderr


# --- Production settings after a transient failure: recorded as retryable, then recovered ----

RECOVERY_PROBE = r"""
import json, sys, tempfile

import django

django.setup()  # production settings: the secret's read is throttled
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from moodystream import middleware

now = [1000.0]
middleware.monotonic = lambda: now[0]
settings.STATIC_ROOT = tempfile.mkdtemp(prefix="moodystream-static-")
call_command("collectstatic", interactive=False, verbosity=0)

at_import = {
    "error": settings.SPOTIFY_CREDENTIALS_ERROR,
    "retryable": settings.SPOTIFY_CREDENTIALS_RETRYABLE,
    "client_id": settings.SPOTIFY_CLIENT_ID,
}
client = Client()
statuses = []
for step in (0, 29, 1, 1):  # seconds on the monotonic clock before each request
    now[0] += step
    statuses.append(client.get("/", secure=True, HTTP_HOST="moodystream.test").status_code)
sys.stdout.write(json.dumps({
    "at_import": at_import,
    "statuses": statuses,
    "error": settings.SPOTIFY_CREDENTIALS_ERROR,
    "retryable": settings.SPOTIFY_CREDENTIALS_RETRYABLE,
    "client_id_loaded": settings.SPOTIFY_CLIENT_ID == json.loads(sys.argv[1]),
    "secret_key_loaded": settings.SECRET_KEY == json.loads(sys.argv[2]),
}))
"""


def test_production_recovers_from_throttling_at_cold_start(
    fake_endpoint: FakeSecretsManager,
) -> None:
    """Throttled at import (every attempt), served 30 s later once Secrets Manager answers."""
    import_attempts = aws_secrets.MAX_ATTEMPTS

    def reply() -> tuple[int, dict]:
        if len(fake_endpoint.requests) <= import_attempts:
            return 400, {"__type": "ThrottlingException", "message": "Rate exceeded"}
        return 200, {
            "ARN": f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{NAME}-AbCdEf",
            "Name": NAME,
            "SecretString": json.dumps(SENTINELS),
            "VersionId": "v1",
            "VersionStages": ["AWSCURRENT"],
        }

    fake_endpoint.reply = reply
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SPOTIFY_", "SPOTIPY_"))
        and key not in {"DEBUG", "DEMO_MODE", "ALLOWED_HOSTS", "STATIC_URL", "ENABLE_ADMIN"}
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="moodystream.settings",
        MOODYSTREAM_IGNORE_DOTENV="1",
        SPOTIFY_SECRET_NAME=NAME,
        SPOTIFY_SECRET_REGION=REGION,
        ALLOWED_HOSTS="moodystream.test",
        PYTHONPATH=str(PROJECT_ROOT),
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            RECOVERY_PROBE,
            json.dumps(SENTINELS["SPOTIPY_CLIENT_ID"]),
            json.dumps(SENTINELS["DJANGO_SECRET_KEY"]),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)

    assert report["at_import"] == {
        "error": f"Secrets Manager throttled the request for secret {NAME!r} in {REGION} "
        "(ThrottlingException); try again later",
        "retryable": True,
        "client_id": "",
    }
    assert report["statuses"] == [503, 503, 200, 200]
    assert report["error"] == ""
    assert report["retryable"] is False
    assert report["client_id_loaded"] is True
    assert report["secret_key_loaded"] is True
    assert len(fake_endpoint.requests) == import_attempts + 1  # one retry, then cached
    assert "Spotify credentials loaded from secret" in completed.stderr
    assert_secret_free(completed.stdout, completed.stderr)
