"""Catalogue files: export the synthetic world, serve it back, refuse broken files clearly."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from werkzeug.test import Client

from spotify_emulator import ALL_SCOPES, DEMO_USERS, EmulatorConfig, create_app
from spotify_emulator.catalogue import catalogue_file as cf
from spotify_emulator.catalogue.generation import build_catalogue
from spotify_emulator.catalogue.users import TIME_RANGES

TODAY = dt.date(2026, 11, 20)
PROJECT_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catalogue") / "synthetic.json"
    with open(path, "w", encoding="utf-8") as out:
        cf.write_catalogue(cf.catalogue_document(build_catalogue(42, TODAY)), out)
    return path


def _answers(config: EmulatorConfig, mode: str) -> dict[str, object]:
    """What every user sees on the read endpoints (and what search and look-ups say)."""
    app = create_app(config)
    app.set_mode(mode)
    client = Client(app)
    answers: dict[str, object] = {}
    cat = app.catalogue
    artist = next(a for a in cat.main_artists() if len(cat.discography[a.id]) > 5)
    album_id = cat.discography[artist.id][0][0]
    track_id = cat.albums[album_id].track_ids[0]
    common = [f"/v1/artists/{artist.id}", f"/v1/artists/{artist.id}/albums?limit=10",
              f"/v1/albums/{album_id}", f"/v1/albums/{album_id}/tracks", f"/v1/tracks/{track_id}",
              f'/v1/search?q=artist:"{artist.name}"&type=track&limit=10',
              "/v1/search?q=gravity&type=track,artist,album&limit=10&offset=5",
              "/v1/search?q=tag:new&type=album"]
    for user in app.state.users.values():
        if user.id not in app.state.default_allow_list:
            continue
        token = app.issue_token(user.id, ALL_SCOPES)["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        paths = ["/v1/me", "/v1/me/following?type=artist&limit=50", "/v1/me/tracks?limit=50",
                 "/v1/me/playlists?limit=50"]
        paths += [f"/v1/me/top/{kind}?time_range={r}&limit=50"
                  for kind in ("artists", "tracks") for r in TIME_RANGES]
        for pid in app.state.libraries[user.id].playlists[:3]:
            paths.append(f"/v1/playlists/{pid}")
        for path in paths + (common if user.id == DEMO_USERS[0].id else []):
            answer = client.get(path, headers=headers)
            body = answer.get_json()
            body = re.sub(r"[?&]?access_token=[^&\"]+", "", json.dumps(body, sort_keys=True))
            answers[f"{user.id} {path}"] = (answer.status_code, body)
    return answers


@pytest.mark.parametrize("mode", ["development", "extended"])
def test_an_exported_catalogue_serves_the_same_answers(exported: Path, mode: str):
    generated = _answers(EmulatorConfig(seed=42, catalogue_date=TODAY), mode)
    served = _answers(EmulatorConfig(catalogue_file=exported), mode)
    assert generated.keys() == served.keys()
    assert len(generated) > 60
    different = [k for k in generated if generated[k] != served[k]]
    assert different == []
    assert all(status == 200 for status, _ in generated.values())


def test_the_file_holds_what_the_format_documents(exported: Path):
    doc = json.loads(exported.read_text(encoding="utf-8"))
    assert doc["format"] == cf.FORMAT_NAME and doc["version"] == cf.FORMAT_VERSION
    album = next(a for a in doc["albums"] if a["edition"] == "deluxe")
    track = album["tracks"][0]
    user = next(u for u in doc["users"] if u["id"] == DEMO_USERS[0].id)
    documented = cf.__doc__ or ""
    for key in [*doc, *doc["artists"][0], *album, *track, *user, *user["saved_tracks"][0],
                *user["playlists"][0], *user["followed_playlists"][0]]:
        assert f'"{key}"' in documented, key
    for field in ("isrc", "disc_number", "track_number", "duration_ms", "explicit", "artist_ids",
                  "popularity"):
        assert field in track
    assert set(user["top_artists"]) == set(TIME_RANGES) and user["followed_artists"]
    assert {a["album_type"] for a in doc["albums"]} == {"album", "single", "compilation"}


def _broken(doc: dict, change) -> str:
    bad = json.loads(json.dumps(doc))
    change(bad)
    with pytest.raises(cf.CatalogueFileError) as err:
        cf.catalogue_from_document(bad)
    return str(err.value)


def test_broken_files_are_refused_saying_where(exported: Path):
    doc = json.loads(exported.read_text(encoding="utf-8"))

    def bad_isrc(d: dict) -> None:
        d["albums"][3]["tracks"][1]["isrc"] = "nope"

    def unknown_artist(d: dict) -> None:
        d["albums"][0]["tracks"][0]["artist_ids"] = ["0" * 22]

    def bad_date(d: dict) -> None:
        d["albums"][2]["release_date"] = "12/05/2020"

    def too_many_allowed(d: dict) -> None:
        for u in d["users"]:
            u["allow_listed"] = True

    def unknown_saved_track(d: dict) -> None:
        d["users"][0]["saved_tracks"][0]["track_id"] = "1" * 22

    assert "albums[3].tracks[1]" in _broken(doc, bad_isrc)
    assert "not in \"artists\"" in _broken(doc, unknown_artist)
    assert "albums[2]" in _broken(doc, bad_date) and "YYYY" in _broken(doc, bad_date)
    assert "at most 5" in _broken(doc, too_many_allowed)
    assert "saved_tracks" in _broken(doc, unknown_saved_track)
    with pytest.raises(cf.CatalogueFileError, match="not a catalogue file"):
        cf.catalogue_from_document({"artists": []})


def test_serving_a_missing_or_broken_file_is_a_clear_error(tmp_path: Path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    for path in (tmp_path / "missing.json", broken):
        run = subprocess.run([sys.executable, "-m", "spotify_emulator", "--catalogue", str(path),
                              "--port", "0"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 2
        assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr


def test_export_then_serve_from_the_command_line(tmp_path: Path):
    """``export --seed N > FILE`` then ``--catalogue FILE --port P``: the same answers as
    an emulator generating that seed itself."""
    path = tmp_path / "seed7.json"
    with open(path, "w", encoding="utf-8") as out:
        subprocess.run([sys.executable, "-m", "spotify_emulator", "export", "--seed", "7",
                        "--today", TODAY.isoformat()], cwd=PROJECT_ROOT, stdout=out, check=True,
                       timeout=120)
    process = subprocess.Popen(
        [sys.executable, "-m", "spotify_emulator", "--catalogue", str(path), "--port", "0",
         "--search-noise", "3"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        process.stdout.readline()
        base = process.stdout.readline().split()[-1]
        token = requests.post(f"{base}/_control/token", json={"user_id": DEMO_USERS[0].id,
                                                              "scopes": list(ALL_SCOPES)},
                              timeout=10).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        local = create_app(EmulatorConfig(seed=7, catalogue_date=TODAY, search_noise=3))
        local_token = local.issue_token(DEMO_USERS[0].id, ALL_SCOPES)["access_token"]
        client = Client(local)
        for path_qs in ("/v1/me/top/artists?limit=20", "/v1/me/tracks?limit=20",
                        "/v1/search?q=moon&type=track&limit=10"):
            served = requests.get(f"{base}{path_qs}", headers=headers, timeout=10).json()
            mine = client.get(path_qs, headers={"Authorization": f"Bearer {local_token}"})
            assert _without_host(served, base) == _without_host(mine.get_json(), "http://localhost")
    finally:
        process.terminate()
        process.wait(timeout=10)


def _without_host(body: object, base: str) -> str:
    return json.dumps(body, sort_keys=True).replace(base, "")


def test_write_catalogue_is_valid_json_with_one_item_per_line():
    cat = build_catalogue(42, TODAY)
    out = io.StringIO()
    cf.write_catalogue(cf.catalogue_document(cat), out)
    text = out.getvalue()
    assert json.loads(text)["seed"] == 42
    assert text.count("\n") >= len(cat.artists) + len(cat.albums)
