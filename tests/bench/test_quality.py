"""``python -m bench.quality`` end to end on small settings: the app's service path against the
emulator, the table and the last line."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from bench import quality

LAST_LINE = re.compile(r"^top picks \d+\.\d · deep cuts \d+\.\d$")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert quality.main(list(args)) == 0
    return capsys.readouterr().out.strip().splitlines()


def test_synthetic_catalogue_table_references_and_last_line(capsys) -> None:
    lines = run(capsys, "--search-noise", "0", "10", "--artists", "4", "--tracks", "12",
                "--seeds", "1", "--draws", "1")
    rows = [line for line in lines if re.match(r"^\| \d", line)]
    assert [row.split("|")[1].strip() for row in rows] == ["0", "10"]
    for row in rows:
        top, deep, random_deep, best_top, best_deep = (
            float(cell) for cell in row.split("|")[2:7]
        )
        assert best_deep <= deep <= random_deep + 15 and top <= best_top
    assert LAST_LINE.match(lines[-1])


def _crawl(directory: Path) -> Path:
    """A tiny crawl in the real sample's CSV format, with names in several scripts."""
    artists = [("A" * 21 + str(i), name) for i, name in enumerate(("Ёлка", "夜の街", "Saoirse"))]
    with open(directory / "final_data_artist.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["artist_id", "artist_name", "artist_genre", "artist_popularity",
                    "artist_followers", "artist_image", "artist_homepage"])
        for aid, name in artists:
            w.writerow([aid, name, "[]", 50, 1000, "", ""])
    albums, tracks = [], []
    for a, (aid, _) in enumerate(artists):
        for b in range(2):
            album_id = f"B{a}{b}".ljust(22, "b")
            albums.append([album_id, f"Record {b}", f"{2010 + b}-01-01", 10, aid, "", ""])
            for n in range(1, 11):
                pop = 80 - 10 * b - 3 * n
                tracks.append([f"T{a}{b}{n:02d}".ljust(22, "t"), f"Song {a}-{b}-{n}", aid,
                               album_id, n, pop, "False", ""])
    with open(directory / "final_data_album.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["album_id", "album_name", "album_release_date", "album_total_tracks",
                    "album_artist_id", "album_image", "album_homepage"])
        w.writerows(albums)
    with open(directory / "final_data_track.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["track_id", "track_name", "track_artist_id", "track_album_id",
                    "track_number", "track_popularity", "track_explicit", "track_homepage"])
        w.writerows(tracks)
    return directory


def test_a_crawl_in_the_real_sample_format(capsys, tmp_path: Path) -> None:
    lines = run(capsys, "--real-sample", str(_crawl(tmp_path)), "--search-noise", "5",
                "--artists", "3", "--tracks", "12", "--seeds", "1", "2", "--draws", "1")
    assert LAST_LINE.match(lines[-1])
    top, deep = (float(x) for x in re.findall(r"\d+\.\d", lines[-1]))
    assert top >= 80 and deep <= 30  # a clean catalogue: search order nearly tells it all


def test_bad_input_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="not a directory"):
        quality.main(["--real-sample", str(tmp_path / "missing")])
    with pytest.raises(SystemExit, match="artist"):
        quality.main(["--artists", "60"])


FAN_LINE = re.compile(
    r"^skit-like (\d+\.\d) % · top-fifth songs (\d+\.\d) % · distinct per deep slot "
    r"(\d+\.\d\d) · lowest top picks (\d+\.\d) · requests (\d+\.\d\d)× the smallest$"
)


def test_what_a_fan_notices_on_the_synthetic_catalogue(capsys) -> None:
    """Issue 23's figures, held with a margin for the fewer previews run here (the full bench:
    skit-like 0.0 %, top-fifth songs 2.4 %, 1.79 distinct per deep slot, 1.22× the smallest,
    deep cuts 23.7): no skits or intros as deep cuts, hardly a known song in another version,
    shuffles that change the deep cuts, deep cuts deep, requests near the smallest plan.

    Top-fifth songs here are 6.5 %: at sd 15 one hit that the search's noise places 64th of
    68 is the artist's deepest measured song in all five shuffles — not a version (those are
    held by tests/playlists/services), and no sign in search order tells it from a deep cut."""
    lines = run(capsys, "--search-noise", "0", "15", "--artists", "20", "--tracks", "50",
                "--seeds", "1", "2", "3", "4", "5", "--draws", "1")
    fan = next(m for line in lines if (m := FAN_LINE.match(line)))
    skit, known, distinct, _, ratio = (float(x) for x in fan.groups())
    deep = float(re.findall(r"\d+\.\d", lines[-1])[1])
    assert skit <= 2.0 and known <= 8.0
    assert distinct >= 1.4 and deep <= 30.0 and ratio <= 1.5
    fresh = next(line for line in lines if line.startswith("Fresh across playlists"))
    assert re.search(r": [1-4]\.\d reads of earlier MoodyStream playlists .*; 0\.0 % of its "
                     "deep cuts already in the saved one$", fresh)
