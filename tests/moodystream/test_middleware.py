"""ServiceUnavailableMiddleware: a 503 page while the credentials are missing, and a recovery.

A transient Secrets Manager failure at cold start (throttling, a timeout) is retried at most
every 30 s, so a container kept warm does not serve 503s until AWS recycles it; a permanent one
is not retried. The loader and the monotonic clock are replaced here; the real loader against a
throttling endpoint, with production settings, is in test_aws_secrets.py.
"""

from __future__ import annotations

import logging
import threading

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from moodystream import middleware
from moodystream.aws_secrets import SecretUnavailable
from moodystream.middleware import RETRY_INTERVAL_SECONDS, ServiceUnavailableMiddleware

NAME = "moodystream/spotify"
REGION = "eu-west-1"
SECRET = {
    "SPOTIPY_CLIENT_ID": "client-id-SENTINEL-51c2",
    "SPOTIPY_CLIENT_SECRET": "client-secret-SENTINEL-8e0d",
    "SPOTIPY_REDIRECT_URI": "https://moodystream.test/callback/SENTINEL/",
    "DJANGO_SECRET_KEY": "django-secret-key-SENTINEL-" + "Qz7w" * 12,
}
THROTTLED = SecretUnavailable(
    f"Secrets Manager throttled the request for secret {NAME!r} in {REGION} "
    "(ThrottlingException); try again later",
    transient=True,
)
DENIED = SecretUnavailable(f"access denied to secret {NAME!r} in {REGION}")


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Loader:
    """Stands in for load_app_secret: each call takes the next scripted outcome."""

    def __init__(self, *outcomes: dict[str, str] | SecretUnavailable) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, str]] = []

    def __call__(self, name: str, region: str) -> dict[str, str]:
        self.calls.append((name, region))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, SecretUnavailable):
            raise outcome
        return dict(outcome)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(middleware, "monotonic", fake)
    return fake


@pytest.fixture
def failed_at_cold_start(settings, spotify_settings):
    """Settings as production leaves them when the secret could not be read at import."""
    settings.SPOTIFY_SECRET_NAME = NAME
    settings.SPOTIFY_SECRET_REGION = REGION
    settings.SPOTIFY_CLIENT_ID = ""
    settings.SPOTIFY_CLIENT_SECRET = ""
    settings.SPOTIFY_REDIRECT_URI = ""
    settings.SECRET_KEY = "random-key-made-up-at-import-" + "r" * 30
    settings.SPOTIFY_CREDENTIALS_ERROR = str(THROTTLED)
    settings.SPOTIFY_CREDENTIALS_RETRYABLE = True
    return settings


def use_loader(monkeypatch: pytest.MonkeyPatch, loader: Loader) -> Loader:
    monkeypatch.setattr(middleware, "load_app_secret", loader)
    return loader


def current(*names: str) -> list[object]:
    """The live values of these settings (what the app reads on the next request)."""
    return [getattr(django_settings, name) for name in names]


def assert_no_secret(text: str) -> None:
    for value in SECRET.values():
        assert value not in text
    assert "SENTINEL" not in text


def test_transient_failure_is_retried_after_30_seconds(
    failed_at_cold_start, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    loader = use_loader(monkeypatch, Loader(SECRET))
    client = Client()

    first = client.get("/")  # the middleware is built now, just after the failed import
    clock.now += RETRY_INTERVAL_SECONDS - 0.5
    still = client.get("/")

    assert first.status_code == still.status_code == 503
    assert "temporarily unavailable" in first.content.decode()
    assert loader.calls == []

    clock.now += 0.5
    home = client.get("/")

    assert home.status_code == 200
    assert "MoodyStream" in home.content.decode()
    assert loader.calls == [(NAME, REGION)]
    assert current("SPOTIFY_CREDENTIALS_ERROR", "SPOTIFY_CREDENTIALS_RETRYABLE") == ["", False]
    assert current(
        "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI", "SECRET_KEY"
    ) == [
        SECRET["SPOTIPY_CLIENT_ID"],
        SECRET["SPOTIPY_CLIENT_SECRET"],
        SECRET["SPOTIPY_REDIRECT_URI"],
        SECRET["DJANGO_SECRET_KEY"],
    ]

    # Served from now on, no more reads.
    clock.now += 3600
    assert client.get("/login/").status_code == 302
    assert loader.calls == [(NAME, REGION)]

    records = [r for r in caplog.records if r.name == "moodystream.middleware"]
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (
            logging.INFO,
            f"Spotify credentials loaded from secret {NAME!r} on a retry; serving requests again",
        )
    ]
    assert_no_secret(caplog.text)


def test_failed_retry_waits_another_30_seconds(
    failed_at_cold_start, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    loader = use_loader(monkeypatch, Loader(THROTTLED, SECRET))
    client = Client()

    assert client.get("/").status_code == 503
    clock.now += 31
    assert client.get("/").status_code == 503  # retried: still throttled
    assert len(loader.calls) == 1
    clock.now += 29
    assert client.get("/").status_code == 503  # 29 s after that retry: not yet
    assert len(loader.calls) == 1
    clock.now += 1
    assert client.get("/").status_code == 200
    assert len(loader.calls) == 2

    levels = [r.levelno for r in caplog.records if r.name == "moodystream.middleware"]
    assert levels == [logging.WARNING, logging.INFO]
    assert "ThrottlingException" in caplog.text
    assert_no_secret(caplog.text)


def test_permanent_failure_is_never_retried(
    failed_at_cold_start, settings, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    settings.SPOTIFY_CREDENTIALS_ERROR = str(DENIED)
    settings.SPOTIFY_CREDENTIALS_RETRYABLE = False
    loader = use_loader(monkeypatch, Loader(SECRET))
    client = Client()

    for _ in range(5):
        assert client.get("/").status_code == 503
        clock.now += 3600

    assert loader.calls == []
    assert current("SPOTIFY_CREDENTIALS_ERROR") == [str(DENIED)]
    assert not [r for r in caplog.records if r.name == "moodystream.middleware"]


def test_a_retry_that_fails_for_good_stops_the_retries(
    failed_at_cold_start, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    loader = use_loader(monkeypatch, Loader(DENIED, SECRET))
    client = Client()

    client.get("/")
    for _ in range(5):
        clock.now += 3600
        assert client.get("/").status_code == 503

    assert len(loader.calls) == 1
    assert current("SPOTIFY_CREDENTIALS_ERROR", "SPOTIFY_CREDENTIALS_RETRYABLE") == [
        str(DENIED),
        False,
    ]
    errors = [r for r in caplog.records if r.name == "moodystream.middleware"]
    assert [r.levelno for r in errors] == [logging.ERROR]
    assert "no more retries" in errors[0].getMessage()


def test_no_retry_without_an_error_or_in_demo_mode(
    failed_at_cold_start, settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader = use_loader(monkeypatch, Loader())
    settings.DEMO_MODE = True  # locally: the failed read left no client ID, so demo mode won
    client = Client()

    client.get("/")
    clock.now += 3600
    assert client.get("/").status_code == 503

    settings.DEMO_MODE = False
    settings.SPOTIFY_CREDENTIALS_ERROR = ""
    clock.now += 3600
    assert client.get("/").status_code == 200
    assert loader.calls == []


def test_one_retry_at_a_time(
    failed_at_cold_start, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Concurrent requests while a retry is in flight get their 503 at once; one read only."""
    entered, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow_loader(name: str, region: str) -> dict[str, str]:
        calls.append(name)
        entered.set()
        assert release.wait(10)
        return dict(SECRET)

    monkeypatch.setattr(middleware, "load_app_secret", slow_loader)

    def served(request: HttpRequest) -> HttpResponse:
        return HttpResponse("served")

    instance = ServiceUnavailableMiddleware(served)
    factory = RequestFactory()
    clock.now += RETRY_INTERVAL_SECONDS

    results: dict[str, int] = {}
    retrying = threading.Thread(
        target=lambda: results.__setitem__("retrying", instance(factory.get("/")).status_code)
    )
    retrying.start()
    assert entered.wait(10)
    others = [instance(factory.get("/")).status_code for _ in range(5)]
    release.set()
    retrying.join(10)

    assert others == [503] * 5
    assert results == {"retrying": 200}
    assert calls == [NAME]
    assert instance(factory.get("/")).status_code == 200
    assert calls == [NAME]
