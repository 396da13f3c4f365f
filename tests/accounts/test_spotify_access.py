"""The one gateway factory: tokens read and written on the request thread only."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.test import RequestFactory

from accounts.session import SESSION_TOKENS
from accounts.spotify_access import gateway_for
from playlists.spotify.types import TokenSet
from spotify_emulator import USER_TYPICAL
from tests.playlists.spotify.emulator_support import sign_in


class RequestThreadSession(dict):
    """A session that fails any write from a thread other than the request's."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.writes: list[str] = []

    def __setitem__(self, key, value) -> None:
        self.writes.append(threading.current_thread().name)
        assert threading.current_thread() is threading.main_thread(), "written from a worker"
        super().__setitem__(key, value)


def request_with(tokens: TokenSet):
    request = RequestFactory().get("/generate/")
    request.session = RequestThreadSession({SESSION_TOKENS: tokens.to_dict()})
    return request


def test_tokens_a_401_refreshed_on_worker_threads_reach_the_session_on_the_way_out(
    spotify_settings, emulator
) -> None:
    tokens = sign_in(emulator).tokens
    request = request_with(tokens)
    artist_ids = emulator.app.state.histories[USER_TYPICAL].top_artists["medium_term"][:6]
    with gateway_for(request) as gateway:
        emulator.app.clock.advance(3700)  # the emulator's hour is up: every token it knows dies
        with ThreadPoolExecutor(6) as pool:
            assert len(list(pool.map(gateway.artist, artist_ids))) == 6
        assert gateway.token_refresh_count == 1
        assert request.session.writes == []  # nothing written while the look-ups ran
    stored = TokenSet.from_dict(request.session[SESSION_TOKENS])
    assert stored.access_token != tokens.access_token
    assert emulator.app.tokens.lookup(stored.access_token) is not None
    assert request.session.writes == ["MainThread"]


def test_tokens_about_to_expire_are_refreshed_before_the_gateway_starts(
    spotify_settings, emulator
) -> None:
    tokens = sign_in(emulator).tokens
    expiring = TokenSet(tokens.access_token, tokens.refresh_token, int(time.time()) + 10,
                        tokens.scope)
    request = request_with(expiring)
    with gateway_for(request) as gateway:
        assert request.session.writes == ["MainThread"]
        assert gateway.current_user().id == USER_TYPICAL
        assert gateway.token_refresh_count == 0
    assert TokenSet.from_dict(request.session[SESSION_TOKENS]).access_token != tokens.access_token


def test_the_factory_uses_the_configured_workers(spotify_settings, emulator) -> None:
    spotify_settings.SPOTIFY_MAX_WORKERS = 5
    request = request_with(sign_in(emulator).tokens)
    with gateway_for(request) as gateway:
        assert gateway.max_workers == 5
        assert gateway.request_timeout == spotify_settings.SPOTIFY_REQUEST_TIMEOUT


def test_spotipy_is_loaded_on_first_use_not_at_start_up() -> None:
    """spotipy brings redis with it (~150 ms); a cold Lambda start that serves a page without
    Spotify (the home page, the stylesheet) does not pay for it."""
    code = (
        "import django, sys, importlib; django.setup(); from django.conf import settings; "
        "[importlib.import_module(m.rsplit('.', 1)[0]) for m in settings.MIDDLEWARE]; "
        "from django.urls import resolve; resolve('/'); resolve('/generate/'); "
        "print('spotipy' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "moodystream.settings",
           "MOODYSTREAM_IGNORE_DOTENV": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "False"
