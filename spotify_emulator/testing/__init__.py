"""Pytest fixtures and helpers for testing code against the Spotify emulator.

Enable them from the project's root ``conftest.py`` with
``pytest_plugins = ["spotify_emulator.testing"]`` (or import the fixtures by name into a
nested conftest). Fixtures:

- ``emulator``: a running HTTP server (``.base_url``, ``.api_url``, ``.app``) shared by the
  session (``emulator_server``), reset to the initial state before and after each test. A test
  fails if the emulator hit an unexpected exception while serving it.
- ``emulator_app``: a fresh in-process app (no server) built from ``emulator_config``.
- ``emulator_config``: override it to customise ``emulator_app``.
- ``make_emulator``: factory ``make_emulator(config=None, prefix="")`` for extra servers
  with their own configuration; stopped after the test.

Helpers: ``approve_consent`` drives the consent page over real HTTP like a browser would
(:mod:`.consent`); ``spotipy_client`` returns a spotipy client pointed at an emulator
(:mod:`.clients`). The fixtures live in :mod:`.fixtures`; this package re-exports them all, so
``-p spotify_emulator.testing`` (pyproject's addopts) registers them.
"""

from spotify_emulator.testing.clients import spotipy_client
from spotify_emulator.testing.consent import ConsentError, approve_consent
from spotify_emulator.testing.fixtures import (
    emulator,
    emulator_app,
    emulator_config,
    emulator_server,
    make_emulator,
)

__all__ = [
    "ConsentError",
    "approve_consent",
    "emulator",
    "emulator_app",
    "emulator_config",
    "emulator_server",
    "make_emulator",
    "spotipy_client",
]
