"""Ten parallel POST /save/ of one preview (double clicks, retries, containers): exactly one
POST /v1/me/playlists reaches Spotify, nothing is removed, and every answer is that playlist."""

from __future__ import annotations

import re
import threading

from django.test import Client

from spotify_emulator import USER_TYPICAL
from tests.playlists.views.test_generator import VALID

FORM = {**VALID, "artist_count": "3", "track_count": "10", "description": "Ours, all of it."}
DIGEST = re.compile(r'name="digest" value="([0-9a-f]+)"')


def test_ten_parallel_saves_make_one_playlist(connected_client: Client, emulator) -> None:
    assert connected_client.post("/generate/", FORM).status_code == 302
    page = connected_client.get("/preview/")
    digest = DIGEST.search(page.content.decode())[1]
    cookies = connected_client.cookies
    answers: list[str] = []

    def save() -> None:
        client = Client()
        client.cookies = cookies  # the same session, as two tabs or a retried request
        response = client.post("/save/", {"digest": digest})
        answers.append(response["Location"] if response.status_code == 302 else
                       str(response.status_code))

    emulator.app.request_log.clear()
    threads = [threading.Thread(target=save) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    log = [(e.method, e.path) for e in emulator.app.request_log.entries()]
    assert log.count(("POST", "/v1/me/playlists")) == 1
    assert not [entry for entry in log if entry[0] == "DELETE"]
    [playlist] = [p for p in emulator.app.state.user_playlists(USER_TYPICAL)
                  if p["description"] == "Ours, all of it."]
    assert answers == [f"/playlists/{playlist['id']}/"] * 10
