"""Friendly error pages: never a traceback, always a way back."""

from __future__ import annotations

import pytest
from django.test import Client

from moodystream import aws_secrets
from moodystream.aws_secrets import SecretUnavailable

BACK_LINK = 'href="/"'


@pytest.fixture
def client(spotify_settings) -> Client:
    return Client(raise_request_exception=False)


def test_unknown_page_is_a_friendly_404(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text and BACK_LINK in text


def test_a_bad_host_header_is_a_friendly_400(client: Client) -> None:
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "did not make sense" in response.content.decode()


def test_an_unexpected_crash_is_a_friendly_500(client: Client, monkeypatch) -> None:
    def explode(request):
        raise RuntimeError("boom")

    monkeypatch.setattr("playlists.views.pages.connected_user", explode)
    response = client.get("/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong on our side" in text
    assert "Nothing was changed in your Spotify account" in text
    assert "RuntimeError" not in text and "Traceback" not in text


def test_wrong_method_is_not_a_crash(client: Client) -> None:
    assert client.delete("/generate/").status_code in {302, 405}
    assert client.put("/login/").status_code == 405


def test_missing_csrf_is_a_friendly_403(spotify_settings) -> None:
    response = Client(enforce_csrf_checks=True).post("/logout/")
    assert response.status_code == 403
    assert "Your form expired" in response.content.decode()


def test_credentials_unavailable_is_a_503_for_every_page(
    client: Client, settings, monkeypatch
) -> None:
    def missing(name: str, region: str) -> dict[str, str]:
        raise SecretUnavailable("secret missing")

    monkeypatch.setattr(aws_secrets, "fetch_app_secret", missing)
    settings.DEMO_MODE = False
    settings.SPOTIFY_SECRET_NAME = "moodystream/spotify"
    for path in ["/", "/login/", "/generate/", "/static/css/app.css"]:
        response = client.get(path)
        if path.startswith("/static/"):
            assert response.status_code == 200  # WhiteNoise serves before the check
            continue
        assert response.status_code == 503
        assert "temporarily unavailable" in response.content.decode()


def test_a_spotify_refusal_is_a_403_page_not_an_outage(connected_client, emulator) -> None:
    emulator.app.faults.add_error("/v1/playlists/*", status=403)
    response = connected_client.get("/playlists/" + "1" * 22 + "/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Spotify refused this action" in text
    assert "not answering" not in text
