"""Fixtures shared by the whole suite: the Spotify emulator and signed-in test clients."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from moodystream import credentials
from spotify_emulator import DEMO_CLIENT, USER_TYPICAL, EmulatorServer
from spotify_emulator.testing import approve_consent

#: The redirect URI the app registers for tests (a loopback literal, as Spotify requires).
TEST_REDIRECT_URI = "http://127.0.0.1:8000/callback/"


@pytest.fixture(autouse=True)
def no_cached_secret() -> Iterator[None]:
    """Each test starts as a new container would: no app secret read yet."""
    credentials.forget_secret()
    yield
    credentials.forget_secret()


@pytest.fixture
def spotify_settings(settings, emulator: EmulatorServer):
    """Point the app at the running emulator as if it were the real Spotify (not demo mode)."""
    settings.DEMO_MODE = False
    settings.SPOTIFY_CLIENT_ID = DEMO_CLIENT.client_id
    settings.SPOTIFY_CLIENT_SECRET = DEMO_CLIENT.client_secret
    settings.SPOTIFY_REDIRECT_URI = TEST_REDIRECT_URI
    settings.SPOTIFY_API_BASE_URL = emulator.api_url
    settings.SPOTIFY_ACCOUNTS_BASE_URL = emulator.base_url + "/"
    return settings


def local_path(url: str) -> str:
    """The path and query of a URL, for the Django test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


SignIn = Callable[..., Client]


class StateClock:
    """The shared store's clock: the real time, plus however far a test travelled."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Later: Spotify's pauses, budgets and save records age by ``seconds``."""
        self.offset += seconds


@pytest.fixture(autouse=True)
def state_clock() -> Iterator[StateClock]:
    """Each test starts with an empty shared store (save records, budgets, pauses)."""
    from shared_state.memory import MemoryState
    from shared_state.stores import use

    clock = StateClock()
    use(MemoryState(clock))
    yield clock
    use(None)


@pytest.fixture(autouse=True)
def _empty_django_cache() -> None:
    """Each test starts with no cached suggestions and unspent suggestion budgets."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def sign_in(spotify_settings) -> SignIn:
    """Sign a test client in through the real flow: /login/ → emulator consent → /callback/."""

    def _sign_in(client: Client | None = None, user_id: str = USER_TYPICAL) -> Client:
        client = client or Client()
        start = client.get("/login/")
        assert start.status_code == 302, start
        location = approve_consent(start["Location"], user_id, http_session=requests.Session())
        assert location.startswith(TEST_REDIRECT_URI), location
        done = client.get(local_path(location))
        assert done.status_code == 302, done.content[:500]
        return client

    return _sign_in


@pytest.fixture
def connected_client(sign_in: SignIn) -> Client:
    return sign_in()


@pytest.fixture
def generous_budgets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listeners' budgets out of the way, for a test about something else that renders many
    previews or saves from one account (their own tests: tests/playlists/test_budgets.py)."""
    from playlists import budgets

    for name in ("SUGGESTIONS", "PREVIEW_BURST", "PREVIEWS", "SAVES"):
        budget = getattr(budgets, name)
        monkeypatch.setattr(budgets, name, budgets.Budget(
            budget.name, 1_000_000, budget.window_seconds, budget.what))
