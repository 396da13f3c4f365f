"""GenerationOptions: validation with field messages, compact round trip, default names."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from playlists.services.options import (
    MAX_DESCRIPTION,
    MESSAGES,
    SPOTIFY_MAX_DESCRIPTION,
    VERSION_KINDS,
    GenerationOptions,
    InvalidOptions,
    default_description,
    default_playlist_name,
)


def test_defaults_are_valid_and_exclude_every_version_kind() -> None:
    options = GenerationOptions()
    assert options.artist_source == "top"
    assert options.exclude_versions == frozenset(VERSION_KINDS)
    assert options.track_count == 50


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"artist_count": 0}, "artist_count"),
        ({"artist_count": 51}, "artist_count"),
        ({"track_count": 9}, "track_count"),
        ({"track_count": 201}, "track_count"),
        ({"deep_cut_percent": -1}, "deep_cut_percent"),
        ({"deep_cut_percent": 101}, "deep_cut_percent"),
        ({"artist_source": "radio"}, "artist_source"),
        ({"time_range": "forever"}, "time_range"),
        ({"artist_source": "picked"}, "picked_artists"),
        ({"artist_source": "picked", "picked_artists": ["A", "a"]}, "picked_artists"),
        ({"picked_artists": "A"}, "picked_artists"),
        ({"exclude_versions": frozenset({"bootleg"})}, "exclude_versions"),
        ({"allow_explicit": "yes"}, "allow_explicit"),
        ({"name": "x" * 101}, "name"),
        ({"description": "x" * (MAX_DESCRIPTION + 1)}, "description"),
        ({"name": "bell\x07"}, "name"),
        ({"description": "file separator \x1c looks like a space to str.split"}, "description"),
        ({"artist_source": "picked", "picked_artists": ["next line \x85"]}, "picked_artists"),
        ({"seed": -5}, "seed"),
        ({"track_count": True}, "track_count"),
    ],
)
def test_invalid_values_name_their_field(changes: dict, field: str) -> None:
    with pytest.raises(InvalidOptions) as caught:
        GenerationOptions(**changes)
    assert field in caught.value.errors
    assert isinstance(caught.value, ValueError)


def test_all_errors_are_reported_at_once() -> None:
    with pytest.raises(InvalidOptions) as caught:
        GenerationOptions(artist_count=0, track_count=1, deep_cut_percent=200)
    assert set(caught.value.errors) == {"artist_count", "track_count", "deep_cut_percent"}


def test_round_trip_is_compact_and_json_safe() -> None:
    options = GenerationOptions(
        artist_source="picked",
        picked_artists=("Hazel Wren", "4Z8W4fKeB5YxbusRsdQVPb"),
        track_count=120,
        deep_cut_percent=25,
        exclude_versions=frozenset({"live", "remix"}),
        allow_explicit=False,
        exclude_saved=True,
        public=True,
        name="Mine",
        seed=123456,
    )
    data = options.to_dict()
    text = json.dumps(data)
    assert GenerationOptions.from_dict(json.loads(text)) == options
    assert len(text) < 300  # defaults left out
    assert json.dumps(GenerationOptions(seed=3).to_dict()) == '{"seed": 3}'


def test_picked_by_name_the_artist_count_is_the_number_of_names() -> None:
    """The count field is for top and followed artists; picked, every name is used, and the
    options say so (the budget's cost and which removals carry over read artist_count)."""
    picked = GenerationOptions(
        artist_source="picked", picked_artists=("Hazel Wren", "Neon Tapir"), artist_count=40
    )
    assert picked.artist_count == 2
    assert picked.with_seed(7).artist_count == 2
    # A cookie from before (the count as typed) reads the same.
    stored = {**picked.to_dict(), "artist_count": 40}
    assert GenerationOptions.from_dict(stored) == picked
    # Other sources keep the count, and names kept for another source do not change it.
    assert GenerationOptions(artist_count=40, picked_artists=("A",)).artist_count == 40
    assert GenerationOptions(artist_source="followed", artist_count=3).artist_count == 3


def test_picked_by_name_an_invalid_count_is_no_error() -> None:
    options = GenerationOptions(artist_source="picked", picked_artists=("A",), artist_count=0)
    assert options.artist_count == 1
    with pytest.raises(InvalidOptions) as caught:  # too many names: one message, on the names
        GenerationOptions(artist_source="picked", picked_artists=tuple(map(str, range(51))))
    assert set(caught.value.errors) == {"picked_artists"}


def test_from_dict_rejects_tampering() -> None:
    with pytest.raises(InvalidOptions):
        GenerationOptions.from_dict({"track_count": 5000})
    with pytest.raises(InvalidOptions):
        GenerationOptions.from_dict({"zz": 1})
    with pytest.raises(InvalidOptions):
        GenerationOptions.from_dict(["not", "a", "dict"])  # type: ignore[arg-type]


def test_old_short_keys_are_refused() -> None:
    """Cookies from before the keys had names ("tc", "src", ...) are not half-understood."""
    with pytest.raises(InvalidOptions):
        GenerationOptions.from_dict({"src": "top", "tc": 50, "sd": 3})


def test_control_characters_are_refused_with_one_message() -> None:
    with pytest.raises(InvalidOptions) as caught:
        GenerationOptions(name="a\x00b", description="c\x7fd")
    assert caught.value.errors == {
        "name": MESSAGES["control_characters"],
        "description": MESSAGES["control_characters"],
    }


def test_the_listener_gets_all_of_spotifys_description() -> None:
    assert MAX_DESCRIPTION == SPOTIFY_MAX_DESCRIPTION == 300
    assert GenerationOptions(description="d" * MAX_DESCRIPTION).description == "d" * MAX_DESCRIPTION


def test_text_is_tidied_and_seed_can_be_renewed() -> None:
    options = GenerationOptions(name="  My\nmix\t two  ", seed=1)
    assert options.name == "My mix two"
    assert options.with_seed(2).seed == 2
    assert len({options.with_seed().seed for _ in range(5)}) > 1


def test_default_name_names_artists_and_date() -> None:
    day = dt.date(2026, 11, 25)
    names = [f"Artist {c}" for c in "ABCDEFGHIJ"]
    assert default_playlist_name(names, day) == (
        "MoodyStream · Artist A, Artist B & 8 more · 25 Nov 2026"
    )
    assert default_playlist_name(["A", "B"], day) == "MoodyStream · A & B · 25 Nov 2026"
    assert default_playlist_name(["A", "B", "C"], day) == "MoodyStream · A, B & C · 25 Nov 2026"
    long_names = ["x" * 60, "y" * 60, "z"]
    assert len(default_playlist_name(long_names, day)) <= 100
    assert "MoodyStream" in default_description(names, 40)
