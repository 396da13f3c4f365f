"""Reading Spotify's JSON: an artist's picture is its smallest image (a thumbnail)."""

from __future__ import annotations

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
