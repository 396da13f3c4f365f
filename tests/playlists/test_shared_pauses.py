"""A long 429 seen by one container stops every container until Retry-After: the next request
for that endpoint, from anyone signed in with the same Spotify app, is not sent to Spotify."""

from __future__ import annotations

from html import unescape

from django.test import Client

from spotify_emulator import USER_ECLECTIC
from tests.playlists.views.test_generator import VALID

FORM = {**VALID, "artist_count": "3", "track_count": "10"}


def top_artist_calls(emulator) -> list[int]:
    return [e.status for e in emulator.app.request_log.entries()
            if e.path == "/v1/me/top/artists"]


def test_one_429_pauses_the_endpoint_for_everyone_until_retry_after(
    connected_client: Client, sign_in, emulator, state_clock
) -> None:
    other = sign_in(Client(), user_id=USER_ECLECTIC)  # another listener, same Spotify app
    for client in (connected_client, other):
        assert client.post("/generate/", FORM).status_code == 302
    emulator.app.request_log.clear()
    emulator.app.faults.add_error("/v1/me/top/artists", status=429, retry_after=3600, count=1)

    first = connected_client.get("/preview/")
    assert first.status_code == 429 and first["Retry-After"] == "3600"
    second = other.get("/preview/")  # another request, as another container would serve it
    assert second.status_code == 429
    assert 3590 <= int(second["Retry-After"]) <= 3601  # the store keeps whole seconds
    assert "Spotify asked us to slow down" in " ".join(unescape(second.content.decode()).split())
    assert top_artist_calls(emulator) == [429]  # the second never reached Spotify

    state_clock.advance(3600)
    assert other.get("/preview/").status_code == 200
    assert top_artist_calls(emulator) == [429, 200]
