"""Reading Spotify's JSON: an artist's picture is its smallest image (a thumbnail); a
playlist's first item (its date and song)."""

from __future__ import annotations

import datetime as dt

import pytest

from playlists.spotify import parsing


def artist_with(images: list[dict] | None) -> dict:
    return {"id": "4Z8W4fKeB5YxbusRsdQVPb", "name": "Hazel Wren", "images": images}


def test_an_artists_picture_is_the_narrowest_image() -> None:
    images = [
        {"url": "https://i.scdn.co/image/large", "width": 640, "height": 640},
        {"url": "https://i.scdn.co/image/small", "width": 160, "height": 160},
        {"url": "https://i.scdn.co/image/medium", "width": 320, "height": 320},
    ]
    assert parsing.artist(artist_with(images)).image_url == "https://i.scdn.co/image/small"


def test_without_widths_the_last_image_is_taken_spotify_lists_them_widest_first() -> None:
    images = [{"url": "https://i.scdn.co/image/a", "width": None},
              {"url": "https://i.scdn.co/image/b"}]
    assert parsing.artist(artist_with(images)).image_url == "https://i.scdn.co/image/b"


def test_an_artist_without_pictures_has_none() -> None:
    assert parsing.artist(artist_with(None)).image_url is None
    assert parsing.artist(artist_with([])).image_url is None
    assert parsing.artist(artist_with([{"url": ""}, None])).image_url is None


def test_a_playlists_first_item_says_when_it_was_added_and_which_song_it_is() -> None:
    """GET /playlists/{id}/items?limit=1: what Replace shows to tell playlists apart."""
    song = {"name": "Holding Summer", "artists": [{"name": "Hazel Wren"}, {"name": "X"}]}
    opening = parsing.playlist_opening(
        {"items": [{"added_at": "2026-12-03T19:30:00Z", "item": song}]})
    assert opening is not None
    assert opening.added_at == dt.datetime(2026, 12, 3, 19, 30, tzinfo=dt.UTC)
    assert (opening.title, opening.artist) == ("Holding Summer", "Hazel Wren")
    older = parsing.playlist_opening({"items": [{"added_at": None, "track": song}]})
    assert older is not None and older.added_at is None and older.title == "Holding Summer"
    for junk in ("yesterday", 5, "2026-13-45T00:00:00Z"):
        answer = parsing.playlist_opening({"items": [{"added_at": junk}]})
        assert answer is not None and answer.added_at is None and answer.title == ""
    assert parsing.playlist_opening({"items": []}) is None
    with pytest.raises(TypeError):
        parsing.playlist_opening({"items": None})
