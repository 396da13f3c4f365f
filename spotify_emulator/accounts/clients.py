"""The client apps registered on the developer dashboard, and the mode they all run in.

Spotify sets the mode per app; the emulator has one for all its apps, switched by tests
(``EmulatorApp.set_mode``). Apps created on the demo dashboard live until ``reset``.
"""

from __future__ import annotations

from collections.abc import Iterable

from spotify_emulator.config import ClientApp, Mode


class ClientApps:
    def __init__(self, initial: Iterable[ClientApp], mode: Mode) -> None:
        self._initial = tuple(initial)
        self._initial_mode: Mode = mode
        self.mode: Mode = mode
        self.by_id: dict[str, ClientApp] = {c.client_id: c for c in self._initial}

    def get(self, client_id: str) -> ClientApp | None:
        return self.by_id.get(client_id)

    def all(self) -> list[ClientApp]:
        return list(self.by_id.values())

    def register(self, client: ClientApp) -> None:
        """Add (or replace) a client app at run time."""
        self.by_id[client.client_id] = client

    def set_mode(self, mode: Mode) -> None:
        if mode not in ("development", "extended"):
            raise ValueError("mode must be 'development' or 'extended'")
        self.mode = mode

    def reset(self) -> None:
        """Back to the configured apps and mode."""
        self.mode = self._initial_mode
        self.by_id = {c.client_id: c for c in self._initial}
