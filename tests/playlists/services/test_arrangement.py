"""The listener's order of the preview: kept as positions, replacements in the removed song's
place, restored songs back in their replacement's place, moves that stop at the ends."""

from __future__ import annotations

import pytest

from playlists.music import Artist, Track
from playlists.services.arrangement import arranged, carried_over, moved, order_of
from playlists.services.options import GenerationOptions
from playlists.services.preview import Preview, PreviewEntry

ARTIST = Artist("a" * 22, "Hazel Wren", "spotify:artist:" + "a" * 22)


def preview_of(*ids: str) -> Preview:
    entries = tuple(
        PreviewEntry(Track(i, f"spotify:track:{i}", i, (ARTIST.ref,), None), "top", ARTIST)
        for i in ids
    )
    return Preview(entries, (ARTIST,), (), GenerationOptions(), "n", "d")


def ids_of(preview: Preview) -> list[str]:
    return [e.track.id for e in preview.entries]


def test_the_generated_order_is_kept_as_no_order_at_all() -> None:
    preview = preview_of("a", "b", "c")
    assert order_of(preview, ["a", "b", "c"]) == ()
    assert ids_of(arranged(preview, ())) == ["a", "b", "c"]


def test_an_order_round_trips_through_positions() -> None:
    preview = preview_of("a", "b", "c", "d")
    order = order_of(preview, ["d", "a", "c", "b"])
    assert order == (3, 0, 2, 1)
    assert ids_of(arranged(preview, order)) == ["d", "a", "c", "b"]


def test_an_order_for_another_preview_still_shows_every_track_once() -> None:
    preview = preview_of("a", "b", "c")
    assert ids_of(arranged(preview, (2, 2, 7, -1))) == ["c", "a", "b"]
    assert order_of(preview, ["c", "zzz", "c"]) == (2, 0, 1)


def test_a_replacement_takes_the_removed_songs_place() -> None:
    order, incoming = carried_over(["a", "b", "c", "d"], ["a", "c", "x", "d"])
    assert (order, incoming) == (["a", "x", "c", "d"], ["x"])


def test_a_restored_song_takes_its_replacements_place() -> None:
    order, incoming = carried_over(["a", "x", "c", "d"], ["b", "a", "c", "d"])
    assert (order, incoming) == (["a", "b", "c", "d"], ["b"])


def test_with_nothing_to_take_a_place_the_list_closes_up_and_extras_go_last() -> None:
    assert carried_over(["a", "b", "c"], ["a", "c"]) == (["a", "c"], [])
    assert carried_over(["a", "b"], ["a", "x", "y"]) == (["a", "x", "y"], ["x", "y"])


@pytest.mark.parametrize(
    ("track_id", "step", "expected"),
    [
        ("b", -1, ["b", "a", "c"]),
        ("b", 1, ["a", "c", "b"]),
        ("a", -1, ["a", "b", "c"]),  # already first
        ("c", 1, ["a", "b", "c"]),  # already last
        ("zzz", 1, ["a", "b", "c"]),  # not in the list
    ],
)
def test_moves_stop_at_the_ends(track_id: str, step: int, expected: list[str]) -> None:
    assert moved(["a", "b", "c"], track_id, step) == expected
