"""A listener's own Spotify app: the demo developer dashboard, public clients (PKCE, no
secret) at the token endpoint, and the owner rules of Development Mode."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from spotify_emulator import USER_ECLECTIC, USER_FEW_TOP_ARTISTS, USER_TYPICAL, EmulatorServer
from spotify_emulator.app import NOT_REGISTERED, OWNER_NEEDS_PREMIUM
from spotify_emulator.testing import approve_consent

from ..conftest import error_of

REDIRECT = "https://moody.example/connect/own-app/callback/"
CLIENT_ID = re.compile(r'<code id="client-id">([0-9a-f]{32})</code>')


class Dashboard:
    """A browser-like session on the emulator's dashboard (keeps the form cookie)."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.http = requests.Session()

    def url(self, path: str = "") -> str:
        return f"{self.server.base_url}/dashboard{path}"

    def csrf(self, developer: str = USER_ECLECTIC) -> str:
        page = self.http.get(self.url(), params={"developer": developer}, timeout=10)
        assert page.status_code == 200
        return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def create(self, developer: str = USER_ECLECTIC, name: str = "My MoodyStream",
               redirect_uris: str = REDIRECT, **extra: str) -> requests.Response:
        form = {"csrf": self.csrf(developer), "developer": developer, "name": name,
                "redirect_uris": redirect_uris, "web_api": "1", "terms": "1", **extra}
        form = {k: v for k, v in form.items() if v is not None}
        return self.http.post(self.url("/apps"), data=form, timeout=10)

    def create_client_id(self, developer: str = USER_ECLECTIC, **kw: str) -> str:
        page = self.create(developer, **kw)
        assert page.status_code == 200, page.text
        return CLIENT_ID.search(page.text).group(1)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def public_sign_in(server: EmulatorServer, client_id: str, user_id: str) -> dict:
    """Consent as ``user_id`` and exchange the code as a public client (no secret)."""
    verifier, challenge = pkce_pair()
    query = urlencode({"client_id": client_id, "response_type": "code", "redirect_uri": REDIRECT,
                       "state": "s", "scope": "user-top-read", "code_challenge": challenge,
                       "code_challenge_method": "S256"})
    location = approve_consent(f"{server.authorize_url}?{query}", user_id)
    code = parse_qs(urlsplit(location).query)["code"][0]
    answer = requests.post(server.token_url, timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "client_id": client_id, "code_verifier": verifier})
    assert answer.status_code == 200, answer.text
    return answer.json()


def me(server: EmulatorServer, access_token: str) -> requests.Response:
    return requests.get(f"{server.api_url}me", timeout=10,
                        headers={"Authorization": f"Bearer {access_token}"})


@pytest.fixture
def dashboard(emulator: EmulatorServer) -> Dashboard:
    return Dashboard(emulator)


class TestDashboard:
    def test_creating_an_app_gives_a_32_hex_client_id_owned_by_the_developer(self, dashboard):
        page = dashboard.create(name="Maya's mixes")
        assert page.status_code == 200
        client_id = CLIENT_ID.search(page.text).group(1)
        client = dashboard.server.app.client(client_id)
        assert client.owner == USER_ECLECTIC and client.name == "Maya's mixes"
        assert client.redirect_uris == (REDIRECT,)
        assert "<script" not in page.text and "style=" not in page.text
        listing = dashboard.http.get(dashboard.url(), params={"developer": USER_ECLECTIC})
        assert client_id in listing.text and "Maya&#x27;s mixes" in listing.text

    @pytest.mark.parametrize(("uris", "problem"), [
        ("http://moody.example/cb", "insecure redirect URI"),
        ("http://localhost:8000/callback/", "localhost is not allowed"),
        ("", "Add at least one redirect URI"),
    ])
    def test_redirect_uris_follow_spotifys_rules(self, dashboard, uris: str, problem: str):
        page = dashboard.create(redirect_uris=uris)
        assert page.status_code == 400
        assert problem in unescape(page.text)
        assert [c for c in dashboard.server.app.clients.values() if c.owner] == []

    def test_web_api_must_be_ticked(self, dashboard):
        page = dashboard.create(web_api=None)
        assert page.status_code == 400 and "Tick Web API" in page.text

    def test_a_form_without_its_token_is_refused(self, dashboard):
        answer = requests.post(dashboard.url("/apps"), timeout=10, data={
            "developer": USER_ECLECTIC, "name": "x", "redirect_uris": REDIRECT,
            "web_api": "1", "terms": "1"})
        assert answer.status_code == 403
        assert dashboard.server.app.clients.keys() == {"moodystream-demo"}

    def test_a_free_owner_is_warned(self, dashboard):
        page = dashboard.create(USER_FEW_TOP_ARTISTS)
        assert 'id="premium-warning"' in page.text

    def test_user_management_allows_four_users_besides_the_owner(self, dashboard):
        client_id = dashboard.create_client_id()
        url = dashboard.url(f"/apps/{client_id}")
        form = {"csrf": dashboard.csrf(), "redirect_uris": REDIRECT,
                "users": [USER_TYPICAL, "sam", "jordan", "riley"]}
        assert dashboard.http.post(url, data=form, timeout=10).status_code == 200
        assert dashboard.server.app.client(client_id).allowed_users == (
            USER_TYPICAL, "sam", "jordan", "riley")
        form["users"].append("casey")
        too_many = dashboard.http.post(url, data=form, timeout=10)
        assert too_many.status_code == 400 and "at most 5 users" in too_many.text

    def test_apps_are_gone_after_a_reset(self, dashboard):
        client_id = dashboard.create_client_id()
        dashboard.server.app.reset()
        assert dashboard.server.app.client(client_id) is None


class TestPublicClients:
    def test_exchange_and_refresh_with_client_id_only(self, dashboard):
        client_id = dashboard.create_client_id()
        tokens = public_sign_in(dashboard.server, client_id, USER_ECLECTIC)
        assert me(dashboard.server, tokens["access_token"]).json()["id"] == USER_ECLECTIC
        renewed = requests.post(dashboard.server.token_url, timeout=10, data={
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
            "client_id": client_id})
        assert renewed.status_code == 200, renewed.text
        body = renewed.json()
        assert me(dashboard.server, body["access_token"]).status_code == 200
        # A public client's refresh token is single use: the answer carries the next one.
        assert body["refresh_token"] != tokens["refresh_token"]
        again = requests.post(dashboard.server.token_url, timeout=10, data={
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
            "client_id": client_id})
        assert again.json() == {"error": "invalid_grant",
                                "error_description": "Refresh token revoked"}

    def test_refresh_without_client_id_is_invalid_client(self, dashboard):
        client_id = dashboard.create_client_id()
        tokens = public_sign_in(dashboard.server, client_id, USER_ECLECTIC)
        answer = requests.post(dashboard.server.token_url, timeout=10, data={
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_client"

    def test_a_refresh_token_of_one_app_is_refused_for_another(self, dashboard):
        first, second = dashboard.create_client_id(), dashboard.create_client_id()
        tokens = public_sign_in(dashboard.server, first, USER_ECLECTIC)
        answer = requests.post(dashboard.server.token_url, timeout=10, data={
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
            "client_id": second})
        assert answer.json()["error"] == "invalid_grant"

    def test_a_confidential_grant_is_refused_without_its_secret(self, emulator):
        # Signed in with the secret (no PKCE): refreshing with client_id alone is refused.
        tokens = emulator.app.issue_token(USER_TYPICAL, ["user-top-read"])
        answer = requests.post(emulator.token_url, timeout=10, data={
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
            "client_id": "moodystream-demo"})
        assert answer.json() == {"error": "invalid_client",
                                 "error_description": "Invalid client secret"}

    def test_unknown_client_id_at_authorize_and_token(self, emulator):
        unknown = secrets.token_hex(16)
        page = requests.get(f"{emulator.authorize_url}?" + urlencode(
            {"client_id": unknown, "response_type": "code", "redirect_uri": REDIRECT}),
            timeout=10)
        assert page.status_code == 400 and "INVALID_CLIENT: Invalid client" in page.text
        answer = requests.post(emulator.token_url, timeout=10, data={
            "grant_type": "refresh_token", "refresh_token": "AQx", "client_id": unknown})
        assert answer.json()["error"] == "invalid_client"


class TestOwnerRules:
    def test_the_owner_is_automatically_the_apps_user_and_others_are_not(self, dashboard):
        client_id = dashboard.create_client_id()
        owner = public_sign_in(dashboard.server, client_id, USER_ECLECTIC)
        assert me(dashboard.server, owner["access_token"]).status_code == 200
        stranger = public_sign_in(dashboard.server, client_id, USER_TYPICAL)
        assert error_of(me(dashboard.server, stranger["access_token"])) == (403, NOT_REGISTERED)

    def test_an_owner_without_premium_gets_every_request_refused(self, dashboard):
        client_id = dashboard.create_client_id(USER_FEW_TOP_ARTISTS)
        tokens = public_sign_in(dashboard.server, client_id, USER_FEW_TOP_ARTISTS)
        assert error_of(me(dashboard.server, tokens["access_token"])) == (
            403, OWNER_NEEDS_PREMIUM)
        dashboard.server.app.set_mode("extended")
        assert me(dashboard.server, tokens["access_token"]).status_code == 200

    def test_apps_of_different_developers_spend_their_own_rate_limit(self, dashboard):
        app = dashboard.server.app
        mine = dashboard.create_client_id(USER_ECLECTIC)
        riley = dashboard.create_client_id("riley")
        maya_tokens = public_sign_in(dashboard.server, mine, USER_ECLECTIC)
        riley_tokens = public_sign_in(dashboard.server, riley, "riley")
        app.rate_limiter.configure(1)
        assert me(dashboard.server, maya_tokens["access_token"]).status_code == 200
        assert me(dashboard.server, maya_tokens["access_token"]).status_code == 429
        assert me(dashboard.server, riley_tokens["access_token"]).status_code == 200
