"""Cover art: with image_host="emulator" every image URL the Web API hands out is the
emulator's own and answers with a deterministic SVG; by default the URLs keep Spotify's shape."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from spotify_emulator import DEMO_CLIENT, EmulatorConfig
from spotify_emulator.sites.images import initials

SPOTIFY_IMAGE = re.compile(r"^https://i\.scdn\.co/image/ab67[0-9a-f]{36,}$")


@pytest.fixture
def own_images(make_emulator, login):
    """An emulator mounted under a prefix that serves its own covers, and Alex's API client."""
    server = make_emulator(EmulatorConfig(image_host="emulator"), prefix="/demo-spotify")
    return server, login(server=server)


def svg(url: str) -> str:
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.text.startswith("<svg ")
    return response.text


def first_album(api) -> dict:
    artist = api.get("/v1/me/top/artists?limit=1").json()["items"][0]
    return api.get(f"/v1/artists/{artist['id']}/albums?limit=10").json()["items"]


class TestSpotifyShapedByDefault:
    def test_catalogue_images_point_at_spotifys_cdn(self, api) -> None:
        artist = api.get("/v1/me/top/artists?limit=1").json()["items"][0]
        album = api.get(f"/v1/artists/{artist['id']}/albums?limit=1").json()["items"][0]
        urls = [i["url"] for i in artist["images"] + album["images"]]
        assert urls and all(SPOTIFY_IMAGE.match(u) for u in urls)
        assert [i["width"] for i in album["images"]] == [640, 300, 64]

    def test_an_unknown_image_host_is_refused(self) -> None:
        with pytest.raises(ValueError, match="image_host"):
            EmulatorConfig(image_host="cdn.example")  # type: ignore[arg-type]


class TestOwnImages:
    def test_every_catalogue_and_user_image_is_served(self, own_images) -> None:
        server, api = own_images
        artist = api.get("/v1/me/top/artists?limit=1").json()["items"][0]
        albums = api.get(f"/v1/artists/{artist['id']}/albums?limit=10").json()["items"]
        me = api.get("/v1/me").json()
        urls = [i["url"] for i in artist["images"] + me["images"]]
        urls += [i["url"] for a in albums for i in a["images"]]
        assert all(u.startswith(server.base_url + "/image/") for u in urls)
        for url in urls:
            svg(url)

    def test_covers_are_deterministic_and_distinct_per_release(self, own_images) -> None:
        _server, api = own_images
        albums = first_album(api)
        covers = [svg(a["images"][1]["url"]) for a in albums]
        assert len(set(covers)) == len(covers), "two releases share a cover"
        assert svg(albums[0]["images"][1]["url"]) == covers[0]

    def test_a_cover_carries_the_release_initials_and_its_size(self, own_images) -> None:
        _, api = own_images
        album = first_album(api)[0]
        for image in album["images"]:
            drawing = svg(image["url"])
            assert f'width="{image["width"]}"' in drawing
            assert f">{initials(album['name'])}</text>" in drawing
            assert "<script" not in drawing

    def test_playlists_get_a_mosaic_or_their_first_album_or_nothing(self, own_images) -> None:
        server, api = own_images
        made = api.post("/v1/me/playlists", json={"name": "Mosaic"}).json()
        assert made["images"] == []
        tracks = api.get("/v1/me/top/tracks?limit=50").json()["items"]
        first = tracks[0]
        api.post(f"/v1/playlists/{made['id']}/items", json={"uris": [first["uri"]]})
        one = api.get(f"/v1/playlists/{made['id']}").json()["images"]
        assert [i["url"] for i in one] == [i["url"] for i in first["album"]["images"]]
        distinct = list({t["album"]["id"]: t["uri"] for t in tracks}.values())[:4]
        api.put(f"/v1/playlists/{made['id']}/items", json={"uris": distinct})
        mosaic = api.get(f"/v1/playlists/{made['id']}/images").json()
        assert [i["width"] for i in mosaic] == [640, 300, 60]
        assert all(i["url"].startswith(server.base_url + "/mosaic/") for i in mosaic)
        assert svg(mosaic[0]["url"]).count("<svg x=") == 4

    def test_an_uploaded_cover_is_served_and_escapes_the_name(self, own_images) -> None:
        _, api = own_images
        made = api.post("/v1/me/playlists", json={"name": "<b>Loud & Clear</b>"}).json()
        jpeg = base64.b64encode(b"\xff\xd8\xff\xe0" + b"0" * 64)
        answer = api.put(f"/v1/playlists/{made['id']}/images", data=jpeg,
                         headers={"Content-Type": "image/jpeg"})
        assert answer.status_code == 202
        [image] = api.get(f"/v1/playlists/{made['id']}/images").json()
        drawing = svg(image["url"])
        assert "&lt;b&gt;Loud &amp; Clear&lt;/b&gt;" in drawing and "<b>" not in drawing

    @pytest.mark.parametrize("path", [
        "/image/ab67616d0000b273" + "0" * 24,  # the shape of an album cover, no such album
        "/image/not-hex",
        "/image/",
        "/mosaic/640/abc",
    ])
    def test_an_unknown_image_is_a_404(self, own_images, path: str) -> None:
        server, _ = own_images
        assert requests.get(server.base_url + path, timeout=10).status_code \
            == 404

    def test_images_are_read_only(self, own_images) -> None:
        _server, api = own_images
        url = first_album(api)[0]["images"][0]["url"]
        assert requests.post(url, timeout=10).status_code == 405


@pytest.mark.parametrize(("name", "expected"), [
    ("Neon Tapir", "NT"),
    ("the 1975", "T1"),
    ("Björk", "B"),
    ("(What's the Story) Morning Glory?", "WT"),
    ("...", "?"),
])
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_the_command_line_serves_its_own_covers_when_asked() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "spotify_emulator", "--port", "0", "--image-host", "emulator"],
        cwd=Path(__file__).resolve().parents[3], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        process.stdout.readline()  # the banner
        base = process.stdout.readline().split()[-1]
        token = requests.post(f"{base}/api/token", data={"grant_type": "client_credentials"},
                              auth=(DEMO_CLIENT.client_id, DEMO_CLIENT.client_secret),
                              timeout=10).json()["access_token"]
        found = requests.get(f"{base}/v1/search", params={"q": "Neon Tapir", "type": "artist"},
                             headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        artist = requests.get(f"{base}/v1/artists/{found['artists']['items'][0]['id']}",
                              headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        url = artist["images"][0]["url"]
        assert url.startswith(f"{base}/image/")
        svg(url)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
