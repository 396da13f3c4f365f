"""Forms that show their errors: an error summary at the top linking to each field (the GOV.UK
pattern), invalid fields marked, and every aria-describedby naming an id on the page."""

from __future__ import annotations

import re

from django.test import Client

from tests.playlists.views.test_generator import VALID


def ids_on(text: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', text))


def described_by(text: str) -> set[str]:
    return {i for value in re.findall(r'aria-describedby="([^"]+)"', text) for i in value.split()}


def test_the_options_page_sums_up_its_errors_with_links_to_the_fields(
    connected_client: Client,
) -> None:
    response = connected_client.post(
        "/generate/", {**VALID, "track_count": "5", "artist_count": "0"}
    )
    text = response.content.decode()
    assert response.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', text, flags=re.S)
    assert summary and "There is a problem" in summary[0]
    links = re.findall(r'<a href="#([^"]+)">', summary[0])
    assert links == ["id_artist_count", "id_track_count"]
    assert ids_on(text) >= set(links)
    for field in links:
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*'
                         rf'id="{field}"', text), field
    assert described_by(text) <= ids_on(text)


def test_the_options_page_describes_fields_with_ids_that_exist(connected_client: Client) -> None:
    text = connected_client.get("/generate/").content.decode()
    assert described_by(text) and described_by(text) <= ids_on(text)
    assert "error-summary" not in text


def test_the_own_app_page_sums_up_its_error_at_the_top(spotify_settings, settings) -> None:
    settings.SPOTIFY_SIGN_IN_MODES = ("operator", "own-app")
    client = Client(HTTP_HOST="127.0.0.1:8000")
    response = client.post("/connect/own-app/", {"client_id": "not a client id"})
    text = response.content.decode()
    summary = text.find('class="error-summary"')
    assert 0 <= summary < text.find("<h1")
    assert '<a href="#id_client_id">Client ID: ' in text
    assert described_by(text) <= ids_on(text)
