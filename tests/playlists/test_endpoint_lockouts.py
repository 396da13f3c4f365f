"""Spotify locks one endpoint for about a day (artist albums, after ~100 calls): MoodyStream
still makes the playlist from what is left (search), says so on the preview, and no container
asks the locked endpoint again until its time."""

from __future__ import annotations

from html import unescape

from django.test import Client

from spotify_emulator import DEMO_CLIENT
from tests.playlists.views.test_generator import VALID

#: Deep cuts enough that search alone cannot supply them: album look-ups are needed.
HUNGRY = {**VALID, "artist_count": "10", "track_count": "200", "deep_cut_percent": "100"}
ALBUMS_RULE = "/v1/artists/<id>/albums"


def album_calls(emulator) -> list[int]:
    return [e.status for e in emulator.app.request_log.entries()
            if e.path.startswith("/v1/artists/") and e.path.endswith("/albums")]


def text_of(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def test_album_lookups_locked_for_a_day_still_make_the_playlist(
    connected_client: Client, emulator, state_clock
) -> None:
    assert connected_client.post("/generate/", HUNGRY).status_code == 302
    emulator.app.request_log.clear()
    unlocked = connected_client.get("/preview/")
    assert unlocked.status_code == 200
    assert album_calls(emulator), "these options need album look-ups"

    emulator.app.rate_limiter.lock_endpoint(
        emulator.app.clients[DEMO_CLIENT.client_id].developer_account, ALBUMS_RULE, 86_000)
    emulator.app.request_log.clear()
    state_clock.advance(60)  # past the preview budget's burst window
    locked = connected_client.get("/preview/")
    assert locked.status_code == 200
    assert "paused MoodyStream's album look-ups" in text_of(locked)
    assert "about 24 hours" in text_of(locked)
    assert 'name="digest"' in locked.content.decode()  # a playlist to save, from search
    refusals = album_calls(emulator)  # the look-ups already in flight when the first came back
    assert set(refusals) == {429} and len(refusals) <= int(HUNGRY["artist_count"])

    emulator.app.request_log.clear()
    state_clock.advance(60)
    again = connected_client.get("/preview/")  # any container: the pause is shared
    assert again.status_code == 200 and "album look-ups" in text_of(again)
    assert album_calls(emulator) == []
