"""Pytest fixtures and helpers for testing code against the Spotify emulator.

Enable them from the project's root ``conftest.py`` with
``pytest_plugins = ["spotify_emulator.testing"]`` (or import the fixtures by name into a
nested conftest). Fixtures:

- ``emulator``: a running HTTP server (``.base_url``, ``.api_url``, ``.app``) shared by the
  session, reset to the initial state before and after each test. A test fails if the
  emulator hit an unexpected exception while serving it.
- ``emulator_app``: a fresh in-process app (no server) built from ``emulator_config``.
- ``emulator_config``: override it to customise ``emulator_app``.
- ``make_emulator``: factory ``make_emulator(config=None, prefix="")`` for extra servers
  with their own configuration; stopped after the test.

Helpers: ``approve_consent`` drives the consent page over real HTTP like a browser would;
``spotipy_client`` returns a spotipy client pointed at an emulator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from spotify_emulator.app import EmulatorApp, create_app
from spotify_emulator.config import EmulatorConfig
from spotify_emulator.server import EmulatorServer, serve_in_thread


class ConsentError(AssertionError):
    """The consent page could not be shown or submitted (the page text says why)."""


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.options: list[str] = []
        self.buttons: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a.get("action", "")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a.get("name", "")] = a.get("value", "")
        elif tag == "option":
            self.options.append(a.get("value", ""))
        elif tag == "button" and a.get("name") == "decision":
            self.buttons[a.get("id", "")] = a.get("value", "")


def approve_consent(authorize_url: str, user_id: str, http_session: Any = requests,
                    decision: str = "approve") -> str:
    """Open the consent page at ``authorize_url``, choose ``user_id`` and press Agree
    (or Cancel with ``decision="deny"``); return the redirect ``Location`` for the app.

    If the emulator redirects straight away (an error such as ``invalid_scope``), that
    Location is returned. An error page (unknown client, bad redirect URI) raises
    ConsentError with the page text.
    """
    page = http_session.get(authorize_url, allow_redirects=False)
    if page.status_code in (301, 302, 303, 307, 308):
        return page.headers["Location"]
    if page.status_code != 200:
        raise ConsentError(f"consent page answered {page.status_code}: {page.text}")
    form = _FormParser()
    form.feed(page.text)
    if form.action is None:
        raise ConsentError("no consent form on the page")
    if user_id not in form.options:
        raise ConsentError(f"{user_id!r} is not offered; demo users: {form.options}")
    if decision not in form.buttons.values():
        raise ConsentError(f"no {decision!r} button on the consent page")
    data = dict(form.fields, user_id=user_id, decision=decision)
    answer = http_session.post(urljoin(authorize_url, form.action), data=data,
                               allow_redirects=False)
    if answer.status_code not in (302, 303):
        raise ConsentError(f"consent form answered {answer.status_code}: {answer.text}")
    return answer.headers["Location"]


def spotipy_client(server: EmulatorServer, access_token: str, **kwargs: Any) -> Any:
    """A ``spotipy.Spotify`` talking to ``server`` with a fixed token and no retries.

    spotipy's default retry sleeps through 429/5xx answers; here they surface at once as
    SpotifyException with Spotify's message and ``reason`` (e.g. QUOTA_EXCEEDED).
    """
    import spotipy  # imported lazily: only tests that use it need it

    kwargs.setdefault("retries", 0)
    kwargs.setdefault("status_retries", 0)
    kwargs.setdefault("status_forcelist", (599,))  # an empty list would mean "the defaults"
    kwargs.setdefault("requests_timeout", 10)
    client = spotipy.Spotify(auth=access_token, **kwargs)
    client.prefix = server.api_url
    return client


def _fail_on_errors(app: EmulatorApp) -> None:
    if app.errors:
        details = "\n".join(app.errors)
        app.errors.clear()
        pytest.fail(f"the Spotify emulator hit unexpected exceptions:\n{details}")


@pytest.fixture(scope="session")
def _spotify_emulator_server() -> Iterator[EmulatorServer]:
    server = serve_in_thread(create_app(EmulatorConfig()))
    yield server
    server.stop()


@pytest.fixture
def emulator(_spotify_emulator_server: EmulatorServer) -> Iterator[EmulatorServer]:
    """The shared emulator server, in its initial state for this test."""
    app = _spotify_emulator_server.app
    app.reset()
    yield _spotify_emulator_server
    try:
        _fail_on_errors(app)
    finally:
        app.reset()


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig()


@pytest.fixture
def emulator_app(emulator_config: EmulatorConfig) -> Iterator[EmulatorApp]:
    """A fresh in-process emulator app (use werkzeug.test.Client or mount it)."""
    app = create_app(emulator_config)
    yield app
    _fail_on_errors(app)


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., EmulatorServer]]:
    """Factory for extra emulator servers: ``make_emulator(config=None, prefix="")``."""
    servers: list[EmulatorServer] = []

    def factory(config: EmulatorConfig | None = None, prefix: str = "") -> EmulatorServer:
        server = serve_in_thread(create_app(config or EmulatorConfig()), prefix=prefix)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()
    for server in servers:
        _fail_on_errors(server.app)
