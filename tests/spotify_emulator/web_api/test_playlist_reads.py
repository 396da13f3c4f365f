"""Reading playlists as Spotify serves them in 2026: other users' playlists as metadata only
in development mode, the ``fields=`` filter, and the 300-character description limit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from spotify_emulator import USER_ECLECTIC, USER_HEAVY, USER_TYPICAL, EmulatorServer

from ..conftest import Api, LoginFactory, error_of

PROJECT = Path(__file__).resolve().parents[3]
APP_FILTER = ("id,name,uri,external_urls,snapshot_id,description,public,owner(id),"
              "items(total)")


def mayas_public_playlist(emulator: EmulatorServer) -> dict:
    return next(p for p in emulator.app.state.user_playlists(USER_ECLECTIC) if p["public"])


def own_playlist(emulator: EmulatorServer) -> dict:
    return emulator.app.state.user_playlists(USER_TYPICAL)[0]


def app_field_filters() -> list[str]:
    """Every constant ``fields=...`` keyword argument in the app's code (a literal, or a
    module-level string constant named there, such as ``fields=PLAYLIST_FIELDS``)."""
    found = []
    for path in sorted((PROJECT / "playlists").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {target.id: node.value.value for node in tree.body
                     if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                     and isinstance(node.value.value, str)
                     for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.keyword) and node.arg == "fields"):
                continue
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                found.append(node.value.value)
            elif isinstance(node.value, ast.Name) and node.value.id in constants:
                found.append(constants[node.value.id])
    return found


class TestOthersPlaylists:
    def test_development_mode_returns_the_metadata_only(self, api: Api, emulator):
        theirs = mayas_public_playlist(emulator)
        body = api.get(f"/v1/playlists/{theirs['id']}").json()
        assert body["id"] == theirs["id"] and body["name"] == theirs["name"]
        assert body["owner"]["id"] == USER_ECLECTIC and body["snapshot_id"]
        assert "items" not in body and "tracks" not in body

    def test_their_items_are_forbidden_in_development_mode(self, api: Api, emulator):
        theirs = mayas_public_playlist(emulator)
        assert error_of(api.get(f"/v1/playlists/{theirs['id']}/items"))[0] == 403

    def test_the_owner_still_gets_the_items(self, login: LoginFactory, emulator):
        theirs = mayas_public_playlist(emulator)
        body = login(USER_ECLECTIC).get(f"/v1/playlists/{theirs['id']}").json()
        assert [r["item"]["uri"] for r in body["items"]["items"]] == theirs["items"]

    def test_collaborators_get_the_items(self, login: LoginFactory, emulator):
        maya = login(USER_ECLECTIC)
        shared = maya.post("/v1/me/playlists", json={
            "name": "Shared", "public": False, "collaborative": True}).json()
        track = next(iter(emulator.app.catalogue.tracks))
        maya.post(f"/v1/playlists/{shared['id']}/items", json={"uris": [f"spotify:track:{track}"]})
        body = login(USER_TYPICAL).get(f"/v1/playlists/{shared['id']}").json()
        assert body["items"]["total"] == 1

    def test_extended_mode_returns_the_items(self, api: Api, emulator):
        emulator.app.set_mode("extended")
        theirs = mayas_public_playlist(emulator)
        body = api.get(f"/v1/playlists/{theirs['id']}").json()
        assert body["items"]["total"] == len(theirs["items"])
        page = api.get(f"/v1/playlists/{theirs['id']}/items", params={"limit": "50"}).json()
        assert [r["item"]["uri"] for r in page["items"]] == theirs["items"]

    def test_private_playlists_of_others_do_not_exist(self, api: Api, emulator):
        private = next(p for p in emulator.app.state.user_playlists(USER_HEAVY)
                       if not p["public"])
        assert error_of(api.get(f"/v1/playlists/{private['id']}")) == (404, "non existing id")


class TestFieldsFilter:
    def test_the_apps_filter_keeps_exactly_what_it_names(self, api: Api, emulator):
        own = own_playlist(emulator)
        body = api.get(f"/v1/playlists/{own['id']}", params={"fields": APP_FILTER}).json()
        assert set(body) == {"id", "name", "uri", "external_urls", "snapshot_id",
                             "description", "public", "owner", "items"}
        assert body["owner"] == {"id": USER_TYPICAL}
        assert body["items"] == {"total": len(own["items"])}

    def test_every_filter_the_app_sends_is_honoured(self, api: Api, emulator):
        filters = app_field_filters()
        assert APP_FILTER in filters  # the scan finds the app's filter (or the app changed)
        own = own_playlist(emulator)
        for fields in filters:
            answer = api.get(f"/v1/playlists/{own['id']}", params={"fields": fields})
            assert answer.status_code == 200, (fields, answer.text)
            named = {part.split("(")[0].split(".")[0].lstrip("!")
                     for part in _top_level(fields)}
            assert set(answer.json()) <= named, fields

    @pytest.mark.parametrize(("fields", "expected"), [
        ("name", {"name": "N"}),
        ("owner.id,name", {"owner": {"id": USER_TYPICAL}, "name": "N"}),
        ("items.total", {"items": {"total": 2}}),
        ("items(total,limit)", {"items": {"total": 2, "limit": 100}}),
        ("items.items(item(name))", {"items": {"items": [{"item": {"name": "T0"}},
                                                         {"item": {"name": "T1"}}]}}),
        ("items.items(item.album(!images,!artists,!external_urls,!href,!release_date,"
         "!release_date_precision,!total_tracks,!type,!uri,!album_type,!id))",
         {"items": {"items": [{"item": {"album": {"name": "A0"}}},
                              {"item": {"album": {"name": "A1"}}}]}}),
    ])
    def test_the_documented_forms(self, api: Api, emulator, fields: str, expected: dict):
        cat = emulator.app.catalogue
        picked = list(cat.tracks.values())[:2]
        pid = api.post("/v1/me/playlists", json={"name": "N"}).json()["id"]
        api.post(f"/v1/playlists/{pid}/items",
                 json={"uris": [f"spotify:track:{t.id}" for t in picked]})
        names = {f"T{i}": t.name for i, t in enumerate(picked)}
        names |= {f"A{i}": cat.albums[t.album_id].name for i, t in enumerate(picked)}
        body = api.get(f"/v1/playlists/{pid}", params={"fields": fields}).json()
        assert body == _substitute(expected, names)

    def test_the_items_endpoint_takes_it_too(self, api: Api, emulator):
        own = own_playlist(emulator)
        page = api.get(f"/v1/playlists/{own['id']}/items",
                       params={"fields": "total,items(item(uri))", "limit": "50"}).json()
        assert page == {"total": len(own["items"]),
                        "items": [{"item": {"uri": u}} for u in own["items"]]}

    @pytest.mark.parametrize("fields", ["name(", "name)", "owner(id", ",", "a..b", "(id)",
                                        "name,", "na-me", "!"])
    def test_a_malformed_filter_is_a_400(self, api: Api, emulator, fields: str):
        status, message = error_of(api.get(f"/v1/playlists/{own_playlist(emulator)['id']}",
                                           params={"fields": fields}))
        assert status == 400 and message.startswith("Invalid fields")


class TestDescriptionLimit:
    def test_300_characters_are_fine(self, api: Api):
        answer = api.post("/v1/me/playlists", json={"name": "x", "description": "d" * 300})
        assert answer.status_code == 201
        assert answer.json()["description"] == "d" * 300

    def test_301_are_refused_on_create(self, api: Api, emulator):
        before = len(emulator.app.state.user_playlists(USER_TYPICAL))
        answer = api.post("/v1/me/playlists", json={"name": "x", "description": "d" * 301})
        assert error_of(answer)[0] == 400
        assert "300" in error_of(answer)[1]
        assert len(emulator.app.state.user_playlists(USER_TYPICAL)) == before

    def test_301_are_refused_on_change(self, api: Api, emulator):
        own = own_playlist(emulator)
        answer = api.put(f"/v1/playlists/{own['id']}", json={"description": "é" * 301})
        assert error_of(answer)[0] == 400
        assert own_playlist(emulator)["description"] == own["description"]


def _top_level(fields: str) -> list[str]:
    """``fields`` split at the commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(fields):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(fields[start:i])
            start = i + 1
    return [*parts, fields[start:]]


def _substitute(value: object, names: dict[str, str]) -> object:
    if isinstance(value, dict):
        return {k: _substitute(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, names) for v in value]
    return names.get(value, value) if isinstance(value, str) else value
