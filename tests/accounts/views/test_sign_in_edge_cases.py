"""Sign-in as people really do it: two tabs, the back button, a reload, a slow consent page.

Each failure is worded for what it is; nothing here ever exchanges a code twice.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from accounts import pending_logins
from playlists.spotify.accounts import SpotifyApp, exchange_code
from spotify_emulator import USER_TYPICAL
from spotify_emulator.testing import approve_consent
from tests.conftest import local_path

pytestmark = pytest.mark.usefixtures("spotify_settings")


def start(client: Client) -> str:
    response = client.get("/login/")
    assert response.status_code == 302
    return response["Location"]


def finish(client: Client, authorize_url: str):
    return client.get(local_path(approve_consent(authorize_url, USER_TYPICAL)))


def connected(client: Client) -> bool:
    return client.get("/generate/").status_code == 200


def text(response) -> str:
    return " ".join(response.content.decode().split())


def token_requests(emulator) -> list[str]:
    return [e.path for e in emulator.app.request_log.entries() if e.path.endswith("/api/token")]


@pytest.mark.parametrize("order", ["older first", "newer first"])
def test_two_tabs_either_finishes_and_the_other_lands_on_the_generator(order: str) -> None:
    client = Client()
    older, newer = start(client), start(client)
    first, second = (older, newer) if order == "older first" else (newer, older)
    done = finish(client, first)
    assert done.status_code == 302 and done["Location"] == "/generate/"
    assert connected(client)
    later = finish(client, second)
    assert later.status_code == 302 and later["Location"] == "/generate/"
    assert connected(client)


def test_only_the_last_few_sign_ins_wait(emulator) -> None:
    client = Client()
    urls = [start(client) for _ in range(pending_logins.MAX_PENDING + 1)]
    emulator.app.request_log.clear()
    dropped = finish(client, urls[0])
    assert dropped.status_code == 400
    assert "could not verify" in text(dropped)
    assert token_requests(emulator) == []
    assert finish(client, urls[-1]).status_code == 302
    assert connected(client)


def test_a_signed_in_user_going_back_to_the_callback_goes_to_the_generator(
    connected_client, emulator
) -> None:
    emulator.app.request_log.clear()
    for query in ("", "?state=whatever&code=whatever", "?error=access_denied"):
        response = connected_client.get("/callback/" + query)
        assert response.status_code == 302 and response["Location"] == "/generate/", query
    assert token_requests(emulator) == []
    assert connected(connected_client)


def test_a_bogus_code_says_the_code_was_refused_not_that_a_connection_expired() -> None:
    client = Client()
    url = start(client)
    state = parse_qs(urlsplit(url).query)["state"][0]
    page = client.get("/callback/", {"state": state, "code": "not-a-code-spotify-issued"})
    assert page.status_code == 400
    assert "Spotify did not accept that sign-in" in text(page)
    assert "already been used" in text(page)
    assert "expired" not in text(page).lower()
    assert not connected(client)


def test_a_code_already_exchanged_is_refused_as_used(spotify_settings) -> None:
    client = Client()
    url = start(client)
    location = approve_consent(url, USER_TYPICAL)
    query = parse_qs(urlsplit(location).query)
    verifier = client.session["sp_login"][query["state"][0]]["v"]
    app = SpotifyApp(
        client_id=spotify_settings.SPOTIFY_CLIENT_ID,
        client_secret=spotify_settings.SPOTIFY_CLIENT_SECRET,
        redirect_uri=spotify_settings.SPOTIFY_REDIRECT_URI,
        accounts_base_url=spotify_settings.SPOTIFY_ACCOUNTS_BASE_URL,
    )
    exchange_code(app, query["code"][0], verifier)  # someone got there first
    page = client.get(local_path(location))
    assert page.status_code == 400
    assert "Spotify did not accept that sign-in" in text(page)
    assert "expired" not in text(page).lower()
    assert not connected(client)


def test_an_answer_after_the_sign_in_went_stale_says_it_took_too_long(monkeypatch) -> None:
    client = Client()
    url = start(client)
    location = approve_consent(url, USER_TYPICAL)
    real_time = pending_logins.time.time
    monkeypatch.setattr(
        pending_logins.time, "time", lambda: real_time() + pending_logins.MAX_AGE_SECONDS + 5
    )
    page = client.get(local_path(location))
    assert page.status_code == 400
    assert "took too long" in text(page)
    assert not connected(client)


def test_a_callback_nobody_started_here_says_it_could_not_be_verified() -> None:
    page = Client().get("/callback/", {"state": "s" * 43, "code": "c"})
    assert page.status_code == 400
    assert "could not verify" in text(page)
    assert "expired" not in text(page).lower()


@pytest.mark.parametrize("state", ["\u00e9t\u00e9", "x" * 5000, ""])
def test_odd_states_are_refused_politely(state: str) -> None:
    client = Client()
    start(client)
    assert client.get("/callback/", {"state": state, "code": "c"}).status_code == 400
