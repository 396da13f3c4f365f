"""Bad input gets Spotify's 400/404 error body, never a crash."""

from __future__ import annotations

import pytest

from spotify_emulator import USER_TYPICAL

from ..conftest import Api, error_of

BAD_LIMITS = ["0", "51", "abc", "-1", "1.5"]


@pytest.mark.parametrize("limit", BAD_LIMITS)
@pytest.mark.parametrize("path", ["/v1/me/top/artists", "/v1/me/top/tracks",
                                  "/v1/me/following?type=artist", "/v1/me/tracks",
                                  "/v1/me/playlists", "/v1/search?q=a&type=track"])
def test_bad_limit(api: Api, path: str, limit: str):
    sep = "&" if "?" in path else "?"
    assert error_of(api.get(f"{path}{sep}limit={limit}")) == (400, "Invalid limit")


@pytest.mark.parametrize("offset", ["-1", "abc"])
def test_bad_offset(api: Api, offset: str):
    assert error_of(api.get(f"/v1/me/tracks?offset={offset}")) == (400, "Invalid offset")


@pytest.mark.parametrize("kind", ["artists", "albums", "tracks", "playlists"])
@pytest.mark.parametrize("bad_id", ["short", "x" * 23, "abc!defghijklmnopqrstu"])
def test_a_malformed_id_is_an_invalid_id(api: Api, kind: str, bad_id: str):
    assert error_of(api.get(f"/v1/{kind}/{bad_id}")) == (400, "invalid id")


@pytest.mark.parametrize("kind", ["artists", "albums", "tracks", "playlists"])
def test_an_unknown_id_is_a_non_existing_id(api: Api, kind: str):
    assert error_of(api.get(f"/v1/{kind}/0123456789abcdefABCDEF")) == (404, "non existing id")


@pytest.mark.parametrize("path", [
    "/v1/artists/{id}/albums", "/v1/albums/{id}/tracks", "/v1/playlists/{id}/items",
    "/v1/playlists/{id}/images",
])
def test_sub_resources_use_the_same_words(api: Api, path: str):
    assert error_of(api.get(path.format(id="not-an-id"))) == (400, "invalid id")
    assert error_of(api.get(path.format(id="0123456789abcdefABCDEF"))) == (404, "non existing id")


def test_a_malformed_cursor_is_an_invalid_id(api: Api):
    answer = api.get("/v1/me/following", params={"type": "artist", "after": "nope"})
    assert error_of(answer) == (400, "invalid id")


def own_playlist(api: Api) -> str:
    return api.server.app.state.user_playlists(USER_TYPICAL)[0]["id"]


@pytest.mark.parametrize("body", ["{not json", "", "[1, 2", "\xff"])
def test_bad_json_body(api: Api, body: str):
    answer = api.post(f"/v1/playlists/{own_playlist(api)}/items", data=body.encode("latin-1"),
                      headers={"Content-Type": "application/json"})
    assert error_of(answer) == (400, "Error parsing JSON.")
    answer = api.post("/v1/me/playlists", data=body.encode("latin-1"),
                      headers={"Content-Type": "application/json"})
    assert error_of(answer) == (400, "Error parsing JSON.")


@pytest.mark.parametrize("body", [{"public": True}, {"name": ""}, {"name": 5},
                                  {"name": "x", "public": "yes"}, ["name"]])
def test_create_playlist_validates_its_body(api: Api, body: object):
    assert api.post("/v1/me/playlists", json=body).status_code == 400


@pytest.mark.parametrize(("params", "message"), [
    ({"type": "track"}, "No search query"),
    ({"q": "a"}, "Missing parameter type"),
    ({"q": "a", "type": "song"}, "Bad search type field song"),
    ({"q": "year:19x9", "type": "track"}, "Invalid year filter"),
    ({"q": "a", "type": "track", "offset": "1001"},
     "Invalid offset: offset + limit must not exceed 1000"),
])
def test_bad_search_parameters(api: Api, params: dict, message: str):
    assert error_of(api.get("/v1/search", params=params)) == (400, message)


def test_bad_time_range_and_include_groups(api: Api):
    assert error_of(api.get("/v1/me/top/artists?time_range=forever")) == (
        400, "Invalid time range")
    artist = api.server.app.catalogue.main_artists()[0].id
    answer = api.get(f"/v1/artists/{artist}/albums?include_groups=album,bootleg")
    assert error_of(answer)[0] == 400


def test_following_needs_type_artist(api: Api):
    assert error_of(api.get("/v1/me/following"))[0] == 400
    assert error_of(api.get("/v1/me/following?type=user"))[0] == 400
    assert error_of(api.get("/v1/me/following?type=artist&after=bad"))[0] == 400


@pytest.mark.parametrize("uris", ["", "spotify:track:short", "notauri",
                                  "spotify:widget:0123456789abcdefABCDEF",
                                  ",".join(["spotify:track:0123456789abcdefABCDEF"] * 41)])
def test_library_rejects_bad_uris(api: Api, uris: str):
    assert api.put("/v1/me/library", params={"uris": uris}).status_code == 400


def test_unknown_endpoint_and_wrong_method(api: Api):
    assert error_of(api.get("/v1/me/nothing-here")) == (404, "Service not found")
    assert error_of(api.delete("/v1/me")) == (405, "Method not allowed")
    assert api.get("/nothing").status_code == 404


def test_no_unexpected_errors_were_recorded(api: Api):
    for path in ("/v1/search?q=%00%ff&type=track", "/v1/search?q=artist:&type=artist",
                 "/v1/search?q=%22unterminated&type=album", "/v1/me/tracks?limit=",
                 "/v1/playlists/%2e%2e/items"):
        assert api.get(path).status_code < 500, path
    assert api.server.app.errors == []
