"""What every measurement needs: Django configured, the emulator served in this process, a
token for a demo user, gateways built the way the app builds them, and one timed run."""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

USER = "alex"  # the emulator's typical listener: about 30 top artists per period
ARTISTS = 20
TRACKS = 50


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moodystream.settings")
    os.environ.setdefault("MOODYSTREAM_IGNORE_DOTENV", "1")
    import django

    django.setup()
    import logging

    # Retries and 429s are expected in some scenarios; the table reports them.
    logging.getLogger("playlists").setLevel(logging.ERROR)


@dataclass
class Emulator:
    server: Any
    app: Any
    token: str

    @property
    def api_url(self) -> str:
        return self.server.api_url

    def fresh_state(self) -> None:
        """Playlists and libraries back to the seeded world (tokens, faults, limits stay)."""
        self.app.state.reset()
        self.app.request_log.clear()

    def stop(self) -> None:
        self.server.stop()


def start_emulator() -> Emulator:
    from spotify_emulator import ALL_SCOPES, EmulatorConfig, create_app, serve_in_thread

    app = create_app(EmulatorConfig(mode="development"))
    server = serve_in_thread(app)
    token = app.issue_token(USER, ALL_SCOPES)["access_token"]
    return Emulator(server, app, token)


def default_options(track_count: int = TRACKS, seed: int = 1) -> Any:
    from playlists.services.options import GenerationOptions

    return GenerationOptions(artist_count=ARTISTS, track_count=track_count, seed=seed)


def app_gateway_settings() -> dict[str, Any]:
    """The arguments ``accounts.spotify_access.gateway_for`` takes from the settings."""
    from django.conf import settings

    found = {
        "request_timeout": getattr(settings, "SPOTIFY_REQUEST_TIMEOUT", None),
        "api_mode": getattr(settings, "SPOTIFY_API_MODE", None),
        "max_workers": getattr(settings, "SPOTIFY_MAX_WORKERS", None),
    }
    return {key: value for key, value in found.items() if value is not None}


def gateway(emulator: Emulator, **kwargs: Any) -> Any:
    """A fresh gateway as ``accounts.spotify_access.gateway_for`` builds it (the same settings);
    ``kwargs`` override."""
    return gateway_at(emulator.api_url, emulator.token, **kwargs)


def gateway_at(api_url: str, token: str, **kwargs: Any) -> Any:
    """``gateway`` for a Web API at ``api_url`` (the bench's network model) and a token."""
    from playlists.spotify.gateway import SpotifyGateway

    return SpotifyGateway(token, api_base_url=api_url, **{**app_gateway_settings(), **kwargs})


@dataclass
class RunResult:
    seconds: float
    generate_seconds: float
    requests: int
    preview: Any
    playlist_id: str


def generate_and_save(gw: Any, options: Any, key: str) -> RunResult:
    """What a user's preview + save costs: ``generate`` then ``save_playlist`` (which checks
    the playlists read with the preview for duplicates, as the save view does)."""
    from playlists.services.generation import generate
    from playlists.services.saving import save_playlist
    from shared_state.stores import shared_state

    started = time.perf_counter()
    generation = generate(gw, options)
    preview = generation.preview
    generated = time.perf_counter()
    saved = save_playlist(
        gw, preview, idempotency_key=key, recent_playlists=generation.playlists,
        state=shared_state(),
    )
    finished = time.perf_counter()
    return RunResult(finished - started, generated - started, gw.request_count, preview, saved.id)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextmanager
def latency(emulator: Emulator, ms: int) -> Iterator[None]:
    emulator.app.faults.set_latency(ms)
    try:
        yield
    finally:
        emulator.app.faults.set_latency(0)


class VirtualTime:
    """Lets the gateway 'sleep' through a rate-limit pause by moving the emulator's clock.

    The gateway's pause is ``delay = resume_at - clock()`` then ``sleep(delay)``; several
    threads may pause at once for the same ``resume_at``.  Each thread's last clock reading is
    kept, so a sleep moves the clock to ``reading + delay`` (the shared ``resume_at``) at most
    once, however many threads sleep.  Before moving it, a sleep lets ``settle`` seconds of real
    time pass, so that the requests already in flight get their own 429 and join the same
    pause, as they would in real time.  ``waited`` is the virtual time that passed.
    """

    def __init__(self, clock: Any, settle: float = 0.25) -> None:
        self._clock = clock
        self._settle = settle
        self._local = threading.local()
        self._lock = threading.Lock()
        self.waited = 0.0

    def now(self) -> float:
        reading = time.monotonic() + self._clock.offset
        self._local.reading = reading
        return reading

    def sleep(self, seconds: float) -> None:
        reading = getattr(self._local, "reading", None)
        time.sleep(min(self._settle, max(0.0, seconds)))
        with self._lock:
            current = time.monotonic() + self._clock.offset
            start = reading if reading is not None else current - self._settle
            target = start + max(0.0, seconds)
            if target > current:
                self._clock.advance(target - current)
                self.waited += target - current
