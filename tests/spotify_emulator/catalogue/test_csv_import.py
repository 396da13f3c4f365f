"""import-csv: a crawl in the real-catalogue-sample CSV format becomes a servable catalogue.

The fixture crawl (tests/spotify_emulator/fixtures/crawl) is hand-made: three artists in
three scripts, a standard/deluxe/live family, a commentary edition, a clean twin, a credited
artist missing from the artist file, an album by an unlisted artist, an orphan track and
dates of every precision.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.test import Client

from spotify_emulator import ALL_SCOPES, EmulatorConfig, create_app
from spotify_emulator.catalogue.catalogue_file import catalogue_from_document
from spotify_emulator.catalogue.csv_import import CsvImportError, import_csv_directory

CRAWL = Path(__file__).parent.parent / "fixtures" / "crawl"
PROJECT_ROOT = Path(__file__).resolve().parents[3]
TOP = ["Nadia Quell", "Пётр Волков", "東京 Lanterns"]


@pytest.fixture(scope="module")
def imported_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("imported") / "crawl.json"
    with open(path, "w", encoding="utf-8") as out:
        subprocess.run([sys.executable, "-m", "spotify_emulator", "import-csv", str(CRAWL),
                        "--user-top-artists", ", ".join(TOP)], cwd=PROJECT_ROOT, stdout=out,
                       check=True, timeout=120)
    return path


@pytest.fixture(scope="module")
def doc(imported_file: Path) -> dict:
    return json.loads(imported_file.read_text(encoding="utf-8"))


def tracks_named(doc: dict, name: str) -> list[tuple[dict, dict]]:
    return [(a, t) for a in doc["albums"] for t in a["tracks"] if t["name"] == name]


def test_the_file_loads_with_every_album_that_has_tracks(doc: dict):
    loaded = catalogue_from_document(doc)
    cat = loaded.catalogue
    assert len(cat.albums) == 8 and len(cat.tracks) == 21  # the orphan track is left out
    assert {a.release_date_precision for a in cat.albums.values()} == {"year", "month", "day"}
    assert cat.albums["1aAaAaAaAaAaAaAaAaAaA2"].edition == "deluxe"
    assert cat.albums["1aAaAaAaAaAaAaAaAaAaA2"].edition_of == "1aAaAaAaAaAaAaAaAaAaA1"
    assert cat.albums["1aAaAaAaAaAaAaAaAaAaA3"].edition == "live"
    assert cat.albums["1bBbBbBbBbBbBbBbBbBbB2"].edition == "commentary"


def test_artists_missing_from_the_artist_file_are_credited_with_a_placeholder(doc: dict):
    artists = {a["id"]: a for a in doc["artists"]}
    assert artists["0aAaAaAaAaAaAaAaAaAaA1"]["genres"] == ["art pop", "indie pop"]
    assert artists["0cCcCcCcCcCcCcCcCcCcC3"]["followers"] == 0  # empty in the CSV
    ((_, salt),) = tracks_named(doc, "Salt (feat. Guest Singer)")
    assert salt["artist_ids"][0] == "0aAaAaAaAaAaAaAaAaAaA1"
    guest = artists[salt["artist_ids"][1]]
    assert guest["name"].startswith("Unlisted artist") and guest["popularity"] == 0
    split_tape = next(a for a in doc["albums"] if a["name"] == "Split Tape")
    assert artists[split_tape["artist_ids"][0]]["name"].startswith("Unlisted artist")


def test_titles_shared_across_editions_share_an_isrc_other_recordings_do_not(doc: dict):
    northbound = {a["name"]: t for a, t in tracks_named(doc, "Northbound")}
    standard, deluxe = northbound["Glass Weather"], northbound["Glass Weather (Deluxe Edition)"]
    live = northbound["Live at the Marble Hall"]
    assert standard["isrc"] == deluxe["isrc"] and deluxe["version"] == "deluxe"
    assert live["isrc"] != standard["isrc"] and live["version"] == "live"
    ((_, demo),) = tracks_named(doc, "Northbound - Demo")
    assert demo["version"] == "demo" and demo["isrc"] != standard["isrc"]
    tigers = {a["name"]: t for a, t in tracks_named(doc, "Paper Tigers")}
    explicit, clean = tigers["Glass Weather"], tigers["Glass Weather (Deluxe Edition)"]
    assert explicit["explicit"] and not clean["explicit"]
    assert clean["isrc"] != explicit["isrc"] and clean["version"] == "clean"
    ((_, remix),) = tracks_named(doc, "Static Bloom - Remix")
    assert remix["version"] == "remix"
    commentary = [t for a, t in tracks_named(doc, "夜の電車 - Commentary")]
    assert commentary[0]["version"] == "commentary"
    isrcs = [t["isrc"] for a in doc["albums"] for t in a["tracks"]]
    assert all(len(i) == 12 and i[:2].isalpha() and i[5:].isdigit() for i in isrcs)


def test_durations_are_plausible_and_fixed_per_recording(doc: dict):
    tracks = [t for a in doc["albums"] for t in a["tracks"]]
    assert all(30_000 <= t["duration_ms"] <= 480_000 for t in tracks)
    northbound = [t for _, t in tracks_named(doc, "Northbound")]
    by_isrc: dict[str, set[int]] = {}
    for t in northbound:
        by_isrc.setdefault(t["isrc"], set()).add(t["duration_ms"])
    assert all(len(d) == 1 for d in by_isrc.values())
    ((_, intro),) = tracks_named(doc, "Intro")
    ((_, commentary),) = tracks_named(doc, "青い光 - Commentary")
    assert intro["duration_ms"] < 150_000 and commentary["duration_ms"] < 200_000
    assert len({t["duration_ms"] for t in tracks}) > len(tracks) // 2


def test_the_same_crawl_gives_the_same_file(doc: dict):
    again = import_csv_directory(CRAWL, TOP)
    assert json.loads(json.dumps(again)) == doc


def test_the_user_has_the_named_artists_on_top_and_is_served(imported_file: Path):
    app = create_app(EmulatorConfig(catalogue_file=imported_file))
    assert list(app.state.users) == ["listener"]
    token = app.issue_token("listener", ALL_SCOPES)["access_token"]
    client = Client(app)
    headers = {"Authorization": f"Bearer {token}"}
    top = client.get("/v1/me/top/artists?time_range=long_term", headers=headers).get_json()
    assert [a["name"] for a in top["items"]] == TOP
    tracks = client.get("/v1/me/top/tracks", headers=headers).get_json()["items"]
    assert tracks and tracks[0]["name"] == "Northbound"
    assert client.get("/v1/me/tracks", headers=headers).get_json()["total"] > 0
    for name, title in (("Пётр Волков", "Зима"), ("東京 Lanterns", "夜の電車")):
        found = client.get("/v1/search", query_string={"q": f'artist:"{name}"', "type": "track"},
                           headers=headers).get_json()["tracks"]["items"]
        assert title in [t["name"] for t in found]


def test_an_unknown_top_artist_or_a_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CsvImportError, match="no artist named 'Nobody'"):
        import_csv_directory(CRAWL, ["Nadia Quell", "Nobody"])
    for name in ("final_data_album.csv", "final_data_track.csv"):
        (tmp_path / name).write_bytes((CRAWL / name).read_bytes())
    with pytest.raises(CsvImportError, match=r"final_data_artist\.csv not found"):
        import_csv_directory(tmp_path, ["Nadia Quell"])
    (tmp_path / "final_data_artist.csv").write_text("artist_id,artist_name\nx,y\n",
                                                    encoding="utf-8")
    with pytest.raises(CsvImportError, match="missing column"):
        import_csv_directory(tmp_path, ["y"])
    run = subprocess.run([sys.executable, "-m", "spotify_emulator", "import-csv", str(CRAWL),
                          "--user-top-artists", "Nobody"], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("error: no artist named") and "Traceback" not in run.stderr


def test_a_bad_date_names_its_line(tmp_path: Path):
    for name in ("final_data_artist.csv", "final_data_track.csv"):
        (tmp_path / name).write_bytes((CRAWL / name).read_bytes())
    albums = (CRAWL / "final_data_album.csv").read_text(encoding="utf-8")
    (tmp_path / "final_data_album.csv").write_text(albums.replace("2018,", "18/2/2018,"),
                                                   encoding="utf-8")
    with pytest.raises(CsvImportError, match=r"final_data_album.csv line 4: album_release_date"):
        import_csv_directory(tmp_path, ["Nadia Quell"])
