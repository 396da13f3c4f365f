"""The Spotify emulator's pytest fixtures, imported by name (only the root conftest may use
``pytest_plugins``)."""

from spotify_emulator.testing import (  # noqa: F401 - fixtures used by name
    emulator,
    emulator_server,
    make_emulator,
)
