"""Each listener's budgets, held in the shared store (so across containers): suggestions,
previews counted in Spotify requests, saves; a spent one is a page with the time to wait,
and other listeners are not held back."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from playlists import budgets
from playlists.services.options import GenerationOptions
from spotify_emulator import USER_ECLECTIC
from tests.playlists.views.test_generator import VALID

SMALL = {**VALID, "artist_count": "3", "track_count": "10"}
MAXIMAL = {**VALID, "artist_count": "50", "track_count": "200", "deep_cut_percent": "100"}
DIGEST = re.compile(r'name="digest" value="([0-9a-f]+)"')


def text_of(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def spotify_requests(emulator) -> int:
    return sum(e.path.startswith("/v1/") for e in emulator.app.request_log.entries())


def test_a_preview_costs_what_it_asks_of_spotify() -> None:
    small = budgets.preview_cost(GenerationOptions(artist_count=10, track_count=50))
    big = budgets.preview_cost(GenerationOptions(artist_count=50, track_count=200))
    assert small < big
    assert 3 * big <= budgets.PREVIEW_BURST.limit < 4 * big  # three maximal previews per 30 s


def test_maximal_previews_spend_the_burst_and_the_page_says_when(
    connected_client: Client, sign_in, emulator
) -> None:
    assert connected_client.post("/generate/", MAXIMAL).status_code == 302
    for _ in range(3):
        assert connected_client.get("/preview/").status_code == 200
    emulator.app.request_log.clear()
    second = connected_client.get("/preview/")
    assert second.status_code == 429
    # The rest of this window plus part of the next (sliding-window counter): < 2 windows.
    assert 1 <= int(second["Retry-After"]) < 2 * budgets.PREVIEW_BURST.window_seconds
    assert "a lot of previews" in text_of(second) and "seconds" in text_of(second)
    assert spotify_requests(emulator) == 0  # refused before Spotify
    other = sign_in(Client(), user_id=USER_ECLECTIC)
    assert other.post("/generate/", SMALL).status_code == 302
    assert other.get("/preview/").status_code == 200  # someone else is not held back


def test_saves_have_a_budget_too(connected_client: Client, monkeypatch) -> None:
    monkeypatch.setattr(budgets, "SAVES", budgets.Budget("saves", 2, 600, "saves"))
    saved = []
    for _ in range(3):
        assert connected_client.post("/generate/", SMALL).status_code == 302
        page = connected_client.get("/preview/")
        saved.append(connected_client.post("/save/", {"digest": DIGEST.search(
            page.content.decode())[1]}))
    assert [r.status_code for r in saved] == [302, 302, 429]
    assert "a lot of saves" in text_of(saved[2])


def test_a_demo_run_with_budgets_switched_off_spends_none(
    connected_client: Client, settings
) -> None:
    """The e2e walk's switch (demo mode only): the same maximal previews are all answered."""
    settings.DEMO_WITHOUT_BUDGETS = True
    assert connected_client.post("/generate/", MAXIMAL).status_code == 302
    for _ in range(5):
        assert connected_client.get("/preview/").status_code == 200


def test_the_suggestion_budget_holds_on_dynamodb(connected_client: Client, monkeypatch) -> None:
    """The production store, played by moto: the same budget through the same view."""
    import boto3
    from moto import mock_aws

    from shared_state.dynamodb import DynamoDBState, table_definition
    from shared_state.stores import use

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(**table_definition("state"))
        use(DynamoDBState("state", region="eu-west-1", client=client))
        monkeypatch.setattr(budgets, "SUGGESTIONS", budgets.Budget("suggestions", 3, 300, "x"))
        answers = [connected_client.get("/artists/search/", {"q": f"n{n}"}).status_code
                   for n in range(5)]
    assert answers == [200, 200, 200, 429, 429]


@pytest.mark.parametrize("seconds, words", [(5, "5 seconds"), (119, "119 seconds"),
                                            (600, "10 minutes")])
def test_the_wait_in_words(seconds: int, words: str) -> None:
    assert budgets.wait_in_words(seconds) == words
