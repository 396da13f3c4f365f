"""Every endpoint's JSON, in both modes and for its error answers, matches openapi.yml."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import pytest

from spotify_emulator import (
    ALL_SCOPES,
    USER_ECLECTIC,
    USER_FEW_TOP_ARTISTS,
    USER_NOT_ALLOWLISTED,
    USER_TYPICAL,
    EmulatorServer,
)

from ..conftest import Api, LoginFactory, SpecFor

TINY_JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9").decode()


@dataclass(frozen=True)
class Case:
    """One request; ``{artist}``-style placeholders are filled from the live catalogue."""

    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    data: str | None = None
    user: str = USER_TYPICAL
    scopes: tuple[str, ...] = ALL_SCOPES
    # expected status per mode: (development, extended)
    status: tuple[int, int] = (200, 200)
    token: str = "valid"  # "valid" | "none" | "expired" | "garbage"

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.params or ''} [{self.user}]".strip()


EXT_ONLY = (403, 200)
PL = "/v1/playlists/{playlist}"

CASES: list[Case] = [
    Case("GET", "/v1/me"),
    Case("GET", "/v1/me", scopes=()),
    Case("GET", "/v1/me/top/artists", {"time_range": "short_term", "limit": "50"}),
    Case("GET", "/v1/me/top/tracks", {"time_range": "long_term", "limit": "50"}),
    Case("GET", "/v1/me/top/artists", user="jordan"),
    Case("GET", "/v1/me/following", {"type": "artist", "limit": "50"}),
    Case("GET", "/v1/me/following", {"type": "artist"}, user=USER_FEW_TOP_ARTISTS),
    Case("GET", "/v1/me/tracks", {"limit": "50"}),
    Case("GET", "/v1/me/playlists", {"limit": "50"}),
    Case("POST", "/v1/me/playlists", json={"name": "Mood: rainy", "public": False},
         status=(201, 201)),
    Case("PUT", "/v1/me/library", {"uris": "spotify:track:{track},spotify:artist:{artist}"}),
    Case("DELETE", "/v1/me/library", {"uris": "spotify:track:{track}"}),
    Case("GET", "/v1/me/library/contains", {"uris": "spotify:track:{track}"}),
    Case("GET", "/v1/artists/{artist}"),
    Case("GET", "/v1/artists/{artist}/albums",
         {"include_groups": "album,single,appears_on,compilation", "limit": "10"}),
    Case("GET", "/v1/albums/{album}"),
    Case("GET", "/v1/albums/{album}/tracks", {"limit": "50"}),
    Case("GET", "/v1/tracks/{track}"),
    Case("GET", "/v1/search", {"q": "gravity", "type": "track,artist,album", "limit": "10"}),
    Case("GET", "/v1/search", {"q": "tag:new", "type": "album"}),
    Case("GET", "/v1/search", {"q": "x", "type": "playlist,show,episode,audiobook"}),
    Case("GET", "/v1/search", {"q": "mixtape", "type": "playlist", "limit": "10"}),
    Case("GET", PL),
    Case("GET", "/v1/playlists/{others_playlist}"),  # metadata only in development mode
    Case("PUT", PL, json={"name": "Renamed", "description": "New words"}),
    Case("GET", PL + "/items", {"limit": "50"}),
    Case("POST", PL + "/items", json={"uris": ["spotify:track:{track}"], "position": 0},
         status=(201, 201)),
    Case("PUT", PL + "/items", json={"uris": ["spotify:track:{track}"]}),
    Case("PUT", PL + "/items", json={"range_start": 0, "insert_before": 3, "range_length": 2}),
    Case("DELETE", PL + "/items", json={"items": [{"uri": "spotify:track:{track}"}]}),
    Case("GET", PL + "/images"),
    Case("PUT", PL + "/images", data=TINY_JPEG, status=(202, 202)),
    # Removed for Development Mode in February 2026, still served in Extended Quota Mode.
    Case("GET", "/v1/artists/{artist}/top-tracks", {"market": "GB"}, status=EXT_ONLY),
    Case("GET", "/v1/tracks", {"ids": "{track},{track2}"}, status=EXT_ONLY),
    Case("GET", "/v1/albums", {"ids": "{album}"}, status=EXT_ONLY),
    Case("GET", "/v1/artists", {"ids": "{artist},{artist2}"}, status=EXT_ONLY),
    Case("GET", PL + "/tracks", status=EXT_ONLY),
    Case("POST", PL + "/tracks", json={"uris": ["spotify:track:{track}"]}, status=(403, 201)),
    Case("PUT", PL + "/tracks", json={"uris": ["spotify:track:{track}"]}, status=EXT_ONLY),
    Case("DELETE", PL + "/tracks", json={"tracks": [{"uri": "spotify:track:{track}"}]},
         status=EXT_ONLY),
    Case("POST", "/v1/users/alex/playlists", json={"name": "Old way"}, status=(403, 201)),
    # Error answers carry Spotify's error object.
    Case("GET", "/v1/me", token="none", status=(401, 401)),
    Case("GET", "/v1/me", token="garbage", status=(401, 401)),
    Case("GET", "/v1/me/top/tracks", token="expired", status=(401, 401)),
    Case("GET", "/v1/me/top/artists", scopes=("user-read-private",), status=(403, 403)),
    Case("GET", "/v1/me", user=USER_NOT_ALLOWLISTED, status=(403, 200)),
    Case("GET", "/v1/me/top/artists", {"limit": "0"}, status=(400, 400)),
    Case("GET", "/v1/search", {"q": "gravity", "type": "track", "limit": "11"},
         status=(400, 200)),
    Case("GET", "/v1/artists/not-a-base62-id", status=(400, 400)),
    Case("GET", "/v1/albums/0000000000000000000000", status=(404, 404)),
    Case("POST", PL + "/items", data="{not json", status=(400, 400)),
    Case("GET", "/v1/no/such/endpoint", status=(404, 404)),
]


def fill(text: str, ids: dict[str, str]) -> str:
    for key, value in ids.items():
        text = text.replace("{" + key + "}", value)
    return text


def fill_json(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return fill(value, ids)
    if isinstance(value, list):
        return [fill_json(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill_json(v, ids) for k, v in value.items()}
    return value


def catalogue_ids(server: EmulatorServer) -> dict[str, str]:
    app = server.app
    cat = app.catalogue
    artists = sorted(cat.main_artists(), key=lambda a: -a.popularity)
    hits = cat.top_tracks(artists[0].id, 2)
    deluxe = next(a for a in cat.albums.values() if a.edition == "deluxe")
    own = app.state.user_playlists(USER_TYPICAL)[0]["id"]
    others = next(p["id"] for p in app.state.user_playlists(USER_ECLECTIC) if p["public"])
    return {"artist": artists[0].id, "artist2": artists[1].id, "track": hits[0].id,
            "track2": hits[1].id, "album": deluxe.id, "playlist": own,
            "others_playlist": others}


def send(case: Case, server: EmulatorServer, login: LoginFactory, mode: str) -> Any:
    server.app.set_mode(mode)
    ids = catalogue_ids(server)
    client: Api = login(case.user, case.scopes)
    if case.token == "none":
        client.token = None
    elif case.token == "garbage":
        client.token = "BQ-this-is-not-a-token"
    elif case.token == "expired":
        server.app.clock.advance(3601)
    kwargs: dict[str, Any] = {"params": {k: fill(v, ids) for k, v in case.params.items()}}
    if case.json is not None:
        kwargs["json"] = fill_json(case.json, ids)
    if case.data is not None:
        kwargs["data"] = case.data
        kwargs["headers"] = {"Content-Type": "image/jpeg" if "images" in case.path
                             else "application/json"}
    return client.request(case.method, fill(case.path, ids), **kwargs)


@pytest.mark.parametrize("mode", ["development", "extended"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_response_matches_the_openapi_description(
        case: Case, mode: str, emulator: EmulatorServer, login: LoginFactory,
        spec_for: SpecFor) -> None:
    """Development mode validates with every deprecated field absent (present, it fails)."""
    response = send(case, emulator, login, mode)
    expected = case.status[0 if mode == "development" else 1]
    assert response.status_code == expected, response.text[:500]
    if response.content:
        assert response.headers["Content-Type"].startswith("application/json")
        spec_for(mode).assert_valid(response)
    else:
        assert response.status_code in (200, 202)  # Spotify's empty-bodied successes


def test_every_endpoint_of_the_issue_is_walked() -> None:
    walked = {(c.method, c.path.split("?")[0]) for c in CASES}
    required = {
        ("GET", "/v1/me"), ("GET", "/v1/me/top/artists"), ("GET", "/v1/me/top/tracks"),
        ("GET", "/v1/me/following"), ("GET", "/v1/me/tracks"), ("GET", "/v1/me/playlists"),
        ("POST", "/v1/me/playlists"), ("GET", "/v1/artists/{artist}"),
        ("GET", "/v1/artists/{artist}/albums"), ("GET", "/v1/albums/{album}"),
        ("GET", "/v1/albums/{album}/tracks"), ("GET", "/v1/tracks/{track}"),
        ("GET", "/v1/search"), ("GET", PL), ("PUT", PL), ("GET", PL + "/items"),
        ("POST", PL + "/items"), ("PUT", PL + "/items"), ("DELETE", PL + "/items"),
        ("PUT", PL + "/images"), ("PUT", "/v1/me/library"), ("DELETE", "/v1/me/library"),
        ("GET", "/v1/artists/{artist}/top-tracks"), ("GET", "/v1/tracks"), ("GET", "/v1/albums"),
        ("GET", "/v1/artists"), ("POST", "/v1/users/alex/playlists"),
    }
    assert required <= walked, required - walked


@pytest.mark.parametrize(("path", "deprecated"), [
    ("/v1/me", "country"),
    ("/v1/artists/{artist}", "popularity"),
    ("/v1/tracks/{track}", "preview_url"),
    ("/v1/albums/{album}", "label"),
    ("/v1/artists/{artist}/albums", "album_group"),
    ("/v1/me/playlists", "tracks"),
    (PL + "/items", "track"),
])
def test_the_development_check_refuses_deprecated_fields(
        path: str, deprecated: str, emulator: EmulatorServer, login: LoginFactory,
        spec_for: SpecFor) -> None:
    """An extended-mode answer (deprecated fields present) fails the development check, naming
    the field, and passes the extended one: the check can fail."""
    emulator.app.set_mode("extended")
    response = login().get(fill(path, catalogue_ids(emulator)))
    assert response.status_code == 200
    assert spec_for("extended").errors(response) == []
    problems = "\n".join(spec_for("development").errors(response))
    assert f"'{deprecated}'" in problems, problems


def test_development_answers_carry_no_deprecated_field_names(
        emulator: EmulatorServer, login: LoginFactory) -> None:
    """Belt and braces over the schema check: none of the removed keys, at any depth."""
    removed = {"popularity", "genres", "followers", "available_markets", "linked_from",
               "preview_url", "label", "album_group", "country", "email", "product",
               "explicit_content", "track", "tracks"}
    ids = catalogue_ids(emulator)
    api = login()

    def keys(value: object, inside: str = "") -> set[str]:
        if isinstance(value, dict):
            return {f"{inside}.{k}" for k in value} | {
                x for k, v in value.items() for x in keys(v, f"{inside}.{k}")}
        if isinstance(value, list):
            return {x for v in value for x in keys(v, f"{inside}[]")}
        return set()

    for path in ("/v1/me", "/v1/me/top/artists", "/v1/me/top/tracks",
                 "/v1/me/following?type=artist", "/v1/artists/{artist}",
                 "/v1/artists/{artist}/albums", "/v1/tracks/{track}", "/v1/albums/{album}",
                 "/v1/search?q=a&type=track,artist,album",
                 "/v1/me/playlists", PL, PL + "/items"):
        body = api.get(fill(path, ids)).json()
        found = {k for k in keys(body) if k.rsplit(".", 1)[-1] in removed}
        if path.startswith(("/v1/search", "/v1/albums/")):
            found.discard(".tracks")  # the search page and the album's tracks: not deprecated
        if path == PL:
            found.discard(".followers")  # a playlist's followers are not deprecated
        assert not found, (path, sorted(found)[:10])
