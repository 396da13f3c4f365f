"""ServiceUnavailableMiddleware and the credentials accessor: a 503 page while the secret cannot
be read, a retry at most every 30 s after a transient failure, none after a permanent one.

The secret is read on the first request (not while settings load) and never written into
``settings``. Secrets Manager itself is replaced by a scripted loader and the monotonic clock by
a fake one; the real loader against moto and a throttling endpoint is in test_aws_secrets.py.
"""

from __future__ import annotations

import logging
import threading

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from moodystream import aws_secrets, credentials
from moodystream.aws_secrets import RETRY_INTERVAL_SECONDS, SecretUnavailable
from moodystream.middleware import ServiceUnavailableMiddleware

NAME = "moodystream/spotify"
REGION = "eu-west-1"
SECRET = {
    "SPOTIFY_CLIENT_ID": "client-id-SENTINEL-51c2",
    "SPOTIFY_CLIENT_SECRET": "client-secret-SENTINEL-8e0d",
    "SPOTIFY_REDIRECT_URI": "https://moodystream.test/callback/SENTINEL/",
    "DJANGO_SECRET_KEY": "django-secret-key-SENTINEL-" + "Qz7w" * 12,
}
THROTTLED = SecretUnavailable(
    f"Secrets Manager throttled the request for secret {NAME!r} in {REGION} "
    "(ThrottlingException); try again later",
    transient=True,
)
DENIED = SecretUnavailable(f"access denied to secret {NAME!r} in {REGION}")
LOGGER = "moodystream.aws_secrets"


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Loader:
    """Stands in for Secrets Manager: each read takes the next scripted outcome."""

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
    monkeypatch.setattr(aws_secrets, "monotonic", fake)
    return fake


@pytest.fixture
def from_secret(settings, spotify_settings):
    """Settings as production has them: the credentials are in a secret, not in settings."""
    settings.SPOTIFY_SECRET_NAME = NAME
    settings.SPOTIFY_SECRET_REGION = REGION
    settings.SPOTIFY_CLIENT_ID = ""
    settings.SPOTIFY_CLIENT_SECRET = ""
    settings.SPOTIFY_REDIRECT_URI = ""
    return settings


def use_loader(monkeypatch: pytest.MonkeyPatch, loader: Loader) -> Loader:
    monkeypatch.setattr(aws_secrets, "fetch_app_secret", loader)
    return loader


def settings_values() -> list[object]:
    return [
        getattr(django_settings, name)
        for name in ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI")
    ]


def assert_no_secret(text: str) -> None:
    for value in SECRET.values():
        assert value not in text
    assert "SENTINEL" not in text


def our_records(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == LOGGER]


def test_the_secret_is_read_on_the_first_request_and_kept(
    from_secret, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    loader = use_loader(monkeypatch, Loader(SECRET))
    client = Client()
    assert loader.calls == []  # nothing read before a request needs it

    assert client.get("/").status_code == 200
    login = client.get("/login/")

    assert login.status_code == 302
    assert "client_id=client-id-SENTINEL-51c2" in login["Location"]  # the secret's client id
    assert loader.calls == [(NAME, REGION)]
    clock.now += 3600
    assert client.get("/").status_code == 200
    assert loader.calls == [(NAME, REGION)]
    assert credentials.spotify_app_credentials().client_id == SECRET["SPOTIFY_CLIENT_ID"]
    assert credentials.secret_key() == SECRET["DJANGO_SECRET_KEY"]
    assert settings_values() == ["", "", ""]  # never written into settings
    assert our_records(caplog) == []


def test_transient_failure_is_retried_after_30_seconds(
    from_secret, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    loader = use_loader(monkeypatch, Loader(THROTTLED, SECRET))
    client = Client()

    first = client.get("/")
    clock.now += RETRY_INTERVAL_SECONDS - 0.5
    still = client.get("/")

    assert first.status_code == still.status_code == 503
    assert "temporarily unavailable" in first.content.decode()
    assert "moodystream_session" not in first.cookies
    assert len(loader.calls) == 1

    clock.now += 0.5
    home = client.get("/")

    assert home.status_code == 200
    assert "MoodyStream" in home.content.decode()
    assert len(loader.calls) == 2
    assert credentials.unavailable() is None
    assert settings_values() == ["", "", ""]

    clock.now += 3600
    assert client.get("/login/").status_code == 302
    assert len(loader.calls) == 2

    assert our_records(caplog) == [
        (logging.ERROR, f"Spotify credentials unavailable: {THROTTLED}"),
        (
            logging.INFO,
            f"Spotify credentials loaded from secret {NAME!r} on a retry; serving requests again",
        ),
    ]
    assert_no_secret(caplog.text)


def test_failed_retry_waits_another_30_seconds(
    from_secret, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    loader = use_loader(monkeypatch, Loader(THROTTLED, THROTTLED, SECRET))
    client = Client()

    assert client.get("/").status_code == 503
    clock.now += 31
    assert client.get("/").status_code == 503  # retried: still throttled
    assert len(loader.calls) == 2
    clock.now += 29
    assert client.get("/").status_code == 503  # 29 s after that retry: not yet
    assert len(loader.calls) == 2
    clock.now += 1
    assert client.get("/").status_code == 200
    assert len(loader.calls) == 3

    levels = [level for level, _ in our_records(caplog)]
    assert levels == [logging.ERROR, logging.WARNING, logging.INFO]
    assert "ThrottlingException" in caplog.text
    assert_no_secret(caplog.text)


def test_permanent_failure_is_never_retried(
    from_secret, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    loader = use_loader(monkeypatch, Loader(DENIED, SECRET))
    client = Client()

    for _ in range(5):
        assert client.get("/").status_code == 503
        clock.now += 3600

    assert len(loader.calls) == 1
    assert str(credentials.unavailable()) == str(DENIED)
    assert our_records(caplog) == [(logging.ERROR, f"Spotify credentials unavailable: {DENIED}")]


def test_a_retry_that_fails_for_good_stops_the_retries(
    from_secret, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    loader = use_loader(monkeypatch, Loader(THROTTLED, DENIED, SECRET))
    client = Client()

    client.get("/")
    for _ in range(5):
        clock.now += 3600
        assert client.get("/").status_code == 503

    assert len(loader.calls) == 2
    records = our_records(caplog)
    assert [level for level, _ in records] == [logging.ERROR, logging.ERROR]
    assert "no more retries" in records[1][1]


def test_no_secret_is_read_without_a_secret_name_or_in_demo_mode(
    settings, spotify_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader = use_loader(monkeypatch, Loader())
    assert Client().get("/").status_code == 200  # local: credentials from settings

    settings.SPOTIFY_SECRET_NAME = NAME
    settings.DEMO_MODE = True
    assert Client().get("/").status_code == 200
    assert loader.calls == []


def test_production_without_a_secret_name_is_a_503(settings, monkeypatch) -> None:
    loader = use_loader(monkeypatch, Loader())
    settings.IS_PRODUCTION = True
    settings.DEMO_MODE = False
    settings.SPOTIFY_SECRET_NAME = ""

    response = Client().get("/", secure=True)

    assert response.status_code == 503
    assert str(credentials.unavailable()) == "SPOTIFY_SECRET_NAME is not set"
    assert loader.calls == []


def test_one_retry_at_a_time(from_secret, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Concurrent requests while a retry is in flight get their 503 at once; one read only."""
    entered, release = threading.Event(), threading.Event()
    outcomes: list[dict[str, str] | SecretUnavailable] = [THROTTLED, SECRET]
    calls: list[str] = []

    def slow_loader(name: str, region: str) -> dict[str, str]:
        calls.append(name)
        outcome = outcomes.pop(0)
        if isinstance(outcome, SecretUnavailable):
            raise outcome
        entered.set()
        assert release.wait(10)
        return dict(outcome)

    monkeypatch.setattr(aws_secrets, "fetch_app_secret", slow_loader)

    def served(request: HttpRequest) -> HttpResponse:
        return HttpResponse("served")

    instance = ServiceUnavailableMiddleware(served)
    factory = RequestFactory()
    assert instance(factory.get("/")).status_code == 503  # the first read: throttled
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
    assert calls == [NAME, NAME]
    assert instance(factory.get("/")).status_code == 200
    assert calls == [NAME, NAME]


def test_concurrent_first_requests_share_one_read(
    from_secret, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At cold start, requests arriving while the first read runs wait for it (one read)."""
    entered, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow_loader(name: str, region: str) -> dict[str, str]:
        calls.append(name)
        entered.set()
        assert release.wait(10)
        return dict(SECRET)

    monkeypatch.setattr(aws_secrets, "fetch_app_secret", slow_loader)
    instance = ServiceUnavailableMiddleware(lambda request: HttpResponse("served"))
    factory = RequestFactory()
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda: statuses.append(instance(factory.get("/")).status_code))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    assert entered.wait(10)
    release.set()
    for thread in threads:
        thread.join(10)

    assert statuses == [200] * 4
    assert calls == [NAME]
