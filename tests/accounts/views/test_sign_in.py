"""Connecting a Spotify account, specified through the emulator over real HTTP."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from spotify_emulator import DEMO_CLIENT, USER_NOT_ALLOWLISTED, USER_TYPICAL
from spotify_emulator.testing import approve_consent
from tests.conftest import TEST_REDIRECT_URI, local_path

pytestmark = pytest.mark.usefixtures("spotify_settings")


def start_login(client: Client) -> tuple[str, dict[str, list[str]]]:
    response = client.get("/login/")
    assert response.status_code == 302
    url = response["Location"]
    return url, parse_qs(urlsplit(url).query)


def issued_tokens(emulator) -> list[str]:
    store = emulator.app.tokens
    return [*store.access_tokens, *store.refresh_grants]


def session_cookie(client: Client) -> str:
    return client.cookies["moodystream_session"].value


class TestLoginRedirect:
    def test_sends_the_user_to_spotify_with_pkce_state_and_only_needed_scopes(
        self, emulator
    ) -> None:
        url, query = start_login(Client())
        assert url.startswith(emulator.base_url + "/authorize?")
        assert query["client_id"] == [DEMO_CLIENT.client_id]
        assert query["response_type"] == ["code"]
        assert query["redirect_uri"] == [TEST_REDIRECT_URI]
        assert query["code_challenge_method"] == ["S256"]
        assert len(query["code_challenge"][0]) == 43
        assert len(query["state"][0]) >= 32
        assert set(query["scope"][0].split()) == {
            "user-top-read",
            "user-follow-read",
            "user-library-read",
            "playlist-read-private",
            "playlist-modify-public",
            "playlist-modify-private",
        }

    def test_each_login_gets_a_fresh_state_and_challenge(self) -> None:
        _, first = start_login(Client())
        _, second = start_login(Client())
        assert first["state"] != second["state"]
        assert first["code_challenge"] != second["code_challenge"]


class TestHappyPath:
    def test_approving_consent_connects_and_lands_on_the_generator(self, sign_in) -> None:
        client = sign_in()
        page = client.get("/generate/")
        assert page.status_code == 200
        assert "Connected as" in page.content.decode()

    def test_the_home_page_forwards_connected_users(self, connected_client) -> None:
        response = connected_client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/generate/"

    def test_login_returns_to_the_page_that_asked_for_it(self, sign_in) -> None:
        client = Client()
        bounced = client.get("/preview/")
        assert bounced.status_code == 302
        assert bounced["Location"] == "/?next=%2Fpreview%2F"  # the ways in, not Spotify
        start = client.get(bounced["Location"])
        assert 'href="/login/?next=/preview/"' in start.content.decode()
        start = client.get("/login/?next=/preview/")
        location = approve_consent(start["Location"], USER_TYPICAL)
        done = client.get(local_path(location))
        assert done["Location"] == "/preview/"

    def test_an_offsite_next_is_ignored(self, emulator) -> None:
        client = Client()
        start = client.get("/login/?next=https://evil.example/steal")
        location = approve_consent(start["Location"], USER_TYPICAL)
        done = client.get(local_path(location))
        assert done["Location"] == "/generate/"


class TestRefusals:
    def test_denied_consent_gets_a_friendly_page_and_a_way_back(self) -> None:
        client = Client()
        url, _ = start_login(client)
        location = approve_consent(url, USER_TYPICAL, decision="deny")
        assert "error=access_denied" in location
        page = client.get(local_path(location))
        assert page.status_code == 200
        text = page.content.decode()
        assert "nothing was connected" in text
        assert 'href="/login/"' in text
        assert client.get("/generate/").status_code == 302

    def test_state_mismatch_is_refused_without_exchanging_the_code(self, emulator) -> None:
        client = Client()
        url, _ = start_login(client)
        location = approve_consent(url, USER_TYPICAL)
        forged = location.replace("state=", "state=x")
        emulator.app.request_log.clear()
        page = client.get(local_path(forged))
        assert page.status_code == 400
        assert "could not verify" in page.content.decode()
        assert not [e for e in emulator.app.request_log.entries() if "token" in e.path]
        assert client.get("/generate/").status_code == 302

    def test_a_callback_from_another_browser_is_refused(self) -> None:
        victim, attacker = Client(), Client()
        url, _ = start_login(attacker)
        location = approve_consent(url, USER_TYPICAL)
        # Login CSRF: the attacker's code pushed into the victim's browser.
        page = victim.get(local_path(location))
        assert page.status_code == 400

    def test_a_replayed_callback_never_exchanges_the_code_again(self, emulator) -> None:
        client = Client()
        url, _ = start_login(client)
        location = approve_consent(url, USER_TYPICAL)
        assert client.get(local_path(location)).status_code == 302
        emulator.app.request_log.clear()
        replay = client.get(local_path(location))
        # Signed in already: back to the generator, the used code untouched.
        assert replay.status_code == 302 and replay["Location"] == "/generate/"
        assert not [e for e in emulator.app.request_log.entries() if "token" in e.path]
        client.post("/logout/")
        after_sign_out = client.get(local_path(location))
        assert after_sign_out.status_code == 400
        assert "could not verify" in after_sign_out.content.decode()

    def test_a_user_outside_the_development_allow_list_is_told_what_to_do(self) -> None:
        client = Client()
        url, _ = start_login(client)
        location = approve_consent(url, USER_NOT_ALLOWLISTED)
        page = client.get(local_path(location))
        assert page.status_code == 403
        text = page.content.decode()
        assert "User Management" in text
        assert "Development Mode" in text
        assert client.get("/generate/").status_code == 302


class TestTokenLifetime:
    def test_an_expired_access_token_is_refreshed_transparently(
        self, connected_client, emulator
    ) -> None:
        emulator.app.clock.advance(3600 + 5)
        emulator.app.request_log.clear()
        page = connected_client.get("/playlists/" + "0" * 22 + "/")
        # The page itself 404s (no such playlist) but the token was refreshed first.
        assert page.status_code == 404
        assert any(e.path.endswith("/api/token") for e in emulator.app.request_log.entries())
        # and the refreshed token keeps working
        assert connected_client.get("/generate/").status_code == 200

    def test_a_revoked_refresh_token_signs_the_user_out_with_a_message(
        self, connected_client, emulator
    ) -> None:
        emulator.app.tokens.revoke_user(USER_TYPICAL, access=True, refresh=True)
        response = connected_client.get("/playlists/" + "0" * 22 + "/", follow=True)
        assert response.redirect_chain[0][0] == "/"
        assert "connect again" in response.content.decode()
        assert connected_client.get("/generate/").status_code == 302

    def test_an_expired_token_whose_refresh_is_revoked_signs_out(
        self, connected_client, emulator
    ) -> None:
        emulator.app.tokens.revoke_user(USER_TYPICAL, access=False, refresh=True)
        emulator.app.clock.advance(3600 + 5)
        response = connected_client.get("/generate/", follow=True)
        assert response.status_code == 200
        # /generate/ needs no Spotify call; the next page that does signs out.
        response = connected_client.get("/playlists/" + "0" * 22 + "/", follow=True)
        assert "connect again" in response.content.decode()


class TestSessionCookie:
    def test_logout_clears_the_session(self, connected_client) -> None:
        page = connected_client.get("/generate/")
        token = page.context["csrf_token"]
        response = connected_client.post("/logout/", {"csrfmiddlewaretoken": str(token)})
        assert response.status_code == 302
        assert connected_client.get("/generate/").status_code == 302

    def test_logout_needs_post_with_csrf(self, connected_client) -> None:
        assert connected_client.get("/logout/").status_code == 405
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = connected_client.cookies
        assert strict.post("/logout/").status_code == 403
        assert connected_client.get("/generate/").status_code == 200

    def test_a_tampered_cookie_is_rejected(self, connected_client) -> None:
        value = session_cookie(connected_client)
        connected_client.cookies["moodystream_session"] = value[:-4] + "AAAA"
        assert connected_client.get("/generate/").status_code == 302

    def test_tokens_cannot_be_read_from_the_cookie(self, connected_client, emulator) -> None:
        value = session_cookie(connected_client)
        issued = [t for t in issued_tokens(emulator) if t in value]
        assert issued == []
        assert "sp_tokens" not in value

    def test_cookie_flags(self, connected_client) -> None:
        cookie = connected_client.cookies["moodystream_session"]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"

    def test_secure_flag_outside_local_development(self, sign_in, settings) -> None:
        settings.SESSION_COOKIE_SECURE = True
        client = sign_in()
        assert client.cookies["moodystream_session"]["secure"]


def test_no_token_or_secret_in_any_log_line(sign_in, emulator, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = sign_in()
    emulator.app.clock.advance(3600 + 5)
    client.get("/playlists/" + "0" * 22 + "/")
    secrets = [*issued_tokens(emulator), DEMO_CLIENT.client_secret]
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert secrets
    assert not [s for s in secrets if s in text]
    for record in caplog.records:
        assert "code=" not in record.getMessage() or "[redacted]" in record.getMessage()


def test_login_requires_no_tokens_to_show_home(emulator) -> None:
    page = Client().get("/")
    assert page.status_code == 200
    assert 'id="connect"' in page.content.decode()
    assert requests  # the module is used by the sign-in fixture
