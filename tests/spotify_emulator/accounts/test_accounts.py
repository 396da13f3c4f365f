"""The accounts service: consent page, redirect URI rules, code and refresh-token grants."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from spotify_emulator import (
    DEMO_CLIENT,
    DEMO_USERS,
    USER_TYPICAL,
    ClientApp,
    EmulatorConfig,
    EmulatorServer,
)
from spotify_emulator.testing import ConsentError, approve_consent

REDIRECT = "http://127.0.0.1:8888/callback"
SCOPES = "user-top-read playlist-modify-private"


def authorize_url(server: EmulatorServer, **overrides: str) -> str:
    params = {"client_id": DEMO_CLIENT.client_id, "response_type": "code",
              "redirect_uri": REDIRECT, "state": "st4te", "scope": SCOPES}
    params.update(overrides)
    return f"{server.authorize_url}?{urlencode({k: v for k, v in params.items() if v})}"


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def exchange(server: EmulatorServer, code: str, redirect_uri: str = REDIRECT,
             auth: tuple[str, str] | None = (DEMO_CLIENT.client_id, DEMO_CLIENT.client_secret),
             **form: str) -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            **form}
    return requests.post(server.token_url, data=data, auth=auth, timeout=10)


def refresh(server: EmulatorServer, token: str,
            auth: tuple[str, str] | None = (DEMO_CLIENT.client_id, DEMO_CLIENT.client_secret),
            **form: str) -> requests.Response:
    return requests.post(server.token_url, auth=auth, timeout=10,
                         data={"grant_type": "refresh_token", "refresh_token": token, **form})


def get_code(server: EmulatorServer, **overrides: str) -> str:
    return query_of(approve_consent(authorize_url(server, **overrides), USER_TYPICAL))["code"]


class TestConsentPage:
    def test_shows_the_app_scopes_and_labelled_demo_users(self, emulator: EmulatorServer):
        page = requests.get(authorize_url(emulator), timeout=10)
        assert page.status_code == 200
        html = page.text
        assert "Spotify emulator \u2014 demo, not the real Spotify" in html
        assert DEMO_CLIENT.name in html
        assert "user-top-read" in html and "playlist-modify-private" in html
        assert '<select id="user_id" name="user_id">' in html
        for user in DEMO_USERS:
            assert f'<option value="{user.id}">' in html
        assert "Alex (indie &amp; rock fan)" in html
        assert re.search(r'<button[^>]*id="approve"[^>]*name="decision" value="approve">Agree<',
                         html)
        assert re.search(r'<button[^>]*id="deny"[^>]*name="decision" value="deny">Cancel<', html)

    def test_form_posts_back_with_the_same_parameters_as_hidden_fields(self, emulator):
        html = requests.get(authorize_url(emulator), timeout=10).text
        assert f'<form method="post" action="{emulator.base_url}/authorize">' in html
        for name, value in (("client_id", DEMO_CLIENT.client_id), ("response_type", "code"),
                            ("redirect_uri", REDIRECT), ("state", "st4te"), ("scope", SCOPES)):
            assert f'<input type="hidden" name="{name}" value="{value}">' in html

    def test_has_no_inline_script_or_style_and_links_its_stylesheet(self, emulator):
        html = requests.get(authorize_url(emulator), timeout=10).text
        assert "<script" not in html and "<style" not in html and "style=" not in html
        assert "onclick" not in html
        css = f"{emulator.base_url}/static/consent.css"
        assert f'<link rel="stylesheet" href="{css}">' in html
        sheet = requests.get(css, timeout=10)
        assert sheet.status_code == 200
        assert sheet.headers["Content-Type"].startswith("text/css")


class TestDecision:
    def test_approve_redirects_with_code_and_state(self, emulator: EmulatorServer):
        location = approve_consent(authorize_url(emulator), USER_TYPICAL)
        assert location.startswith(REDIRECT + "?")
        assert query_of(location)["state"] == "st4te"
        assert query_of(location)["code"]

    def test_deny_redirects_with_access_denied(self, emulator: EmulatorServer):
        location = approve_consent(authorize_url(emulator), USER_TYPICAL, decision="deny")
        assert query_of(location) == {"error": "access_denied", "state": "st4te"}

    def test_unknown_scope_is_an_illegal_scope_page(self, emulator: EmulatorServer):
        page = requests.get(authorize_url(emulator, scope="user-top-read no-such-scope"),
                            allow_redirects=False, timeout=10)
        assert page.status_code == 400
        assert '<p class="error">Illegal scope</p>' in page.text
        assert "no-such-scope" in page.text

    def test_wrong_response_type_goes_back_as_unsupported(self, emulator: EmulatorServer):
        location = approve_consent(authorize_url(emulator, response_type="token"), USER_TYPICAL)
        assert query_of(location)["error"] == "unsupported_response_type"


class TestRedirectUriRules:
    def error_page(self, server: EmulatorServer, **overrides: str) -> str:
        page = requests.get(authorize_url(server, **overrides), allow_redirects=False,
                            timeout=10)
        assert page.status_code == 400
        assert "<script" not in page.text
        return page.text

    def test_unknown_client_is_an_error_page(self, emulator: EmulatorServer):
        assert "INVALID_CLIENT: Invalid client" in self.error_page(emulator, client_id="nope")

    def test_unregistered_redirect_uri_is_an_error_page(self, emulator: EmulatorServer):
        html = self.error_page(emulator, redirect_uri="https://evil.example/callback")
        assert "INVALID_CLIENT: Invalid redirect URI" in html

    def test_match_is_exact(self, emulator: EmulatorServer):
        self.error_page(emulator, redirect_uri=REDIRECT + "/extra")
        self.error_page(emulator, redirect_uri="https://127.0.0.1:8888/callback")
        self.error_page(emulator, redirect_uri="http://127.0.0.1:8888/callback?x=1")

    def test_localhost_is_refused_even_when_otherwise_matching(self, emulator: EmulatorServer):
        html = self.error_page(emulator, redirect_uri="http://localhost:8888/callback")
        assert "INVALID_CLIENT: Insecure redirect URI" in html
        assert "localhost" in html

    def test_plain_http_to_a_real_host_is_an_insecure_redirect_uri(self, emulator):
        html = self.error_page(emulator, redirect_uri="http://moody.example/callback/")
        assert "INVALID_CLIENT: Insecure redirect URI" in html
        assert "INVALID_CLIENT: Invalid redirect URI" not in html

    def test_registering_localhost_or_plain_http_is_refused(self):
        with pytest.raises(ValueError, match="localhost"):
            ClientApp("c", "s", ["http://localhost:8000/cb"])
        with pytest.raises(ValueError, match="insecure"):
            ClientApp("c", "s", ["http://example.com/cb"])
        ClientApp("c", "s", ["https://example.com/cb", "http://[::1]:9000/cb",
                             "http://127.0.0.1:9000/cb"])

    def test_any_loopback_port_when_the_client_allows_it(self, emulator: EmulatorServer):
        # DEMO_CLIENT registers http://127.0.0.1/callback/ with allow_any_loopback_port.
        for port in (8000, 8123, 49152):
            uri = f"http://127.0.0.1:{port}/callback/"
            location = approve_consent(authorize_url(emulator, redirect_uri=uri), USER_TYPICAL)
            assert location.startswith(uri + "?code=")
        self.error_page(emulator, redirect_uri="http://127.0.0.1:8000/other/")

    def test_without_the_option_the_port_must_match(self, make_emulator):
        strict = ClientApp("strict", "secret", ["http://127.0.0.1/callback/"])
        server = make_emulator(EmulatorConfig(clients=[strict]))
        self.error_page(server, client_id="strict", redirect_uri="http://127.0.0.1:8000/callback/")


class TestAuthorizationCodeGrant:
    def test_code_for_tokens_with_basic_auth(self, emulator: EmulatorServer):
        answer = exchange(emulator, get_code(emulator))
        assert answer.status_code == 200
        body = answer.json()
        assert set(body) == {"access_token", "token_type", "scope", "expires_in",
                             "refresh_token"}
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 3600
        assert body["scope"].split() == SCOPES.split()
        assert answer.headers["Cache-Control"] == "no-store"

    def test_client_credentials_in_the_form_work_too(self, emulator: EmulatorServer):
        answer = exchange(emulator, get_code(emulator), auth=None,
                          client_id=DEMO_CLIENT.client_id,
                          client_secret=DEMO_CLIENT.client_secret)
        assert answer.status_code == 200

    def test_code_is_single_use(self, emulator: EmulatorServer):
        code = get_code(emulator)
        assert exchange(emulator, code).status_code == 200
        again = exchange(emulator, code)
        assert again.status_code == 400
        assert again.json() == {"error": "invalid_grant",
                                "error_description": "Invalid authorization code"}

    def test_code_expires_after_ten_minutes(self, emulator: EmulatorServer):
        code = get_code(emulator)
        emulator.app.clock.advance(601)
        answer = exchange(emulator, code)
        assert answer.status_code == 400
        assert answer.json()["error"] == "invalid_grant"

    def test_redirect_uri_must_equal_the_one_used_at_authorize(self, emulator: EmulatorServer):
        answer = exchange(emulator, get_code(emulator), redirect_uri="http://127.0.0.1/callback/")
        assert answer.status_code == 400
        assert answer.json()["error"] == "invalid_grant"

    @pytest.mark.parametrize("auth", [(DEMO_CLIENT.client_id, "wrong"), ("nobody", "x")])
    def test_bad_client_is_invalid_client(self, emulator: EmulatorServer, auth):
        answer = exchange(emulator, get_code(emulator), auth=auth)
        assert answer.status_code in (400, 401)
        assert answer.json()["error"] == "invalid_client"

    def test_a_code_without_pkce_needs_the_client_secret(self, emulator: EmulatorServer):
        answer = exchange(emulator, get_code(emulator), auth=None,
                          client_id=DEMO_CLIENT.client_id)
        assert answer.json()["error"] == "invalid_client"

    def test_missing_or_unknown_grant_type(self, emulator: EmulatorServer):
        auth = (DEMO_CLIENT.client_id, DEMO_CLIENT.client_secret)
        missing = requests.post(emulator.token_url, data={}, auth=auth, timeout=10)
        assert missing.json()["error"] == "unsupported_grant_type"
        odd = requests.post(emulator.token_url, data={"grant_type": "password"}, auth=auth,
                            timeout=10)
        assert odd.json()["error"] == "unsupported_grant_type"


class TestPkce:
    def test_public_client_sends_only_client_id_and_verifier(self, emulator: EmulatorServer):
        verifier, challenge = pkce_pair()
        code = get_code(emulator, code_challenge=challenge, code_challenge_method="S256")
        answer = exchange(emulator, code, auth=None, client_id=DEMO_CLIENT.client_id,
                          code_verifier=verifier)
        assert answer.status_code == 200, answer.text
        token = answer.json()
        # PKCE refresh: client_id only, no secret.
        renewed = refresh(emulator, token["refresh_token"], auth=None,
                          client_id=DEMO_CLIENT.client_id)
        assert renewed.status_code == 200, renewed.text

    def test_wrong_verifier_is_invalid_grant(self, emulator: EmulatorServer):
        _, challenge = pkce_pair()
        code = get_code(emulator, code_challenge=challenge, code_challenge_method="S256")
        answer = exchange(emulator, code, auth=None, client_id=DEMO_CLIENT.client_id,
                          code_verifier=secrets.token_urlsafe(48))
        assert answer.status_code == 400
        assert answer.json() == {"error": "invalid_grant",
                                 "error_description": "code_verifier was incorrect"}

    def test_plain_challenge_method_is_refused(self, emulator: EmulatorServer):
        location = approve_consent(authorize_url(emulator, code_challenge="abc",
                                                 code_challenge_method="plain"), USER_TYPICAL)
        assert query_of(location)["error"] == "invalid_request"


class TestRefreshTokens:
    def tokens(self, server: EmulatorServer) -> dict:
        return exchange(server, get_code(server)).json()

    def test_refresh_omits_a_new_refresh_token_and_the_old_one_stays_valid(self, emulator):
        first = self.tokens(emulator)
        renewed = refresh(emulator, first["refresh_token"])
        assert renewed.status_code == 200
        body = renewed.json()
        assert "refresh_token" not in body
        assert body["access_token"] != first["access_token"]
        assert refresh(emulator, first["refresh_token"]).status_code == 200

    def test_rotation_can_be_configured(self, make_emulator):
        server = make_emulator(EmulatorConfig(rotate_refresh_tokens=True))
        first = self.tokens(server)
        body = refresh(server, first["refresh_token"]).json()
        assert body["refresh_token"] != first["refresh_token"]
        assert refresh(server, body["refresh_token"]).status_code == 200

    def test_revoked_refresh_token(self, emulator: EmulatorServer):
        token = self.tokens(emulator)["refresh_token"]
        emulator.app.tokens.revoke_user(USER_TYPICAL, access=False, refresh=True)
        answer = refresh(emulator, token)
        assert answer.status_code == 400
        assert answer.json() == {"error": "invalid_grant",
                                 "error_description": "Refresh token revoked"}

    def test_refresh_tokens_expire_six_months_after_consent(self, emulator: EmulatorServer):
        token = self.tokens(emulator)["refresh_token"]
        emulator.app.clock.advance(170 * 24 * 3600)
        assert refresh(emulator, token).status_code == 200  # refreshing does not extend it
        emulator.app.clock.advance(20 * 24 * 3600)
        answer = refresh(emulator, token)
        assert answer.status_code == 400
        assert answer.json()["error"] == "invalid_grant"

    def test_unknown_refresh_token(self, emulator: EmulatorServer):
        answer = refresh(emulator, "AQ-unknown")
        assert answer.json()["error"] == "invalid_grant"

    def test_approve_consent_reports_error_pages(self, emulator: EmulatorServer):
        with pytest.raises(ConsentError, match="INVALID_CLIENT"):
            approve_consent(authorize_url(emulator, client_id="nope"), USER_TYPICAL)
