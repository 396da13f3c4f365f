"""Signing in with the listener's own Spotify app, through the real views and the emulator.

The listener's app is registered in the emulator as its dashboard would (owner, redirect URI,
no other users); the browser is Django's test client on a loopback host, so the redirect URI
the page computes is one Spotify accepts.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from accounts.own_app import REMEMBER_COOKIE
from accounts.session import SESSION_OWN_CLIENT_ID
from moodystream.sessions import seal
from playlists.services.options import MAX_DESCRIPTION, MAX_NAME
from spotify_emulator import USER_ECLECTIC, USER_FEW_TOP_ARTISTS, USER_TYPICAL, ClientApp
from spotify_emulator.testing import approve_consent
from tests.conftest import local_path
from tests.playlists.views.test_generator import VALID, digest_of, make_preview, owned_playlists

HOST = "127.0.0.1:8000"
CALLBACK = f"http://{HOST}/connect/own-app/callback/"

pytestmark = pytest.mark.usefixtures("spotify_settings")


@pytest.fixture(autouse=True)
def both_modes(settings):
    settings.SPOTIFY_SIGN_IN_MODES = ("operator", "own-app")
    return settings


def register_app(emulator, owner: str = USER_ECLECTIC, redirect_uri: str = CALLBACK,
                 users: tuple[str, ...] = ()) -> str:
    """What the developer dashboard does: a new app with a 32-hex Client ID."""
    client_id = secrets.token_hex(16)
    emulator.app.register_client(ClientApp(client_id, secrets.token_hex(16), [redirect_uri],
                                           allowed_users=users, owner=owner, name="Mine"))
    return client_id


def browser() -> Client:
    return Client(HTTP_HOST=HOST)


def start(client: Client, client_id: str, **extra: str):
    return client.post("/connect/own-app/", {"client_id": client_id, **extra})


def sign_in_own(client: Client, client_id: str, user_id: str = USER_ECLECTIC, **extra: str):
    """Own-app page → emulator consent as ``user_id`` → our callback; the callback's answer."""
    started = start(client, client_id, **extra)
    assert started.status_code == 302, started.content.decode()[:1000]
    location = approve_consent(started["Location"], user_id, http_session=requests.Session())
    assert location.startswith(CALLBACK), location
    return client.get(local_path(location))


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


class TestThePage:
    def test_steps_with_the_exact_redirect_uri_and_the_client_id_field(self) -> None:
        page = browser().get("/connect/own-app/")
        assert page.status_code == 200
        text = text_of(page)
        assert f'<code id="redirect-uri">{CALLBACK}</code>' in text
        assert "Web API" in text and "needs Spotify Premium" in text
        assert 'name="client_id"' in text and 'data-copy-target="redirect-uri"' in text
        assert "<script>" not in text and "style=" not in text

    @pytest.mark.parametrize(("host", "script_name", "expected"), [
        ("abc123.execute-api.eu-west-1.amazonaws.com", "/prod",
         "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/connect/own-app/callback/"),
        ("moody.example", "", "https://moody.example/connect/own-app/callback/"),
    ], ids=["stage-prefix", "custom-domain"])
    def test_the_redirect_uri_follows_host_and_stage_prefix(
        self, settings, host: str, script_name: str, expected: str
    ) -> None:
        """As on Lambda: Zappa hands the stage to Django as SCRIPT_NAME (none on a domain)."""
        from django.core.handlers.wsgi import WSGIHandler
        from werkzeug.test import Client as WsgiClient

        settings.ALLOWED_HOSTS = [host]
        answer = WsgiClient(WSGIHandler()).get(
            "/connect/own-app/", base_url=f"https://{host}{script_name}/")
        assert answer.status_code == 200
        html = re.sub(r"\s+", " ", answer.get_data(as_text=True))
        assert f'<code id="redirect-uri">{expected}</code>' in html

    def test_head_answers_like_get_and_post_only_actions_refuse_it(self) -> None:
        client = browser()
        assert client.head("/connect/own-app/").status_code == 200
        assert client.head("/connect/own-app/callback/").status_code == 400
        assert client.head("/connect/own-app/forget/").status_code == 405

    def test_home_offers_both_ways_in(self) -> None:
        text = text_of(browser().get("/"))
        assert 'id="connect"' in text and 'href="/connect/own-app/"' in text

    @pytest.mark.parametrize(("typed", "message"), [
        ("", "Paste the Client ID"),
        ("not-a-client-id-at-all-xxxxxxxxx", "only the digits 0-9 and the letters a-f"),
        ("abc123", "32 characters long; this one has 6"),
    ])
    def test_a_malformed_client_id_gets_a_clear_message(self, typed: str, message: str,
                                                        emulator) -> None:
        page = start(browser(), typed)
        assert page.status_code == 400
        assert message in text_of(page)
        assert emulator.app.request_log.entries() == []  # Spotify was not even asked

    def test_off_when_the_operator_offers_only_their_app(self, settings) -> None:
        settings.SPOTIFY_SIGN_IN_MODES = ("operator",)
        assert browser().get("/connect/own-app/").status_code == 404
        assert 'href="/connect/own-app/"' not in text_of(browser().get("/"))

    @pytest.mark.parametrize("modes", [("own-app",), ()], ids=["chosen", "no-credentials"])
    def test_own_app_only_sends_login_to_the_own_app_page(self, settings, modes) -> None:
        settings.SPOTIFY_SIGN_IN_MODES = modes
        if not modes:  # no operator credentials: own-app is what is left
            settings.SPOTIFY_CLIENT_ID = settings.SPOTIFY_CLIENT_SECRET = ""
        answer = browser().get("/login/?next=/generate/")
        assert answer.status_code == 302
        assert answer["Location"] == "/connect/own-app/?next=%2Fgenerate%2F"
        assert 'id="connect"' not in text_of(browser().get("/"))


class TestSigningIn:
    def test_public_client_sign_in_generate_refresh_and_save(self, emulator) -> None:
        client_id = register_app(emulator)
        client = browser()
        started = start(client, client_id)
        query = parse_qs(urlsplit(started["Location"]).query)
        assert query["client_id"] == [client_id]
        assert query["redirect_uri"] == [CALLBACK]
        assert query["code_challenge_method"] == ["S256"]
        location = approve_consent(started["Location"], USER_ECLECTIC,
                                   http_session=requests.Session())
        done = client.get(local_path(location))
        assert done.status_code == 302 and done["Location"] == "/generate/"
        assert client.session[SESSION_OWN_CLIENT_ID] == client_id
        grants = list(emulator.app.tokens.refresh_grants.values())
        assert [(g.client_id, g.user_id, g.public_client) for g in grants] == [
            (client_id, USER_ECLECTIC, True)]  # exchanged with client_id only, no secret

        page = make_preview(client, track_count="12")
        # The access token expires; the refresh sends client_id in the body, no secret, and
        # keeps the single-use refresh token's successor.
        emulator.app.clock.advance(3601)
        first_refresh = client.session["sp_tokens"]["r"]
        again = client.get("/preview/")
        assert again.status_code == 200
        assert client.session["sp_tokens"]["r"] != first_refresh
        saved = client.post("/save/", {"digest": digest_of(page)})
        assert saved.status_code == 302
        assert len(owned_playlists(emulator, USER_ECLECTIC)) == 1
        assert all(r.client_id == client_id for r in emulator.app.request_log.entries()
                   if r.path.startswith("/v1/"))

    def test_sign_out_forgets_the_client_id(self, emulator) -> None:
        client_id = register_app(emulator)
        client = browser()
        sign_in_own(client, client_id)
        client.post("/logout/")
        assert SESSION_OWN_CLIENT_ID not in client.session
        assert client_id not in text_of(client.get("/connect/own-app/"))
        assert REMEMBER_COOKIE not in client.cookies or not client.cookies[REMEMBER_COOKIE].value

    def test_remember_my_client_id_survives_sign_out_and_can_be_forgotten(self, emulator):
        client_id = register_app(emulator)
        client = browser()
        sign_in_own(client, client_id, remember="1")
        cookie = client.cookies[REMEMBER_COOKIE]
        assert client_id not in cookie.value  # sealed, not readable
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        client.post("/logout/")
        page = text_of(client.get("/connect/own-app/"))
        assert f'value="{client_id}"' in page and 'id="forget-client-id"' in page
        client.post("/connect/own-app/forget/")
        assert client_id not in text_of(client.get("/connect/own-app/"))

    def test_a_tampered_remember_cookie_is_ignored(self, emulator) -> None:
        client = browser()
        client.cookies[REMEMBER_COOKIE] = seal({"client_id": "a" * 32})[:-4] + "AAAA"
        page = client.get("/connect/own-app/")
        assert page.status_code == 200 and "a" * 32 not in text_of(page)

    def test_the_session_cookie_stays_under_4_kb_with_the_client_id(self, emulator) -> None:
        client_id = register_app(emulator)
        client = browser()
        sign_in_own(client, client_id)
        make_preview(client)
        options = client.post("/generate/", {
            **VALID, "artist_source": "picked", "name": "N" * MAX_NAME,
            "description": "D" * MAX_DESCRIPTION,
            "picked_artists": "\n".join(f"Artist number {i:02d}" for i in range(30))})
        assert options.status_code == 302
        cookie = client.cookies["moodystream_session"]
        assert client.session[SESSION_OWN_CLIENT_ID] == client_id
        header = cookie.output(header="").strip()
        assert len(header) < 4096, f"{len(header)} bytes"

    def test_a_stale_or_forged_callback_is_refused(self, emulator) -> None:
        client_id = register_app(emulator)
        client = browser()
        start(client, client_id)
        forged = client.get("/connect/own-app/callback/?code=abc&state=forged")
        assert forged.status_code == 400
        assert "sp_tokens" not in client.session

    def test_refusing_consent_connects_nothing(self, emulator) -> None:
        client_id = register_app(emulator)
        client = browser()
        started = start(client, client_id)
        location = approve_consent(started["Location"], USER_ECLECTIC, decision="deny",
                                   http_session=requests.Session())
        page = client.get(local_path(location))
        assert page.status_code == 200 and "nothing was connected" in text_of(page)
        assert 'href="/connect/own-app/">Try connecting again' in text_of(page)
        assert "sp_tokens" not in client.session


class TestWhatGoesWrong:
    def test_unknown_client_id(self, emulator) -> None:
        unknown = secrets.token_hex(16)
        page = start(browser(), unknown)
        assert page.status_code == 400
        text = text_of(page)
        assert "Spotify does not know this Client ID" in text
        assert "INVALID_CLIENT: Invalid client" in text and unknown[-6:] in text
        assert "copy the <strong>Client ID</strong>" in text

    def test_redirect_uri_not_registered(self, emulator) -> None:
        client_id = register_app(emulator, redirect_uri="https://elsewhere.example/cb")
        page = start(browser(), client_id)
        assert page.status_code == 400
        text = text_of(page)
        assert "INVALID_CLIENT: Invalid redirect URI" in text
        assert f'<code id="redirect-uri">{CALLBACK}</code>' in text
        assert "<strong>Settings</strong> → <strong>Edit</strong>" in text

    def test_insecure_address(self, emulator, settings) -> None:
        settings.ALLOWED_HOSTS = ["moody.example"]
        client_id = register_app(emulator)
        page = start(Client(HTTP_HOST="moody.example"), client_id)
        assert page.status_code == 400
        assert "INVALID_CLIENT: Insecure redirect URI" in text_of(page)

    def test_an_account_that_is_not_the_apps_owner_or_user(self, emulator) -> None:
        client_id = register_app(emulator, owner=USER_ECLECTIC)
        client = browser()
        page = sign_in_own(client, client_id, user_id=USER_TYPICAL)
        assert page.status_code == 403
        text = text_of(page)
        assert "not your app's owner or user" in text
        assert "<strong>User Management</strong>" in text
        assert "sp_tokens" not in client.session

    def test_an_added_user_gets_in(self, emulator) -> None:
        client_id = register_app(emulator, owner=USER_ECLECTIC, users=(USER_TYPICAL,))
        assert sign_in_own(browser(), client_id, user_id=USER_TYPICAL).status_code == 302

    def test_an_owner_without_premium(self, emulator) -> None:
        client_id = register_app(emulator, owner=USER_FEW_TOP_ARTISTS)
        client = browser()
        page = sign_in_own(client, client_id, user_id=USER_FEW_TOP_ARTISTS)
        assert page.status_code == 403
        text = text_of(page)
        assert "The app's owner needs Spotify Premium" in text
        assert "create a new app" in text
        assert "sp_tokens" not in client.session

    def test_the_quota_page_says_it_was_your_own_apps_quota(self, emulator, sign_in) -> None:
        client_id = register_app(emulator)
        client = browser()
        sign_in_own(client, client_id)
        operator_client = sign_in()
        emulator.app.rate_limiter.exhaust_quota(USER_ECLECTIC)
        emulator.app.rate_limiter.quota_retry_after = 7200
        page = client.post("/generate/", VALID, follow=True)
        assert page.status_code == 429
        text = text_of(page)
        assert f"Your own Spotify app (Client ID …{client_id[-6:]}) has used up" in text
        assert "other MoodyStream listeners are not affected" in text
        # Another developer account (the operator's) still has its quota.
        assert make_preview(operator_client).status_code == 200

    def test_the_operators_quota_page_points_to_your_own_app(self, emulator, sign_in) -> None:
        operator_client = sign_in()
        emulator.app.rate_limiter.configure(None, quota_exceeded=True)
        page = operator_client.post("/generate/", VALID, follow=True)
        assert page.status_code == 429
        text = text_of(page)
        assert "MoodyStream has used up its Spotify quota for now" in text
        assert "use your own Spotify app" in text


class TestWhenSpotifyMisbehaves:
    """Faults on the accounts service during an own-app sign-in: never a 500, never half in."""

    def test_a_failing_check_never_blocks_a_sign_in_that_would_work(self, emulator) -> None:
        client_id = register_app(emulator)
        emulator.app.faults.add("/authorize", status=503, count=1, method="GET")
        started = start(browser(), client_id)
        assert started.status_code == 302  # the check saw no verdict: on to Spotify
        assert f"client_id={client_id}" in started["Location"]

    def test_the_token_endpoint_down_at_the_callback(self, emulator) -> None:
        client_id = register_app(emulator)
        client = browser()
        started = start(client, client_id)
        location = approve_consent(started["Location"], USER_ECLECTIC,
                                   http_session=requests.Session())
        emulator.app.faults.add("/api/token", status=503, count=5)
        page = client.get(local_path(location))
        assert page.status_code == 503
        assert "sp_tokens" not in client.session and SESSION_OWN_CLIENT_ID not in client.session
        emulator.app.faults.clear()
        # A fresh attempt works.
        assert sign_in_own(client, client_id).status_code == 302
