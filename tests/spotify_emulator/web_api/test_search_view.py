"""``/v1/search`` parameters and playlist results as Spotify answers them in 2026.

(The catalogue search itself, filters and ranking, is tested in test_search.py.)
"""

from __future__ import annotations

import pytest

from spotify_emulator import USER_HEAVY, USER_TYPICAL, EmulatorServer

from ..conftest import Api, LoginFactory, error_of


@pytest.mark.parametrize(("offset", "limit"), [("991", "10"), ("1000", "1"), ("995", "6")])
def test_offset_plus_limit_beyond_1000_is_a_400(api: Api, offset: str, limit: str):
    status, message = error_of(api.get("/v1/search", params={
        "q": "a", "type": "track", "offset": offset, "limit": limit}))
    assert status == 400 and "1000" in message


@pytest.mark.parametrize(("offset", "limit"), [("990", "10"), ("999", "1"), ("0", "10")])
def test_offset_plus_limit_up_to_1000_is_fine(api: Api, offset: str, limit: str):
    answer = api.get("/v1/search", params={"q": "a", "type": "track", "offset": offset,
                                           "limit": limit})
    assert answer.status_code == 200
    assert answer.json()["tracks"]["offset"] == int(offset)


def test_the_1000_bound_holds_in_extended_mode_too(api: Api, emulator: EmulatorServer):
    emulator.app.set_mode("extended")
    answer = api.get("/v1/search", params={"q": "a", "type": "track", "offset": "960",
                                           "limit": "50"})
    assert error_of(answer)[0] == 400


def public_playlists_named(emulator: EmulatorServer, word: str) -> list[dict]:
    return [p for u in emulator.app.state.users
            for p in emulator.app.state.user_playlists(u)
            if p["public"] and word in p["name"].lower()]


def all_playlist_results(api: Api, q: str) -> list[dict | None]:
    found: list[dict | None] = []
    url: str | None = f"/v1/search?q={q}&type=playlist&limit=10"
    while url:
        page = api.get(url).json()["playlists"]
        assert len(page["items"]) <= 10
        found += page["items"]
        url = page["next"]
    assert len(found) == page["total"]
    return found


class TestPlaylistSearch:
    def test_returns_public_playlists_with_null_entries_counted_in_the_total(
            self, api: Api, emulator: EmulatorServer):
        expected = public_playlists_named(emulator, "mixtape")
        found = all_playlist_results(api, "mixtape")
        assert len(found) == len(expected) > 10
        real = [p for p in found if p is not None]
        assert 0 < len(real) < len(found)  # some entries are null, like Spotify's
        assert {p["id"] for p in real} <= {p["id"] for p in expected}
        for playlist in real:
            assert playlist["type"] == "playlist" and playlist["public"] is True
            assert set(playlist["items"]) == {"href", "total"} and "tracks" not in playlist
            assert "mixtape" in playlist["name"].lower()

    def test_the_nulls_are_stable(self, api: Api):
        first = all_playlist_results(api, "mixtape")
        assert all_playlist_results(api, "mixtape") == first

    def test_the_owner_sees_their_own_playlists(self, login: LoginFactory,
                                                emulator: EmulatorServer):
        found = all_playlist_results(login(USER_HEAVY), "mixtape")
        assert None not in found

    def test_a_deleted_playlist_stays_in_the_index_as_null(self, login: LoginFactory):
        riley = login(USER_HEAVY)
        before = all_playlist_results(riley, "mixtape")  # the owner: no nulls
        target = before[3]
        assert target is not None
        deleted = riley.delete("/v1/me/library",
                               params={"uris": f"spotify:playlist:{target['id']}"})
        assert deleted.status_code == 200
        after = all_playlist_results(riley, "mixtape")
        assert len(after) == len(before) and after[3] is None
        assert after[:3] + after[4:] == before[:3] + before[4:]

    def test_private_playlists_are_not_found(self, login: LoginFactory,
                                             emulator: EmulatorServer):
        private = [p for p in emulator.app.state.user_playlists(USER_HEAVY) if not p["public"]]
        assert private
        found = all_playlist_results(login(USER_TYPICAL), "mixtape")
        assert not {p["id"] for p in private} & {p["id"] for p in found if p}

    def test_field_filters_find_no_playlists(self, api: Api):
        body = api.get("/v1/search", params={"q": "artist:mixtape", "type": "playlist"}).json()
        assert body["playlists"]["items"] == [] and body["playlists"]["total"] == 0
