"""Artist suggestions for the pick-by-name box."""

from __future__ import annotations

from django.test import Client


def test_suggests_artists_matching_the_typed_name(connected_client: Client, emulator) -> None:
    some_artist = next(iter(emulator.app.catalogue.artists.values()))
    response = connected_client.get("/artists/search/", {"q": some_artist.name})
    assert response.status_code == 200
    names = [a["name"] for a in response.json()["artists"]]
    assert some_artist.name in names


def test_refuses_empty_and_overlong_queries(connected_client: Client) -> None:
    assert connected_client.get("/artists/search/", {"q": "  "}).status_code == 400
    assert connected_client.get("/artists/search/", {"q": "x" * 101}).status_code == 400


def test_needs_a_connection(spotify_settings) -> None:
    response = Client().get("/artists/search/", {"q": "a"})
    assert response.status_code == 401


def test_spotify_trouble_is_a_json_error_not_a_crash(connected_client: Client, emulator) -> None:
    emulator.app.faults.add_error("/v1/search", status=503)
    response = connected_client.get("/artists/search/", {"q": "anything"})
    assert response.status_code == 502
    assert "Spotify" in response.json()["error"]
