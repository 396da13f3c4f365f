"""Every page and JSON answer is the visitor's own: ``Cache-Control: private, no-store``, so that
nothing signed-in comes back from a browser's cache after sign-out on a shared computer; every
answer, the early ones included (a refused Host), carries the security headers."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.playlists.views.test_generator import VALID

FORM = {**VALID, "artist_count": "3", "track_count": "10"}
DIGEST = re.compile(r'name="digest" value="([0-9a-f]+)"')


def private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.fixture
def with_a_saved_playlist(connected_client: Client) -> tuple[Client, str]:
    assert connected_client.post("/generate/", FORM).status_code == 302
    page = connected_client.get("/preview/")
    saved = connected_client.post("/save/", {"digest": DIGEST.search(page.content.decode())[1]})
    assert saved.status_code == 302
    return connected_client, saved["Location"]


def test_signed_in_pages_and_json_are_never_stored(with_a_saved_playlist, settings) -> None:
    settings.SPOTIFY_SIGN_IN_MODES = ("operator", "own-app")
    client, result = with_a_saved_playlist
    for path in ("/generate/", "/preview/", result, "/connect/own-app/",
                 "/artists/search/?q=Ne"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert private(response), (path, response.get("Cache-Control"))


def test_redirects_and_errors_are_not_stored_either(connected_client: Client) -> None:
    for response in (connected_client.post("/save/", {"digest": "0" * 32}),
                     connected_client.get("/no-such-page/"),
                     Client().get("/generate/")):
        assert private(response), response.status_code


def test_static_files_keep_their_own_caching(client: Client) -> None:
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_400_page_for_a_refused_host_carries_the_security_headers(client: Client) -> None:
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert private(response)


def test_head_is_answered_like_get_without_a_body(connected_client: Client, settings) -> None:
    settings.SPOTIFY_SIGN_IN_MODES = ("operator", "own-app")
    for path in ("/generate/", "/connect/own-app/"):
        head, get = connected_client.head(path), connected_client.get(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b""
        assert head["Content-Security-Policy"] == get["Content-Security-Policy"]
