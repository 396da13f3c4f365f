"""Secrets Manager out of reach when a Lambda container starts: every page is a 503 that says so,
quickly, and the container keeps serving (it does not crash, and nothing waits at import: the
secret is read on the first request, which alone waits for Secrets Manager's time-outs).

tests/moodystream/test_aws_secrets.py (helper-3) already covers the loader against moto and a
fake endpoint, and production settings with a *missing* secret or key (503 on /, /login/ and
/logout/).  What is added here: the endpoint itself unreachable (connection refused) or silent
(accepts, never answers) at cold start, checked on every route of the app, including the
generator pages, the callback and an unknown URL, with a bound on how long the first page
takes and a series of requests showing the process stays up.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, os, sys, tempfile, time

started = time.perf_counter()
import django

django.setup()
setup_seconds = time.perf_counter() - started

from django.conf import settings
from django.core.management import call_command
from django.test import Client

from moodystream import credentials

# Production pages link the hashed names of collectstatic's manifest: build one elsewhere.
settings.STATIC_ROOT = tempfile.mkdtemp(prefix="moodystream-static-")
call_command("collectstatic", interactive=False, verbosity=0)

requests = [
    ("get", "/", {}), ("get", "/login/", {}), ("get", "/callback/?code=x&state=y", {}),
    ("get", "/generate/", {}), ("post", "/generate/", {"artist_count": "5"}),
    ("get", "/preview/", {}), ("post", "/preview/remove/", {"track_id": "x"}),
    ("post", "/save/", {"digest": "0" * 32}), ("get", "/playlists/0000000000000000000000/", {}),
    ("post", "/logout/", {}), ("get", "/no-such-page/", {}), ("get", "/", {}),
]
client = Client()
results = []
for method, path, data in requests:
    t = time.perf_counter()
    response = getattr(client, method)(path, data, secure=True, HTTP_HOST="moodystream.test")
    results.append({
        "method": method, "path": path, "status": response.status_code,
        "seconds": time.perf_counter() - t,
        "body": response.content.decode(errors="replace"),
        "cookies": list(response.cookies),
    })
css = client.get("/static/css/app.css", secure=True, HTTP_HOST="moodystream.test")
print(json.dumps({
    "setup_seconds": setup_seconds,
    "error": str(credentials.unavailable()),
    "client_id": settings.SPOTIFY_CLIENT_ID,
    "results": results,
    "css": [css.status_code, "".join(x.decode() for x in css.streaming_content)[:40]
            if css.status_code == 200 else ""],
}))
"""


@pytest.fixture
def refused_endpoint() -> str:
    """A loopback port nobody listens on: connection refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """Accepts connections and never answers (a black-holed or overloaded endpoint)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    for connection in held:
        connection.close()
    server.close()


def cold_start(endpoint: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DJANGO_", "SPOTIFY_", "SPOTIPY_"))
        and not key.startswith("MOODYSTREAM_")
        and key not in {"DEBUG", "DEMO_MODE", "ALLOWED_HOSTS", "STATIC_URL", "ENABLE_ADMIN"}
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="moodystream.settings",
        MOODYSTREAM_IGNORE_DOTENV="1",
        SPOTIFY_SECRET_NAME="moodystream/spotify",
        SPOTIFY_SECRET_REGION="eu-west-1",
        DJANGO_ALLOWED_HOSTS="moodystream.test",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_ENDPOINT_URL_SECRETS_MANAGER=endpoint,
        PYTHONPATH=str(PROJECT_ROOT),
    )
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    report["stderr"] = completed.stderr
    return report


def check_every_page_is_a_503(report: dict, first_page_seconds: float) -> None:
    assert report["client_id"] == ""  # nothing is ever written into settings
    for number, result in enumerate(report["results"]):
        where = f"{result['method'].upper()} {result['path']}"
        assert result["status"] == 503, where
        assert "MoodyStream is temporarily unavailable" in result["body"], where
        assert "Please try again in a few minutes." in result["body"], where
        assert "moodystream_session" not in result["cookies"], where
        # The first page makes the read (bounded by the client's time-outs); the failure is then
        # remembered, not retried per page.
        assert result["seconds"] < (first_page_seconds if number == 0 else 2.0), where
    assert report["css"][0] == 200  # the 503 page keeps its stylesheet
    lines = [line for line in report["stderr"].splitlines() if "credentials unavailable" in line]
    assert len(lines) == 1  # one log line for the container, not one per request


@pytest.mark.slow
def test_secrets_manager_refusing_connections(refused_endpoint: str) -> None:
    report = cold_start(refused_endpoint)
    assert "Secrets Manager endpoint unreachable or too slow" in report["error"]
    assert report["setup_seconds"] < 5  # nothing is read while Django starts
    check_every_page_is_a_503(report, first_page_seconds=10)


@pytest.mark.slow
def test_secrets_manager_not_answering(silent_endpoint: str) -> None:
    report = cold_start(silent_endpoint)
    assert "Secrets Manager endpoint unreachable or too slow" in report["error"]
    assert report["setup_seconds"] < 5
    # Two attempts of connect 2 s + read 2 s and one back-off: well inside Lambda's 28 s.
    check_every_page_is_a_503(report, first_page_seconds=12)
