"""Artist suggestions for the pick-by-name box."""

from __future__ import annotations

from django.test import Client

from playlists.budgets import SUGGESTIONS
from spotify_emulator import USER_ECLECTIC

BUDGET, WINDOW_SECONDS = SUGGESTIONS.limit, SUGGESTIONS.window_seconds


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


def searches(emulator) -> list[str]:
    return [e.query for e in emulator.app.request_log.entries() if e.path.endswith("/v1/search")]


def test_the_same_suggestion_is_asked_of_spotify_once(
    connected_client: Client, sign_in, emulator
) -> None:
    emulator.app.request_log.clear()
    first = connected_client.get("/artists/search/", {"q": "Neon Tapir"})
    again = connected_client.get("/artists/search/", {"q": "neon  tapir"})
    other_user = sign_in(user_id=USER_ECLECTIC).get("/artists/search/", {"q": "Neon Tapir"})
    assert first.json() == again.json() == other_user.json()
    assert len(searches(emulator)) == 1


def test_each_user_has_a_small_budget_and_is_told_when_to_come_back(
    connected_client: Client, sign_in, emulator
) -> None:
    emulator.app.request_log.clear()
    for n in range(BUDGET):
        assert connected_client.get("/artists/search/", {"q": f"name {n}"}).status_code == 200
    refused = connected_client.get("/artists/search/", {"q": "one more"})
    assert refused.status_code == 429
    # A sliding-window counter: the rest of this window, plus the part of the next one the
    # previous window's weight needs to fall by (shared_state.store.wait_for_room): < 2 windows.
    assert 1 <= int(refused["Retry-After"]) < 2 * WINDOW_SECONDS
    assert "type the names yourself" in refused.json()["error"]
    assert len(searches(emulator)) == BUDGET  # the refused one never reached Spotify
    # Answers already given still come (from the cache), and other users are not held back.
    assert connected_client.get("/artists/search/", {"q": "name 0"}).status_code == 200
    other = sign_in(user_id=USER_ECLECTIC)
    assert other.get("/artists/search/", {"q": "one more"}).status_code == 200
    page = other.post("/generate/", {
        "artist_source": "top", "time_range": "medium_term", "artist_count": "4",
        "track_count": "12", "deep_cut_percent": "40", "visibility": "private",
    })
    assert page.status_code == 302
    assert other.get("/preview/").status_code == 200


def test_spotifys_rate_limit_is_passed_on_with_its_retry_after(
    connected_client: Client, emulator
) -> None:
    emulator.app.faults.add_error("/v1/search", status=429, retry_after=120)
    response = connected_client.get("/artists/search/", {"q": "anything at all"})
    assert response.status_code == 429
    assert response["Retry-After"] == "120"
    assert "slow down" in response.json()["error"]
