"""The small ones from the security review: one relevant message, no bidi tricks in titles,
an odd cookie is no session (never a 500), a playlist deleted meanwhile is named as such."""

from __future__ import annotations

import re
from html import unescape

import pytest
import requests
from django.test import Client

from moodystream import sessions
from playlists.services.options import MAX_ARTIST_NAME, MAX_PICKED
from spotify_emulator import USER_TYPICAL
from tests.playlists.views.test_generator import VALID

FORM = {**VALID, "artist_count": "4", "track_count": "12", "exclude_versions": ["live", "remix"]}
COOKIE = "moodystream_session"
DIGEST = re.compile(r'name="digest" value="([0-9a-f]+)"')


def text_of(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def errors_on(response) -> dict[str, list[str]]:
    assert response.status_code == 400, response.status_code
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


class TestOneRelevantMessage:
    def test_51_names(self, connected_client: Client) -> None:
        names = "\n".join(f"Artist {n}" for n in range(MAX_PICKED + 1))
        response = connected_client.post(
            "/generate/", {**FORM, "artist_source": "picked", "picked_artists": names}
        )
        assert errors_on(response) == {"picked_artists": [f"Pick at most {MAX_PICKED} artists."]}

    def test_more_text_than_the_box_takes(self, connected_client: Client) -> None:
        too_long = "x" * (MAX_PICKED * (MAX_ARTIST_NAME + 2) + 1)
        response = connected_client.post(
            "/generate/", {**FORM, "artist_source": "picked", "picked_artists": too_long}
        )
        assert errors_on(response) == {"picked_artists": [f"Pick at most {MAX_PICKED} artists."]}
        assert "Type at least one artist name" not in text_of(response)


class TestBidiControls:
    @pytest.mark.parametrize("char", ["\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "\u061c"])
    @pytest.mark.parametrize("field", ["name", "description", "picked_artists"])
    def test_typed_bidi_controls_are_refused(self, connected_client, emulator, field, char):
        data = {**FORM, field: f"Summer {char}gnp.exe"}
        if field == "picked_artists":
            data["artist_source"] = "picked"
        emulator.app.request_log.clear()
        response = connected_client.post("/generate/", data)
        assert errors_on(response) == {
            field: ["Please remove the invisible control characters."]
        }
        assert not [e for e in emulator.app.request_log.entries() if e.method == "POST"]

    def test_names_from_spotify_lose_them_before_the_title_reaches_spotify(
        self, connected_client, emulator, monkeypatch
    ) -> None:
        artist = next(iter(emulator.app.catalogue.artists.values()))
        plain = artist.name
        monkeypatch.setattr(artist, "name", f"\u202e{plain}\u2066")
        response = connected_client.post(
            "/generate/", {**FORM, "artist_source": "picked", "picked_artists": plain}
        )
        assert response.status_code == 302
        page = connected_client.get("/preview/")
        assert page.status_code == 200
        saved = connected_client.post("/save/", {"digest": DIGEST.search(page.content.decode())[1]})
        assert saved.status_code == 302 and saved["Location"].startswith("/playlists/")
        playlist_id = saved["Location"].split("/")[2]
        (playlist,) = [
            p for p in emulator.app.state.user_playlists(USER_TYPICAL) if p["id"] == playlist_id
        ]
        assert plain in playlist["name"] and plain in playlist["description"]
        for text in (playlist["name"], playlist["description"]):
            assert not re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", text)


class TestOddCookie:
    """Sealed with the right key, but not what the app wrote: no session, never a 500."""

    ODD = [
        {"sp_user": "alex", "sp_tokens": {"a": "x", "r": "y", "e": 1}},
        {"sp_user": {"id": 7, "name": None}, "sp_tokens": {"a": "x", "r": "y", "e": 1}},
        {"sp_user": {"id": "alex", "name": "A"}, "sp_tokens": ["a", "r"]},
        {"generator": "options", "saved": ["x"]},
        {"generator": {"options": {"track_count": "many"}, "removed_track_ids": 5}},
        {"saved": {"digest": 5}},
        {"sp_login": ["state"]},
        {"_messages": [["__json_message", 0, 20, "hi"]]},
        {"_messages": "not json"},
        {"_messages": '[["__json_message",0]]'},
        {"_messages": "5"},
        {"_messages": '[["__json_message",0,"loud","hi"]]'},
    ]

    @pytest.fixture(params=range(len(ODD)), ids=lambda n: f"odd-{n}")
    def odd_client(self, request, spotify_settings) -> Client:
        client = Client(raise_request_exception=False)
        client.cookies[COOKIE] = sessions.seal(
            {**self.ODD[request.param], sessions.BORN_KEY: sessions.now()}
        )
        return client

    def test_pages_answer_as_for_a_visitor(self, odd_client: Client) -> None:
        for path, status in [("/", 200), ("/generate/", 302), ("/preview/", 302),
                             ("/callback/", 400)]:
            assert odd_client.get(path).status_code == status, path
        assert odd_client.post("/save/", {"digest": "0" * 32}).status_code == 302

    def test_even_the_500_page(self, odd_client: Client, monkeypatch) -> None:
        from playlists.views import pages

        def broken(*args, **kwargs):
            raise RuntimeError("a bug somewhere")

        monkeypatch.setattr(pages, "render", broken)
        response = odd_client.get("/")
        assert response.status_code == 500
        assert "MoodyStream" in text_of(response)

    def test_the_500_page_answers_even_when_it_cannot_be_rendered(
        self, odd_client: Client, monkeypatch
    ) -> None:
        from playlists.views import error_pages, pages

        def broken(*args, **kwargs):
            raise RuntimeError("a bug somewhere")

        monkeypatch.setattr(pages, "render", broken)
        monkeypatch.setattr(error_pages, "render", broken)
        response = odd_client.get("/")
        assert response.status_code == 500
        assert "Something went wrong on our side" in text_of(response)

    def test_signing_in_again_works(self, odd_client: Client, sign_in) -> None:
        client = sign_in(odd_client)
        assert client.get("/generate/").status_code == 200


def save_new(client: Client) -> tuple[str, str]:
    page = client.get("/preview/")
    digest = DIGEST.search(page.content.decode())[1]
    saved = client.post("/save/", {"digest": digest})
    assert saved.status_code == 302, text_of(saved)[:500]
    return saved["Location"].split("/")[2], digest


def test_refreshing_a_playlist_deleted_meanwhile_says_so(connected_client, emulator) -> None:
    assert connected_client.post("/generate/", FORM).status_code == 302
    playlist_id, _ = save_new(connected_client)
    assert connected_client.post("/preview/shuffle/").status_code == 302
    page = connected_client.get("/preview/")
    digest = DIGEST.search(page.content.decode())[1]
    # Deleted in Spotify's app meanwhile (for Spotify: removed from the owner's library).
    token = emulator.app.issue_token(USER_TYPICAL, ["playlist-modify-public"])["access_token"]
    gone = requests.delete(
        emulator.api_url + "me/library",
        params={"uris": f"spotify:playlist:{playlist_id}"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert gone.status_code == 200
    response = connected_client.post(
        "/preview/replace/confirm/", {"digest": digest, "playlist": playlist_id}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/preview/"
    assert "no longer on Spotify (it was deleted meanwhile)" in text_of(response)
    assert "Page not found" not in text_of(response)
    assert playlist_id not in [p["id"] for p in emulator.app.state.user_playlists(USER_TYPICAL)]
