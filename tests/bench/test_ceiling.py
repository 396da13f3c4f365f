"""``python -m bench.ceiling``: the best top picks the signals allow, under the emulator's
noise model (issue 23: top picks ≥ 90 at search noise sd 15)."""

from __future__ import annotations

import re

from bench import ceiling
from bench.ceiling import ArtistSongs, album_signs, artists_of, informed, percentiles


def test_the_table_on_the_synthetic_catalogue(capsys) -> None:
    assert ceiling.main(["--search-noise", "0", "15", "--reps", "1"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if re.match(r"^\| \d", line)]
    figures = {row.split("|")[1].strip(): [float(x) for x in row.split("|")[2:5]]
               for row in rows}
    assert set(figures) == {"0", "15"}
    assert all(x >= 95 for x in figures["0"])  # without noise search order tells it all
    assert all(60 <= x < figures["0"][0] for x in figures["15"])


def test_the_informed_estimate_weighs_the_search_value_by_what_is_known() -> None:
    pops = [80, 60, 40, 20]
    pct = percentiles(pops)
    assert pct == [100.0, 200 / 3, 100 / 3, 0.0]
    # Without noise the value is the popularity: the estimate is the true percentile.
    assert informed(pops, [80, 60, 40, 20], set(), 0, 0.0, pct) == pct
    # With noise, being among the listener's top tracks lifts a song above a close rival.
    close = informed(pops, [70.0, 70.0, 40.0, 20.0], {1}, 1, 15.0, pct)
    assert close[1] > close[0]


def test_album_signs_are_a_least_squares_fit() -> None:
    artists = [ArtistSongs(tuple((p,) for p in (50, 40, 30, 20)),
                           tuple((age, 0.0, 0.0, 0.0, 0.0, 0.0) for age in (1, 0.5, 0.5, 0)))]
    coef, spread = album_signs(artists)  # 15, 5, -5, -15 on 1, .5, .5, 0: 30 a unit, ±5 left
    assert abs(coef[1] - 30.0) < 1e-9 and abs(spread - 12.5 ** 0.5) < 1e-9
    assert coef[2:] == [0.0] * 5  # signs that never vary weigh nothing


def test_artists_need_eight_songs_of_their_own() -> None:
    doc = {
        "artists": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "albums": [{"id": f"al{n}", "release_date": f"200{n}", "tracks": [
            {"name": f"S{n}{i}", "artist_ids": [who], "popularity": 10 * i, "track_number": i,
             "song_key": f"{who}:s{n}{i}"}
            for i in range(1, 5)]} for n, who in ((1, "a"), (2, "a"), (3, "b"))],
    }
    [artist] = artists_of(doc)
    assert len(artist.tracks) == 8 and len(artist.features) == 8
    assert artists_of(doc, names={"B"}) == []
