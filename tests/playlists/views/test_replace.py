"""Replace an earlier playlist, its own action beside Save: the choices (name, count, date),
a confirmation that names what will be replaced, the confirmed POST that replaces it once, and
a result that says "Replaced".  Driven through the real views against the emulator."""

from __future__ import annotations

import re

from django.test import Client

from spotify_emulator import USER_TYPICAL
from tests.playlists.views.test_generator import (
    digest_of,
    make_preview,
    owned_playlists,
    previewed_uris,
)


def save_then_shuffle(client: Client, **changes: object) -> tuple[dict, object]:
    """A saved playlist, and a new preview of the same options to replace it with."""
    page = make_preview(client, **changes)
    assert client.post("/save/", {"digest": digest_of(page)}).status_code == 302
    [earlier] = owned_playlists(_emulator(client))
    assert client.post("/preview/shuffle/").status_code == 302
    return earlier, client.get("/preview/")


def _emulator(client: Client):
    return client.emulator  # type: ignore[attr-defined]


def confirm_url(digest: str, playlist_id: str) -> str:
    return f"/preview/replace/confirm/?digest={digest}&playlist={playlist_id}"


class TestThePreview:
    def test_replace_is_a_link_beside_save_and_the_select_is_gone(
        self, connected_client: Client, emulator
    ) -> None:
        connected_client.emulator = emulator  # type: ignore[attr-defined]
        page = make_preview(connected_client)
        text = page.content.decode()
        assert 'name="replace_playlist_id"' not in text and "Save as" not in text
        assert 'id="replace-button"' not in text  # nothing of ours to replace yet
        _, page = save_then_shuffle(connected_client)
        text = page.content.decode()
        bar = text[text.index('id="action-bar"'):]
        link = re.search(r'<a class="button" href="([^"]+)" id="replace-button"', bar)
        assert link and link[1] == f"/preview/replace/?digest={digest_of(page)}"
        assert bar.index('id="replace-button"') < bar.index('id="save-button"')


class TestChoosing:
    def test_earlier_playlists_are_listed_with_name_count_and_date(
        self, connected_client: Client, emulator
    ) -> None:
        connected_client.emulator = emulator  # type: ignore[attr-defined]
        earlier, page = save_then_shuffle(connected_client)
        digest = digest_of(page)
        choose = connected_client.get(f"/preview/replace/?digest={digest}")
        assert choose.status_code == 200
        text = choose.content.decode()
        assert 'method="get" action="/preview/replace/confirm/"' in text
        assert f'type="radio" name="playlist" value="{earlier["id"]}"' in text
        assert f'name="digest" value="{digest}"' in text
        count = len(earlier["items"])
        assert f"{count} track{'s' if count != 1 else ''} · last filled <time datetime=" in text
        assert re.search(r"last filled <time[^>]*>\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC</time>", text)

    def test_a_playlist_moodystream_did_not_make_is_not_offered(
        self, connected_client: Client, emulator
    ) -> None:
        make_preview(connected_client)
        text = connected_client.get("/preview/replace/").content.decode()
        for own in emulator.app.state.user_playlists(USER_TYPICAL):
            assert own["id"] not in text
        assert "no playlist made with MoodyStream" in text

    def test_continuing_without_a_choice_asks_for_one(self, connected_client: Client) -> None:
        make_preview(connected_client)
        response = connected_client.get("/preview/replace/confirm/?digest=", follow=True)
        assert response.redirect_chain[-1][0].startswith("/preview/replace/?")
        assert "Choose the playlist to replace." in response.content.decode()


class TestConfirming:
    def test_the_confirmation_names_what_is_replaced_and_keeps_the_name(
        self, connected_client: Client, emulator
    ) -> None:
        connected_client.emulator = emulator  # type: ignore[attr-defined]
        earlier, page = save_then_shuffle(connected_client)
        emulator.app.state.playlists[earlier["id"]].name = "Friday mix"
        count = len(earlier["items"])
        confirm = connected_client.get(confirm_url(digest_of(page), earlier["id"]))
        assert confirm.status_code == 200
        text = confirm.content.decode()
        assert '<h1 id="replace-title">Replace “Friday mix”?</h1>' in text
        assert f"Its {count} songs (last filled <time" in text
        assert "make way for the songs of this preview." in text
        assert "It keeps its name." in text and "It keeps its description." in text
        assert 'method="post" action="/preview/replace/confirm/"' in text
        assert "csrfmiddlewaretoken" in text
        assert ">Replace playlist</button>" in text
        assert owned_playlists(emulator)[0]["items"] == earlier["items"]  # nothing done by GET

    def test_a_typed_name_is_announced(self, connected_client: Client, emulator) -> None:
        connected_client.emulator = emulator  # type: ignore[attr-defined]
        earlier, page = save_then_shuffle(connected_client, name="Saturday mix")
        text = connected_client.get(confirm_url(digest_of(page), earlier["id"])).content.decode()
        # saved as "Saturday mix" already: the typed name is its name, so it keeps it
        assert "It keeps its name." in text
        emulator.app.state.playlists[earlier["id"]].name = "Friday mix"
        text = connected_client.get(confirm_url(digest_of(page), earlier["id"])).content.decode()
        assert "It will be renamed “Saturday mix”, the name you typed." in text

    def test_a_foreign_playlist_is_refused_before_the_confirmation(
        self, connected_client: Client, emulator
    ) -> None:
        [own, *_] = emulator.app.state.user_playlists(USER_TYPICAL)
        page = make_preview(connected_client)
        response = connected_client.get(confirm_url(digest_of(page), own["id"]), follow=True)
        assert response.redirect_chain[-1][0].startswith("/preview/replace/?")
        assert "Only a playlist MoodyStream made for you can be replaced" in (
            response.content.decode())


class TestReplacing:
    def test_the_confirmed_post_replaces_keeps_the_name_and_says_replaced(
        self, connected_client: Client, emulator
    ) -> None:
        connected_client.emulator = emulator  # type: ignore[attr-defined]
        earlier, page = save_then_shuffle(connected_client)
        emulator.app.state.playlists[earlier["id"]].name = "Friday mix"
        form = {"digest": digest_of(page), "playlist": earlier["id"]}
        response = connected_client.post("/preview/replace/confirm/", form)
        assert response["Location"].startswith(f"/playlists/{earlier['id']}/?replaced=")
        [replaced] = owned_playlists(emulator)
        assert replaced["items"] == previewed_uris(page)
        assert replaced["name"] == "Friday mix"
        result = connected_client.get(response["Location"]).content.decode()
        assert "<h1>Replaced “Friday mix”</h1>" in result and "Saved to Spotify" not in result
        # a double click: one replace, the same result
        again = connected_client.post("/preview/replace/confirm/", form)
        assert again["Location"] == response["Location"]
        assert len(owned_playlists(emulator)) == 1

    def test_a_forged_replaced_flag_does_not_say_replaced(
        self, connected_client: Client, emulator
    ) -> None:
        connected_client.emulator = emulator  # type: ignore[attr-defined]
        page = make_preview(connected_client)
        saved = connected_client.post("/save/", {"digest": digest_of(page)})["Location"]
        for forged in ("?done=replaced", "?replaced=1", "?replaced=" + "a" * 60):
            text = connected_client.get(saved + forged).content.decode()
            assert "Saved to Spotify" in text and "Replaced" not in text

    def test_save_no_longer_replaces(self, connected_client: Client, emulator) -> None:
        connected_client.emulator = emulator  # type: ignore[attr-defined]
        earlier, page = save_then_shuffle(connected_client)
        connected_client.post(
            "/save/", {"digest": digest_of(page), "replace_playlist_id": earlier["id"]})
        assert len(owned_playlists(emulator)) == 2
        assert owned_playlists(emulator)[-1]["items"] == earlier["items"]

    def test_the_replace_needs_the_csrf_token(self, emulator, connected_client: Client) -> None:
        connected_client.emulator = emulator  # type: ignore[attr-defined]
        earlier, page = save_then_shuffle(connected_client)
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = connected_client.cookies
        response = strict.post("/preview/replace/confirm/",
                               {"digest": digest_of(page), "playlist": earlier["id"]})
        assert response.status_code == 403
        assert owned_playlists(emulator)[0]["items"] == earlier["items"]


def test_a_replace_without_a_session_writes_nothing_and_keeps_the_draft(
    connected_client: Client, emulator
) -> None:
    """Issue 22.7 for the replace too: the confirmed POST carries the sealed draft; with the
    session gone it signs in again and comes back to the same preview, having replaced
    nothing."""
    from django.conf import settings

    connected_client.emulator = emulator  # type: ignore[attr-defined]
    earlier, page = save_then_shuffle(connected_client)
    confirm = connected_client.get(confirm_url(digest_of(page), earlier["id"]))
    sealed = re.search(r'name="draft" value="([^"]+)"', confirm.content.decode())
    assert sealed
    del connected_client.cookies[settings.SESSION_COOKIE_NAME]
    answer = connected_client.post("/preview/replace/confirm/", {
        "digest": digest_of(page), "playlist": earlier["id"], "draft": sealed[1]})
    assert answer.status_code == 302 and answer["Location"] == "/sign-in-again/"
    assert owned_playlists(emulator)[0]["items"] == earlier["items"]
