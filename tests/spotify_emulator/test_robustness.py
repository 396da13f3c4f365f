"""Concurrent use of the threaded server, and what happens when the emulator itself breaks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from werkzeug.test import Client

from spotify_emulator import USER_TYPICAL, EmulatorApp, EmulatorConfig, create_app

from .conftest import Api


def test_concurrent_writes_to_one_playlist_lose_nothing(api: Api):
    playlist = api.post("/v1/me/playlists", json={"name": "busy"}).json()
    uris = [f"spotify:track:{t}" for t in list(api.server.app.catalogue.tracks)[:40]]

    def add(uri: str) -> int:
        client = Api(api.server, api.token)
        return client.post(f"/v1/playlists/{playlist['id']}/items",
                           json={"uris": [uri]}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(add, uris))
    assert statuses == [201] * len(uris)
    owned = api.server.app.state.user_playlists(USER_TYPICAL)
    items = next(p["items"] for p in owned if p["id"] == playlist["id"])
    assert sorted(items) == sorted(uris)


def test_concurrent_reads(api: Api):
    paths = ["/v1/me", "/v1/me/top/artists", "/v1/search?q=moon&type=track",
             "/v1/me/tracks?limit=50", "/v1/me/following?type=artist"] * 6
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda p: Api(api.server, api.token).get(p).status_code,
                                 paths))
    assert set(statuses) == {200}


def break_every_handler(app: EmulatorApp) -> dict:
    """Swap every Web API handler for one that raises; returns the originals."""
    original = dict(app._api_routes)
    app._api_routes = {key: replace(route, handler=_boom) for key, route in original.items()}
    return original


def _boom(ctx: object, **kwargs: object) -> None:
    raise RuntimeError("simulated emulator bug")


def test_an_emulator_bug_answers_500_and_is_recorded_for_the_test(api: Api):
    app = api.server.app
    original = break_every_handler(app)
    try:
        answer = api.get("/v1/me")
    finally:
        app._api_routes = original
    assert answer.status_code == 500
    assert answer.json() == {"error": {"status": 500, "message": "Server error."}}
    assert len(app.errors) == 1 and "simulated emulator bug" in app.errors[0]
    app.errors.clear()  # expected here; the `emulator` fixture fails tests that leave errors


def test_raise_errors_re_raises_for_in_process_debugging():
    app = create_app(EmulatorConfig(raise_errors=True))
    token = app.issue_token(USER_TYPICAL)["access_token"]
    break_every_handler(app)
    with pytest.raises(RuntimeError, match="simulated emulator bug"):
        Client(app).get("/v1/me", headers={"Authorization": f"Bearer {token}"})
