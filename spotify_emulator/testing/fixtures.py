"""The pytest fixtures (see the package docstring); a test fails if the emulator serving it
hit an unexpected exception."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from spotify_emulator.app import EmulatorApp, create_app
from spotify_emulator.config import EmulatorConfig
from spotify_emulator.server import EmulatorServer, serve_in_thread


def _fail_on_errors(app: EmulatorApp) -> None:
    if app.errors:
        details = "\n".join(app.errors)
        app.errors.clear()
        pytest.fail(f"the Spotify emulator hit unexpected exceptions:\n{details}")


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    """One emulator server for the whole session (use ``emulator``: it resets it per test)."""
    server = serve_in_thread(create_app(EmulatorConfig()))
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> Iterator[EmulatorServer]:
    """The shared emulator server, in its initial state for this test."""
    app = emulator_server.app
    app.reset()
    yield emulator_server
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
