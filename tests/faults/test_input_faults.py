"""What users (or their browsers, extensions and bots) send that the app did not ask for:
tampered, foreign, expired and oversized session cookies; junk in every form field and query
parameter.  Never a 500, always a page that says what happened, and the app stays up.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import zlib

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.test import Client

from moodystream import sessions

from .conftest import (
    FORM,
    assert_app_up,
    assert_consistent,
    digest_of,
    make_preview,
    previewed_uris,
    start_generation,
    text_of,
)

COOKIE = "moodystream_session"

JUNK: dict[str, object] = {
    "nul": "\x00",
    "nul-inside": "ab\x00cd",
    "10k": "x" * 10_000,
    "unicode": "Ünïcødé 🎵 𝄞 \u202egnp.exe \u200b",
    "negative": "-1",
    "float": "1.5",
    "exponent": "1e3",
    "huge-number": "9" * 5_000,
    "list": ["1", "2"],
    "empty": "",
    "sql": "' OR 1=1; DROP TABLE playlists; --",
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "template": "{{ settings.SECRET_KEY }}{% debug %}",
    "path": "../../../../etc/passwd",
}

FORM_FIELDS = [
    "artist_source", "time_range", "picked_artists", "artist_count", "track_count",
    "deep_cut_percent", "exclude_versions", "allow_explicit", "exclude_saved", "visibility",
    "name", "description", "unexpected_field",
]


def signed_out(client: Client) -> bool:
    response = client.get("/generate/")
    return response.status_code == 302 and response["Location"].startswith("/?next=")


# --- session cookies ----------------------------------------------------------------------------


class TestSessionCookie:
    def test_tampered_cookie_is_no_session(self, client: Client) -> None:
        value = client.cookies[COOKIE].value
        middle = len(value) // 2
        flipped = "A" if value[middle] != "A" else "B"
        client.cookies[COOKIE] = value[:middle] + flipped + value[middle + 1 :]
        assert signed_out(client)
        assert client.get("/").status_code == 200

    def test_truncated_cookie_is_no_session(self, client: Client) -> None:
        client.cookies[COOKIE] = client.cookies[COOKIE].value[:-7]
        assert signed_out(client)

    @pytest.mark.parametrize(
        "value",
        [
            "A" * 10_240,
            base64.urlsafe_b64encode(secrets.token_bytes(7_680)).decode(),
            "gAAAAA" + "x" * 10_234,
            "%00" * 3_000,
            "Ünïcødé🎵" * 1_000,
            "",
            "null",
            "{}",
        ],
        ids=["10k-letters", "10k-base64", "10k-fernet-prefix", "nul-escapes", "unicode", "empty",
             "null", "json"],
    )
    def test_junk_or_oversized_cookie_is_no_session(self, value: str, spotify_settings) -> None:
        client = Client()
        # What a WSGI server puts in the environ for these bytes (PEP 3333: latin-1 strings).
        client.cookies[COOKIE] = value.encode().decode("latin-1")
        home = client.get("/")
        assert home.status_code == 200
        assert "MoodyStream" in text_of(home)
        assert signed_out(client)
        response = client.post("/save/", {"digest": "0" * 32})
        assert response.status_code == 302 and response["Location"] == "/"

    def test_oversized_cookie_header_with_many_cookies(self, client: Client) -> None:
        for n in range(40):
            client.cookies[f"junk{n}"] = "j" * 250  # 10 KB of unrelated cookies
        assert client.get("/generate/").status_code == 200

    def test_cookie_sealed_with_another_key_is_no_session(self, spotify_settings) -> None:
        foreign = Fernet(Fernet.generate_key())
        payload = zlib.compress(json.dumps({"sp_user": {"id": "alex", "name": "x"}}).encode())
        client = Client()
        client.cookies[COOKIE] = foreign.encrypt(payload).decode()
        assert signed_out(client)

    def test_month_old_cookie_is_no_session(self, client: Client) -> None:
        """A cookie older than SESSION_COOKIE_AGE is refused even if the browser kept it."""
        live = sessions.unseal(client.cookies[COOKIE].value, max_age=3600)
        cipher = sessions.session_cipher()
        payload = zlib.compress(json.dumps(live, separators=(",", ":")).encode(), level=9)
        old = int(time.time()) - settings.SESSION_COOKIE_AGE - 60
        client.cookies[COOKIE] = cipher._fernets[0].encrypt_at_time(payload, old).decode()
        assert signed_out(client)

    def test_app_still_works_after_cookie_junk(self, sign_in) -> None:
        client = Client()
        client.cookies[COOKIE] = "x" * 10_240
        sign_in(client)
        assert make_preview(client).status_code == 200


# --- junk in form fields ------------------------------------------------------------------------


@pytest.mark.parametrize("junk", list(JUNK), ids=list(JUNK))
@pytest.mark.parametrize("field", FORM_FIELDS)
def test_junk_in_generator_form_field(client: Client, emulator, field: str, junk: str) -> None:
    form = {**FORM, field: JUNK[junk]}
    if field == "picked_artists":
        form["artist_source"] = "picked"
    response = client.post("/generate/", form)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        text = text_of(response)
        assert "Please fix the highlighted" in text
        errors = response.context["form"].errors
        assert errors
        for messages in errors.values():
            for message in messages:
                assert message in text  # each problem is explained next to its field
    else:
        page = client.get("/preview/")
        assert page.status_code in (200, 422), page.status_code
        text = page.content.decode()
        assert "<script>alert" not in text and "<img src=x" not in text  # escaped, inert
        assert settings.SECRET_KEY not in text
        if page.status_code == 422:
            assert page.context["generation_error"] in text_of(page)
    assert_app_up(client)
    assert_consistent(emulator, {})


@pytest.mark.parametrize("junk", list(JUNK), ids=list(JUNK))
@pytest.mark.parametrize("field", ["track_id", "digest", "playlist"])
def test_junk_in_preview_save_and_replace_fields(
    client: Client, emulator, field: str, junk: str
) -> None:
    page = make_preview(client)
    before = previewed_uris(page)
    if field == "track_id":
        response = client.post("/preview/remove/", {"track_id": JUNK[junk]}, follow=True)
    elif field == "digest":
        response = client.post("/save/", {"digest": JUNK[junk]}, follow=True)
    else:  # the playlist a confirmed replace names
        data = {"digest": digest_of(page), "playlist": JUNK[junk]}
        response = client.post("/preview/replace/confirm/", data, follow=True)
    assert response.status_code == 200, response.status_code
    text = text_of(response)
    landed = response.redirect_chain[-1][0] if response.redirect_chain else ""
    if field == "track_id":
        assert "That track could not be removed; here is the current preview." in text
        assert previewed_uris(response) == before
    elif field == "digest":
        assert landed == "/preview/" and "changed since you opened it" in text
    else:
        assert landed.startswith("/preview/replace/?")
        assert ("Choose the playlist to replace." in text
                or "Only a playlist MoodyStream made for you can be replaced" in text)
    assert_consistent(emulator, {})
    assert_app_up(client)


# --- junk in query parameters -------------------------------------------------------------------


QUERY_TARGETS = [
    ("/", "x"),
    ("/generate/", "artist_count"),
    ("/preview/", "seed"),
    ("/playlists/0000000000000000000000/", "x"),
    ("/login/", "next"),
    ("/callback/", "state"),
    ("/callback/", "code"),
    ("/callback/", "error"),
]


@pytest.mark.parametrize("junk", list(JUNK), ids=list(JUNK))
@pytest.mark.parametrize(("path", "param"), QUERY_TARGETS)
def test_junk_in_query_parameters(client: Client, path: str, param: str, junk: str) -> None:
    start_generation(client)
    response = client.get(path, {param: JUNK[junk]})
    assert response.status_code in (200, 302, 400, 404), response.status_code
    text = text_of(response)
    if path == "/callback/":
        # Signed in already: a stray callback is ignored and the user carries on.
        assert response.status_code == 302 and response["Location"] == "/generate/"
        signed_out = Client().get(path, {param: JUNK[junk]})
        assert signed_out.status_code == 400
        assert "We could not verify that sign-in" in text_of(signed_out)
    elif path.startswith("/playlists/"):
        assert response.status_code == 404 and "Page not found" in text
    elif path == "/login/":
        assert response.status_code == 302
        assert response["Location"].startswith(settings.SPOTIFY_ACCOUNTS_BASE_URL)
    else:
        assert response.status_code in (200, 302)
    assert "<script>alert" not in response.content.decode()
    assert "<img src=x" not in response.content.decode()
    assert_app_up(client)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\\\\evil.example",
     "/\\evil.example", "http://127.0.0.1:1/elsewhere"],
)
def test_login_next_never_leaves_the_site(client: Client, sign_in, target: str) -> None:
    client.post("/logout/")
    start = client.get("/login/", {"next": target})
    assert start.status_code == 302
    (pending,) = client.session["sp_login"].values()
    assert pending["n"] == "/generate/"
    signed = sign_in(client)
    assert signed.get("/generate/").status_code == 200


def test_a_url_that_does_not_exist(client: Client) -> None:
    for path in ["/nope/", "/playlists/", "/playlists/a/b/", "/%00/", "/static/../settings.py"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in text_of(response)
    assert_app_up(client)


def test_wrong_methods_are_refused_politely(client: Client) -> None:
    for method, path in [("get", "/save/"), ("get", "/preview/remove/"), ("put", "/generate/"),
                         ("delete", "/preview/"), ("get", "/logout/")]:
        response = getattr(client, method)(path)
        assert response.status_code == 405, (method, path)
    assert_app_up(client)


@pytest.mark.parametrize(
    "body",
    [b"artist_count=%FF%FE&name=%C3%28", b"\xff\xfe\x00junk", b"a=" + b"%" * 5000, b"&&&==&"],
    ids=["bad-utf8-escapes", "raw-binary", "percent-storm", "separators"],
)
def test_undecodable_form_bodies(client: Client, body: bytes) -> None:
    response = client.generic(
        "POST", "/generate/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "Please fix the highlighted" in text_of(response)
    page = client.get("/preview/?x=%FF%FE&seed=%C3%28")
    assert page.status_code in (200, 302)
    assert_app_up(client)
