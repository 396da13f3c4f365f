"""A spotipy client for an emulator server, for tests that call the Web API through spotipy."""

from __future__ import annotations

from typing import Any

from spotify_emulator.server import EmulatorServer


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
