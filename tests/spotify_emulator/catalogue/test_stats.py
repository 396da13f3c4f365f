"""The synthetic catalogue measures like a real crawl (issue 11's table), and ``stats`` says so.

Real figures (a crawl of ~300 artists): album share of popularity variance ≈ 0.50, release
date correlation 0.25, newest / oldest album percentile 63 / 44, 9.9 distinct songs and 5 %
non-originals on the first artist search page, version percentiles demo 43 > live 42 >
remix 36 > compilation copy 32 > instrumental 28 > commentary 13, deluxe bonus tracks 48
vs studio tracks 54.
"""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import pytest

from spotify_emulator.catalogue.catalogue_file import catalogue_from_document
from spotify_emulator.catalogue.csv_import import import_csv_directory
from spotify_emulator.catalogue.generation import build_catalogue
from spotify_emulator.catalogue.stats import catalogue_stats
from spotify_emulator.config import DEFAULT_SEARCH_NOISE

TODAY = dt.date(2026, 11, 20)
PROJECT_ROOT = Path(__file__).resolve().parents[3]
CRAWL = Path(__file__).parent.parent / "fixtures" / "crawl"
NAMES = ("album_variance_share", "date_popularity_correlation", "newest_album_percentile",
         "oldest_album_percentile", "search_page1_distinct_songs",
         "search_page1_non_original_share")


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    return catalogue_stats(build_catalogue(42, TODAY), DEFAULT_SEARCH_NOISE)


def test_albums_explain_about_half_of_the_variance(figures):
    assert 0.40 <= figures["album_variance_share"] <= 0.60


def test_newer_albums_are_more_popular(figures):
    assert 0.15 <= figures["date_popularity_correlation"] <= 0.35
    assert 56 <= figures["newest_album_percentile"] <= 70
    assert 38 <= figures["oldest_album_percentile"] <= 50


def test_the_first_artist_search_page_holds_distinct_original_songs(figures):
    assert figures["search_page1_distinct_songs"] >= 9
    assert figures["search_page1_non_original_share"] <= 0.10


def test_versions_rank_in_the_real_order(figures):
    order = ["demo", "live", "remix", "compilation", "instrumental", "commentary"]
    values = [figures[f"{v}_percentile"] for v in order]
    assert values == sorted(values, reverse=True), dict(zip(order, values, strict=True))
    assert 5 <= figures["commentary_percentile"] <= 20
    assert 35 <= figures["live_percentile"] <= 50


def test_deluxe_bonus_tracks_are_a_little_less_played_than_studio_tracks(figures):
    assert 35 <= figures["deluxe_bonus_percentile"] < figures["studio_track_percentile"] <= 60


def test_without_noise_the_first_page_is_the_artists_best_album_songs():
    exact = catalogue_stats(build_catalogue(42, TODAY), 0.0)
    assert exact["search_page1_distinct_songs"] >= 9.5
    assert exact["search_page1_non_original_share"] <= 0.05


def test_stats_of_an_imported_crawl_are_finite():
    doc = import_csv_directory(CRAWL, ["Nadia Quell"])
    figures = catalogue_stats(catalogue_from_document(doc).catalogue)
    assert figures["artists_measured"] == 2  # Nadia Quell and 東京 Lanterns have two albums
    for name in NAMES:
        assert math.isfinite(figures[name]), name


def test_the_command_prints_name_value_lines(tmp_path: Path):
    path = tmp_path / "crawl.json"
    with open(path, "w", encoding="utf-8") as out:
        subprocess.run([sys.executable, "-m", "spotify_emulator", "import-csv", str(CRAWL),
                        "--user-top-artists", "Nadia Quell"], cwd=PROJECT_ROOT, stdout=out,
                       check=True, timeout=120)
    for extra in ([], ["--catalogue", str(path)]):
        run = subprocess.run([sys.executable, "-m", "spotify_emulator", "stats", *extra],
                             cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                             check=True)
        lines = dict(line.split(" ") for line in run.stdout.splitlines())
        for name in NAMES:
            float(lines[name])
