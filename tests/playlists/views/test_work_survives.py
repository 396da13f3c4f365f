"""Work survives an expired session or token (issue 22, point 7), with plain form posts: each
write of the preview that finds the session gone (its cookie expired, cleared, another browser
profile) or meets a refused CSRF token tells the listener, goes through sign-in and comes back
to the same draft — options, name, description, removals, order — for that Spotify account
only; nothing is ever written without a valid CSRF token."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.conf import settings
from django.test import Client

from accounts.session import SESSION_DRAFT, SESSION_DRAFT_OWNER
from playlists.views.drafts import BACK_AS_LEFT, NOT_YOURS, SESSION_ENDED, SIGN_IN_AGAIN
from spotify_emulator import USER_NEW, USER_TYPICAL
from spotify_emulator.testing import approve_consent
from tests.conftest import local_path
from tests.playlists.views.test_generator import VALID, digest_of, make_preview, owned_playlists
from tests.playlists.views.test_preview_editor import edit, shown_ids

COOKIE = settings.SESSION_COOKIE_NAME
NAME = "Friday mix, kept"
DESCRIPTION = "Songs for the drive home"


def text_of(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def sealed_of(page) -> str:
    found = set(re.findall(r'name="draft" value="([^"]*)"', page.content.decode()))
    assert len(found) == 1 and "" not in found, found  # every write form carries the same one
    return found.pop()


def sign_in_to(client: Client, next_url: str, user_id: str = USER_TYPICAL):
    """The sign-in the page's button starts: Spotify's consent, then back to ``next_url``."""
    start = client.get(f"/login/?next={next_url}")
    location = approve_consent(start["Location"], user_id)
    return client.get(local_path(location))


def worked_on(client: Client):
    """A preview renamed and described, with a song removed and one moved."""
    page = make_preview(client, name=NAME, description=DESCRIPTION, deep_cut_percent="60")
    _, page = edit(client, "remove", page, track_id=shown_ids(page)[2])
    _, page = edit(client, "move", page, down=shown_ids(page)[0])
    return page


def session_gone(client: Client) -> None:
    """The session cookie expired or was cleared; the CSRF cookie is still there."""
    del client.cookies[COOKIE]


WRITES = {
    "save": lambda page: {"digest": digest_of(page)},
    "preview/remove": lambda page: {"track_id": shown_ids(page)[4]},
    "preview/move": lambda page: {"up": shown_ids(page)[3]},
    "preview/reorder": lambda page: {"order": ",".join(reversed(shown_ids(page)))},
    "preview/shuffle": lambda page: {},
    "preview/restore": lambda page: {"track_id": shown_ids(page)[0]},
    "preview/replace/confirm": lambda page: {"digest": digest_of(page), "playlist": "A" * 22},
    "preview/resume": lambda page: {"to": "options"},  # Back to options
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_without_a_session_signs_in_and_brings_back_the_same_draft(
    connected_client: Client, emulator, write: str
) -> None:
    page = worked_on(connected_client)
    before, saved_before = shown_ids(page), owned_playlists(emulator)
    session_gone(connected_client)

    answer = connected_client.post(
        f"/{write}/", {"order": ",".join(before), **WRITES[write](page),
                       "draft": sealed_of(page)})

    assert answer.status_code == 302 and answer["Location"] == "/sign-in-again/"
    told = connected_client.get("/sign-in-again/")
    assert told.status_code == 200
    assert SESSION_ENDED in text_of(told)
    assert "Nothing was saved or changed" in text_of(told)
    assert 'href="/login/?next=/preview/"' in told.content.decode()
    assert owned_playlists(emulator) == saved_before  # nothing written on the way

    back = sign_in_to(connected_client, "/preview/")
    assert back["Location"] == "/preview/"
    again = connected_client.get("/preview/")
    assert again.status_code == 200
    assert shown_ids(again) == before  # the same songs, without the removed one, in its order
    assert again.context["preview"].name == NAME
    assert again.context["preview"].description.startswith(DESCRIPTION)
    assert again.context["removed_count"] == 1
    assert BACK_AS_LEFT in text_of(again)

    saved = connected_client.post("/save/", {"digest": digest_of(again)})
    assert saved.status_code == 302 and saved["Location"].startswith("/playlists/")
    [new] = [p for p in owned_playlists(emulator) if p not in saved_before]
    assert new["name"] == NAME
    assert new["items"] == [f"spotify:track:{track_id}" for track_id in before]


def test_a_write_without_a_session_or_a_draft_asks_to_sign_in_again(
    connected_client: Client
) -> None:
    page = worked_on(connected_client)
    session_gone(connected_client)
    answer = connected_client.post("/save/", {"digest": digest_of(page)}, follow=True)
    assert answer.redirect_chain[-1][0] == "/"
    assert SIGN_IN_AGAIN in text_of(answer)


def test_a_changed_draft_is_no_draft(connected_client: Client) -> None:
    page = worked_on(connected_client)
    token = sealed_of(page)
    session_gone(connected_client)
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    answer = connected_client.post("/save/", {"digest": digest_of(page), "draft": flipped})
    assert answer["Location"] == "/"
    assert SESSION_DRAFT not in connected_client.session


def test_another_account_does_not_get_the_draft(connected_client: Client) -> None:
    page = worked_on(connected_client)
    session_gone(connected_client)
    connected_client.post("/save/", {"digest": digest_of(page), "draft": sealed_of(page)})
    assert connected_client.session[SESSION_DRAFT_OWNER] == USER_TYPICAL

    sign_in_to(connected_client, "/preview/", user_id=USER_NEW)

    assert SESSION_DRAFT not in connected_client.session
    assert connected_client.get("/preview/")["Location"] == "/generate/"


def test_another_accounts_draft_is_not_taken_into_a_session(
    connected_client: Client, sign_in
) -> None:
    page = worked_on(connected_client)
    other = sign_in(Client(), user_id=USER_NEW)
    answer = other.post("/preview/resume/", {"draft": sealed_of(page)}, follow=True)
    assert NOT_YOURS in text_of(answer)
    assert other.get("/preview/")["Location"] == "/generate/"
    # Nor by a write: the other account's session has no draft, and gets none from the page.
    assert other.post("/preview/shuffle/", {"draft": sealed_of(page)})["Location"] == (
        "/generate/")


def test_a_sign_in_in_another_tab_keeps_the_pages_draft(connected_client: Client) -> None:
    """A new sign-in starts a new session: the page's sealed draft is its work."""
    page = worked_on(connected_client)
    sign_in_to(connected_client, "/generate/")  # another tab; the session's draft is gone
    saved = connected_client.post(
        "/save/", {"digest": digest_of(page), "draft": sealed_of(page)})
    assert saved.status_code == 302 and saved["Location"].startswith("/playlists/")


class TestRefusedCsrfToken:
    @pytest.mark.parametrize("write", list(WRITES))
    def test_nothing_is_written_and_the_page_leads_back_to_the_same_draft(
        self, connected_client: Client, emulator, write: str
    ) -> None:
        page = worked_on(connected_client)
        before, saved_before = shown_ids(page), owned_playlists(emulator)
        strict = Client(enforce_csrf_checks=True)
        strict.cookies[COOKIE] = connected_client.cookies[COOKIE].value  # no CSRF cookie

        refused = strict.post(f"/{write}/", {**WRITES[write](page), "draft": sealed_of(page)})

        assert refused.status_code == 403
        assert "Your form expired" in text_of(refused)
        assert "nothing was saved or changed" in text_of(refused)
        assert owned_playlists(emulator) == saved_before
        assert shown_ids(connected_client.get("/preview/")) == before  # no edit either
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                          refused.content.decode())
        assert token, "the page's own form carries a fresh token"
        assert sealed_of(refused) == sealed_of(page)

        back = strict.post("/preview/resume/", {"csrfmiddlewaretoken": token.group(1),
                                                "draft": sealed_of(refused)})
        assert back.status_code == 302 and back["Location"] == "/preview/"
        again = strict.get("/preview/")
        assert shown_ids(again) == before
        assert again.context["preview"].name == NAME

    def test_with_the_session_gone_too_it_goes_through_sign_in(
        self, connected_client: Client
    ) -> None:
        page = worked_on(connected_client)
        before = shown_ids(page)
        stranger = Client(enforce_csrf_checks=True)  # cookies cleared: neither is left
        refused = stranger.post("/save/", {"digest": digest_of(page), "draft": sealed_of(page)})
        assert refused.status_code == 403
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                          refused.content.decode())
        assert token
        answer = stranger.post("/preview/resume/", {"csrfmiddlewaretoken": token.group(1),
                                                    "draft": sealed_of(refused)})
        assert answer["Location"] == "/sign-in-again/"
        sign_in_to(stranger, "/preview/")
        assert shown_ids(stranger.get("/preview/")) == before

    def test_a_resume_needs_a_valid_token_too(self, connected_client: Client) -> None:
        page = worked_on(connected_client)
        strict = Client(enforce_csrf_checks=True)
        strict.cookies[COOKIE] = connected_client.cookies[COOKIE].value
        assert strict.post("/preview/resume/", {"draft": sealed_of(page)}).status_code == 403

    def test_without_a_draft_the_page_is_the_plain_one(self, connected_client: Client) -> None:
        strict = Client(enforce_csrf_checks=True)
        strict.cookies[COOKIE] = connected_client.cookies[COOKIE].value
        refused = strict.post("/save/", {"digest": "0" * 32, "draft": "forged"})
        assert refused.status_code == 403
        assert "Back to your preview" not in text_of(refused)
        assert "Back to MoodyStream" in text_of(refused)

    def test_another_accounts_draft_gets_the_plain_page(
        self, connected_client: Client, sign_in
    ) -> None:
        page = worked_on(connected_client)
        other = sign_in(Client(), user_id=USER_NEW)
        strict = Client(enforce_csrf_checks=True)
        strict.cookies[COOKIE] = other.cookies[COOKIE].value
        refused = strict.post("/save/", {"draft": sealed_of(page)})
        assert refused.status_code == 403
        assert "Back to your preview" not in text_of(refused)


def test_the_sign_in_again_page_is_only_for_a_waiting_draft(
    connected_client: Client, spotify_settings
) -> None:
    assert Client().get("/sign-in-again/")["Location"] == "/"
    assert connected_client.get("/sign-in-again/")["Location"] == "/generate/"


def test_back_after_sign_out_lands_on_our_page_not_spotifys(connected_client: Client) -> None:
    worked_on(connected_client)
    connected_client.post("/logout/")
    back = connected_client.get("/preview/")  # the browser's Back: no-store, so asked again
    assert back["Location"] == "/?next=%2Fpreview%2F"
    home = connected_client.get(back["Location"])
    assert home.status_code == 200
    assert 'href="/login/?next=/preview/"' in home.content.decode()


def test_the_options_page_back_keeps_nothing_it_should_not(connected_client: Client) -> None:
    """"Back to options" posts the sealed draft too: the options page shows its options."""
    page = worked_on(connected_client)
    session_gone(connected_client)
    answer = connected_client.post("/preview/resume/", {"to": "options",
                                                        "draft": sealed_of(page)})
    assert answer["Location"] == "/sign-in-again/"
    sign_in_to(connected_client, "/generate/")
    form = connected_client.get("/generate/")
    assert NAME in form.content.decode()
    assert VALID["artist_source"] in form.content.decode()


@pytest.mark.parametrize("write", ["save", "preview/remove", "preview/shuffle"])
def test_an_expired_refresh_token_goes_the_same_way(
    connected_client: Client, emulator, write: str
) -> None:
    """Spotify refuses the refresh token (six months after consent: invalid_grant) during a
    write: the same page, and the same draft after signing in again, for that account only."""
    page = worked_on(connected_client)
    before = shown_ids(page)
    sign_in_to(connected_client, "/generate/")  # another tab: the session's draft is gone
    emulator.app.tokens.revoke_user(USER_TYPICAL)

    told = connected_client.post(
        f"/{write}/", {"order": ",".join(before), **WRITES[write](page),
                       "draft": sealed_of(page)}, follow=True)

    # (Shuffle needs no Spotify call: the preview it leads to meets the refusal.)
    assert told.redirect_chain[-1][0] == "/sign-in-again/"
    assert SESSION_ENDED in text_of(told) and "Your options and removals are kept" in text_of(told)
    assert connected_client.session[SESSION_DRAFT_OWNER] == USER_TYPICAL
    sign_in_to(connected_client, "/preview/")
    again = connected_client.get("/preview/")
    if write != "preview/shuffle":  # the shuffle itself was made: a new draw, same removals
        assert shown_ids(again) == before
    assert again.context["preview"].name == NAME
    assert again.context["removed_count"] == 1


class TestTheOptionsPage:
    """"Preview playlist" finding the session gone keeps what was typed, for that account."""

    def options_page_draft(self, client: Client) -> str:
        return sealed_of(client.get("/generate/"))

    def test_the_typed_options_come_back_as_the_preview(self, connected_client: Client) -> None:
        sealed = self.options_page_draft(connected_client)
        session_gone(connected_client)
        answer = connected_client.post("/generate/", {**VALID, "name": NAME, "draft": sealed})
        assert answer["Location"] == "/sign-in-again/"
        sign_in_to(connected_client, "/preview/")
        again = connected_client.get("/preview/")
        assert again.status_code == 200 and again.context["preview"].name == NAME

    def test_removals_stay_for_the_same_artists(self, connected_client: Client) -> None:
        worked_on(connected_client)
        sealed = self.options_page_draft(connected_client)
        session_gone(connected_client)
        connected_client.post("/generate/", {**VALID, "name": "Renamed", "draft": sealed})
        sign_in_to(connected_client, "/preview/")
        again = connected_client.get("/preview/")
        assert again.context["preview"].name == "Renamed"
        assert again.context["removed_count"] == 1

    def test_options_that_do_not_validate_keep_the_draft_as_it_was(
        self, connected_client: Client
    ) -> None:
        worked_on(connected_client)
        sealed = self.options_page_draft(connected_client)
        session_gone(connected_client)
        connected_client.post("/generate/", {**VALID, "track_count": "5", "draft": sealed})
        sign_in_to(connected_client, "/preview/")
        assert connected_client.get("/preview/").context["preview"].name == NAME

    def test_without_a_draft_it_asks_to_sign_in_again(self, connected_client: Client) -> None:
        session_gone(connected_client)
        answer = connected_client.post("/generate/", VALID)
        assert answer["Location"] == "/"

    def test_another_account_does_not_get_them(self, connected_client: Client) -> None:
        sealed = self.options_page_draft(connected_client)
        session_gone(connected_client)
        connected_client.post("/generate/", {**VALID, "name": NAME, "draft": sealed})
        sign_in_to(connected_client, "/preview/", user_id=USER_NEW)
        assert connected_client.get("/preview/")["Location"] == "/generate/"
