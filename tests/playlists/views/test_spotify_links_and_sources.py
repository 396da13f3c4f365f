"""Where "Open in Spotify", the embedded player and the covers point, and the CSP that allows
exactly those: Spotify's own in real use, the mounted emulator's in demo mode."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.playlists.views.test_generator import digest_of, make_preview


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())


def saved_result(client: Client) -> tuple[str, str]:
    page = make_preview(client)
    result = client.post("/save/", {"digest": digest_of(page)}, follow=True)
    assert result.status_code == 200
    return result.redirect_chain[-1][0].split("/")[-2], result.content.decode()


@pytest.fixture
def demo(settings):
    """Demo mode with the emulator mounted in this app (as `make run` serves it)."""
    settings.DEMO_MODE = True
    settings.SPOTIFY_API_BASE_URL = ""
    settings.SPOTIFY_WEB_BASE_URL = ""
    return settings


class TestRealSpotify:
    def test_frames_only_open_spotify_and_images_only_its_cdn(self, spotify_settings) -> None:
        found = directives(Client().get("/"))
        assert found["frame-src"] == "https://open.spotify.com"
        assert found["img-src"].split() == [
            "'self'", "https://i.scdn.co", "https://mosaic.scdn.co",
            "https://image-cdn-ak.spotifycdn.com", "https://image-cdn-fa.spotifycdn.com"]

    def test_the_result_links_to_open_spotify(self, connected_client: Client) -> None:
        playlist_id, text = saved_result(connected_client)
        assert f'href="https://open.spotify.com/playlist/{playlist_id}"' in text
        assert f'src="https://open.spotify.com/embed/playlist/{playlist_id}"' in text
        assert f'href="spotify:playlist:{playlist_id}"' in text  # the app, outside the demo


class TestDemo:
    def test_frames_and_images_only_from_the_mounted_emulator(self, demo) -> None:
        found = directives(Client().get("/"))
        assert found["frame-src"] == "http://testserver/demo-spotify/open/embed/"
        assert found["img-src"].split() == [
            "'self'", "http://testserver/demo-spotify/image/",
            "http://testserver/demo-spotify/mosaic/"]
        assert "scdn" not in Client().get("/")["Content-Security-Policy"]
        assert found["script-src"] == "'self'" and found["frame-ancestors"] == "'none'"

    def test_the_sources_follow_the_host_serving_the_request(self, demo) -> None:
        response = Client().get("/", HTTP_HOST="127.0.0.1:8123")
        assert directives(response)["frame-src"] == "http://127.0.0.1:8123/demo-spotify/open/embed/"

    def test_the_result_links_to_the_emulators_player(
        self, connected_client: Client, settings
    ) -> None:
        settings.DEMO_MODE = True  # signed in against the emulator over HTTP, then demo links
        playlist_id, text = saved_result(connected_client)
        assert f'href="http://testserver/demo-spotify/open/playlist/{playlist_id}"' in text
        assert f'src="http://testserver/demo-spotify/open/embed/playlist/{playlist_id}"' in text
        assert "open.spotify.com" not in text
        assert "spotify:playlist:" not in text  # no Spotify app holds a demo playlist


def test_a_configured_web_base_is_used_for_links_and_frames(
    connected_client: Client, settings
) -> None:
    settings.SPOTIFY_WEB_BASE_URL = "http://127.0.0.1:9100/open"
    playlist_id, text = saved_result(connected_client)
    assert f'src="http://127.0.0.1:9100/open/embed/playlist/{playlist_id}"' in text
    assert directives(connected_client.get("/"))["frame-src"] == "http://127.0.0.1:9100/open/embed/"
