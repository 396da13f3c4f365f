"""The ranking's evidence read as sentences: by kind (pattern), with a depth estimate for deep
cuts, and unknown kinds shown rather than hidden."""

from __future__ import annotations

import pytest

from playlists.music import Artist, Track
from playlists.reasons import depth_estimate, ordinal, reasons_for, sentence_for
from playlists.services.preview import PreviewEntry

ARTIST = Artist("a" * 22, "Hazel Wren", "spotify:artist:" + "a" * 22)


def entry(role: str, *evidence: str) -> PreviewEntry:
    track = Track("t" * 22, "spotify:track:" + "t" * 22, "Song", (ARTIST.ref,), None)
    return PreviewEntry(track, role, ARTIST, evidence)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("phrase", "sentence"),
    [
        ("search #2", "One of their best-known songs: second in Spotify's search for them"),
        ("search #80 of 81",
         "Deep in their catalogue: Spotify lists it 80th of 81 in a search for them"),
        ("your top tracks", "In your own top tracks"),
        ("top tracks", "In Spotify's top tracks for them"),
        ("from an album with no hits", "From an album none of their hits come from"),
        ("track 11 of 12",
         "Track 11 of 12 on its album, where the less-played songs often are"),
        ("3 releases", "Released 3 times (album, single, best-of)"),
        ("oldest album (1998)", "From their oldest album (1998)"),
        ("a kind nobody mapped yet", "A kind nobody mapped yet"),
    ],
)
def test_each_kind_of_evidence_reads_as_a_sentence(phrase: str, sentence: str) -> None:
    assert sentence_for(phrase) == sentence


@pytest.mark.parametrize(
    ("n", "word"), [(1, "first"), (10, "tenth"), (11, "11th"), (22, "22nd"), (83, "83rd")]
)
def test_ordinals(n: int, word: str) -> None:
    assert ordinal(n) == word


@pytest.mark.parametrize(
    ("evidence", "depth"),
    [
        (("search #80 of 81",), "probably among their least-played fifth"),
        (("search #55 of 81",), "probably among their least-played two fifths"),
        (("popularity 8",), "probably among their least-played fifth"),
        (("from an album with no hits",), None),  # not measured: no estimate
    ],
)
def test_deep_cuts_estimate_how_deep_when_measured(
    evidence: tuple[str, ...], depth: str | None
) -> None:
    assert depth_estimate(evidence) == depth
    assert reasons_for(entry("deep", *evidence)).depth == depth


def test_best_known_songs_have_no_depth_and_every_track_has_a_reason() -> None:
    assert reasons_for(entry("top", "search #1")).depth is None
    assert reasons_for(entry("top")).sentences == ("A song of theirs",)
    assert reasons_for(entry("deep")).sentences == ("One of their lesser-known songs",)
