"""Playlists: create, change, add/replace/reorder/remove items, cover images, ownership."""

from __future__ import annotations

import base64

import pytest

from spotify_emulator import USER_ECLECTIC, USER_TYPICAL, EmulatorServer

from ..conftest import Api, LoginFactory, error_of

JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x10" * 300 + b"\xff\xd9").decode()


@pytest.fixture
def tracks(emulator: EmulatorServer) -> list[str]:
    """150 distinct track URIs from the catalogue."""
    return [f"spotify:track:{t}" for t in list(emulator.app.catalogue.tracks)[:150]]


@pytest.fixture
def playlist(api: Api) -> dict:
    answer = api.post("/v1/me/playlists", json={"name": "Mood: focus", "public": False,
                                                 "description": "made by a test"})
    assert answer.status_code == 201
    return answer.json()


def items_of(api: Api, playlist_id: str) -> list[str]:
    """The playlist's item URIs, read through the Python state accessor."""
    owned = api.server.app.state.user_playlists(USER_TYPICAL)
    return next(p["items"] for p in owned if p["id"] == playlist_id)


class TestCreate:
    def test_create_returns_the_full_empty_playlist(self, api: Api, playlist: dict):
        assert playlist["name"] == "Mood: focus"
        assert playlist["public"] is False and playlist["collaborative"] is False
        assert playlist["owner"]["id"] == USER_TYPICAL
        assert playlist["items"]["total"] == 0 and playlist["items"]["items"] == []
        assert playlist["href"] == f"{api.server.base_url}/v1/playlists/{playlist['id']}"
        mine = api.get("/v1/me/playlists").json()["items"]
        assert mine[0]["id"] == playlist["id"]  # newest first

    def test_public_defaults_to_true(self, api: Api):
        assert api.post("/v1/me/playlists", json={"name": "x"}).json()["public"] is True

    def test_change_details(self, api: Api, playlist: dict):
        answer = api.put(f"/v1/playlists/{playlist['id']}",
                         json={"name": "Renamed", "description": "d"})
        assert answer.status_code == 200 and answer.content == b""
        again = api.get(f"/v1/playlists/{playlist['id']}").json()
        assert again["name"] == "Renamed" and again["description"] == "d"
        assert again["snapshot_id"] != playlist["snapshot_id"]


class TestItems:
    def test_add_with_a_body_object_and_position(self, api: Api, playlist, tracks):
        pid = playlist["id"]
        first = api.post(f"/v1/playlists/{pid}/items", json={"uris": tracks[:3]})
        assert first.status_code == 201
        second = api.post(f"/v1/playlists/{pid}/items", json={"uris": [tracks[3]], "position": 1})
        assert second.json()["snapshot_id"] != first.json()["snapshot_id"]
        assert items_of(api, pid) == [tracks[0], tracks[3], tracks[1], tracks[2]]

    def test_add_with_a_bare_list_like_spotipy(self, api: Api, playlist, tracks):
        assert api.post(f"/v1/playlists/{playlist['id']}/items",
                        json=tracks[:2]).status_code == 201
        assert items_of(api, playlist["id"]) == tracks[:2]

    def test_add_with_query_uris_which_win_over_the_body(self, api: Api, playlist, tracks):
        answer = api.post(f"/v1/playlists/{playlist['id']}/items",
                          params={"uris": ",".join(tracks[:2]), "position": "0"},
                          json={"uris": tracks[5:9]})
        assert answer.status_code == 201
        assert items_of(api, playlist["id"]) == tracks[:2]

    def test_at_most_100_uris_per_write(self, api: Api, playlist, tracks):
        pid = playlist["id"]
        assert api.post(f"/v1/playlists/{pid}/items", json={"uris": tracks[:100]}).ok
        answer = api.post(f"/v1/playlists/{pid}/items", json={"uris": tracks[:101]})
        assert error_of(answer) == (400, "Too many ids requested")
        answer = api.put(f"/v1/playlists/{pid}/items", json={"uris": tracks[:101]})
        assert error_of(answer) == (400, "Too many ids requested")
        assert len(items_of(api, pid)) == 100

    def test_unknown_or_malformed_track_uris(self, api: Api, playlist):
        pid = playlist["id"]
        for uri in ("spotify:track:0123456789abcdefABCDEF", "spotify:album:x", "oops"):
            assert api.post(f"/v1/playlists/{pid}/items", json={"uris": [uri]}).status_code == 400
        bad_position = api.post(f"/v1/playlists/{pid}/items",
                                json={"uris": [], "position": 5})
        assert bad_position.status_code == 400

    def test_replace_and_clear(self, api: Api, playlist, tracks):
        pid = playlist["id"]
        api.post(f"/v1/playlists/{pid}/items", json={"uris": tracks[:5]})
        assert api.put(f"/v1/playlists/{pid}/items", json={"uris": tracks[10:12]}).ok
        assert items_of(api, pid) == tracks[10:12]
        assert api.put(f"/v1/playlists/{pid}/items", json={"uris": []}).ok
        assert items_of(api, pid) == []

    @pytest.mark.parametrize(("start", "before", "length", "expected"), [
        (0, 5, 1, [1, 2, 3, 4, 0]),
        (4, 0, 1, [4, 0, 1, 2, 3]),
        (1, 4, 2, [0, 3, 1, 2, 4]),
        (3, 1, 2, [0, 3, 4, 1, 2]),
    ])
    def test_reorder(self, api: Api, playlist, tracks, start, before, length, expected):
        pid = playlist["id"]
        api.post(f"/v1/playlists/{pid}/items", json={"uris": tracks[:5]})
        answer = api.put(f"/v1/playlists/{pid}/items",
                         json={"range_start": start, "insert_before": before,
                               "range_length": length})
        assert answer.status_code == 200 and "snapshot_id" in answer.json()
        assert items_of(api, pid) == [tracks[i] for i in expected]

    def test_reorder_out_of_range(self, api: Api, playlist, tracks):
        pid = playlist["id"]
        api.post(f"/v1/playlists/{pid}/items", json={"uris": tracks[:3]})
        answer = api.put(f"/v1/playlists/{pid}/items",
                         json={"range_start": 2, "insert_before": 0, "range_length": 5})
        assert answer.status_code == 400

    @pytest.mark.parametrize("key", ["items", "tracks"])
    def test_remove_every_occurrence(self, api: Api, playlist, tracks, key):
        pid = playlist["id"]
        api.post(f"/v1/playlists/{pid}/items", json={"uris": [tracks[0], tracks[1], tracks[0]]})
        before = api.get(f"/v1/playlists/{pid}").json()["snapshot_id"]
        answer = api.delete(f"/v1/playlists/{pid}/items",
                            json={key: [{"uri": tracks[0]}], "snapshot_id": before})
        assert answer.status_code == 200 and answer.json()["snapshot_id"] != before
        assert items_of(api, pid) == [tracks[1]]

    def test_remove_needs_items(self, api: Api, playlist):
        assert api.delete(f"/v1/playlists/{playlist['id']}/items", json={}).status_code == 400

    def test_item_rows_carry_item_and_no_track(self, api: Api, playlist, tracks):
        api.post(f"/v1/playlists/{playlist['id']}/items", json={"uris": tracks[:2]})
        entry = api.get(f"/v1/playlists/{playlist['id']}/items").json()["items"][0]
        assert set(entry) == {"added_at", "added_by", "is_local", "item", "primary_color",
                              "video_thumbnail"}
        assert entry["item"]["uri"] == tracks[0]
        assert entry["added_by"]["id"] == USER_TYPICAL

    def test_extended_mode_rows_also_carry_the_deprecated_track(
            self, api: Api, playlist, tracks, emulator):
        emulator.app.set_mode("extended")
        api.post(f"/v1/playlists/{playlist['id']}/items", json={"uris": tracks[:2]})
        entry = api.get(f"/v1/playlists/{playlist['id']}/items").json()["items"][0]
        assert entry["item"] == entry["track"]
        assert entry["item"]["uri"] == tracks[0]


class TestOwnership:
    def test_only_the_owner_may_modify(self, login: LoginFactory, playlist, tracks):
        maya = login(USER_ECLECTIC)
        pid = playlist["id"]
        api_public = login()
        api_public.put(f"/v1/playlists/{pid}", json={"public": True})
        for answer in (maya.post(f"/v1/playlists/{pid}/items", json={"uris": tracks[:1]}),
                       maya.put(f"/v1/playlists/{pid}", json={"name": "mine now"}),
                       maya.delete(f"/v1/playlists/{pid}/items",
                                   json={"items": [{"uri": tracks[0]}]}),
                       maya.put(f"/v1/playlists/{pid}/images", data=JPEG)):
            assert answer.status_code == 403

    def test_followed_playlist_of_someone_else_is_listed_but_read_only(self, api: Api, tracks):
        mine = api.get("/v1/me/playlists?limit=50").json()["items"]
        theirs = [p for p in mine if p["owner"]["id"] != USER_TYPICAL]
        assert theirs
        answer = api.post(f"/v1/playlists/{theirs[0]['id']}/items", json={"uris": tracks[:1]})
        assert answer.status_code == 403
        assert api.get(f"/v1/playlists/{theirs[0]['id']}/items").status_code == 403

    def test_private_playlists_of_others_are_not_found(self, login: LoginFactory, playlist):
        assert login(USER_ECLECTIC).get(f"/v1/playlists/{playlist['id']}").status_code == 404

    def test_writes_need_the_matching_modify_scope(self, login: LoginFactory, playlist, tracks):
        public_only = login(scopes=["playlist-modify-public"])
        answer = public_only.post(f"/v1/playlists/{playlist['id']}/items",
                                  json={"uris": tracks[:1]})
        assert error_of(answer) == (403, "Insufficient client scope")


class TestCoverImage:
    def test_upload_a_base64_jpeg(self, api: Api, playlist):
        pid = playlist["id"]
        answer = api.put(f"/v1/playlists/{pid}/images", data=JPEG,
                         headers={"Content-Type": "image/jpeg"})
        assert answer.status_code == 202 and answer.content == b""
        images = api.get(f"/v1/playlists/{pid}/images").json()
        assert len(images) == 1 and images[0]["url"].startswith("https://")

    def test_needs_ugc_image_upload(self, login: LoginFactory, playlist):
        no_upload = login(scopes=["playlist-modify-private", "playlist-modify-public"])
        answer = no_upload.put(f"/v1/playlists/{playlist['id']}/images", data=JPEG)
        assert error_of(answer) == (403, "Insufficient client scope")

    @pytest.mark.parametrize("body", ["not base64!!", base64.b64encode(b"PNG...").decode()])
    def test_rejects_what_is_not_a_base64_jpeg(self, api: Api, playlist, body):
        assert api.put(f"/v1/playlists/{playlist['id']}/images", data=body).status_code == 400

    def test_rejects_more_than_256_kb(self, api: Api, playlist):
        big = base64.b64encode(b"\xff\xd8\xff" + b"\x00" * 200_000).decode()
        assert api.put(f"/v1/playlists/{playlist['id']}/images", data=big).status_code == 413


class TestLibrary:
    def test_save_and_remove_tracks_and_follow_artists(self, api: Api, emulator, tracks):
        artist = emulator.app.catalogue.main_artists()[-1].id
        uris = f"{tracks[0]},spotify:artist:{artist}"
        answer = api.put("/v1/me/library", params={"uris": uris})
        assert answer.status_code == 200 and answer.content == b""
        assert api.get("/v1/me/tracks").json()["items"][0]["track"]["uri"] == tracks[0]
        assert api.get("/v1/me/library/contains", params={"uris": uris}).json() == [True, True]
        assert api.delete("/v1/me/library", params={"uris": uris}).status_code == 200
        assert api.get("/v1/me/library/contains", params={"uris": uris}).json() == [False, False]

    def test_removing_your_own_playlist_from_the_library_deletes_it_for_you(
        self, api: Api, playlist
    ):
        uri = f"spotify:playlist:{playlist['id']}"
        assert api.delete("/v1/me/library", params={"uris": uri}).status_code == 200
        mine = [p["id"] for p in api.get("/v1/me/playlists", params={"limit": 50}).json()["items"]]
        assert playlist["id"] not in mine

    def test_library_scopes_depend_on_the_uri_type(self, login: LoginFactory, tracks):
        follow_only = login(scopes=["user-follow-modify"])
        assert follow_only.put("/v1/me/library", params={"uris": tracks[0]}).status_code == 403


class TestStateAccessors:
    def test_python_and_control_api_show_owned_playlists_with_items(self, api: Api, playlist,
                                                                     tracks):
        api.post(f"/v1/playlists/{playlist['id']}/items", json={"uris": tracks[:3]})
        via_python = api.server.app.state.user_playlists(USER_TYPICAL)
        via_http = api.get(f"/_control/users/{USER_TYPICAL}/playlists").json()
        assert via_python == via_http
        created = next(p for p in via_http if p["id"] == playlist["id"])
        assert created["items"] == tracks[:3] and created["public"] is False
        assert all(p["id"] for p in via_http)
