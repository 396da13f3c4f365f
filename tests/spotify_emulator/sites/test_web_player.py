"""The web-player stand-in for open.spotify.com: what a listener sees when an app links to a
playlist, album, track or artist, and the embed player an app frames."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import requests


class Page(HTMLParser):
    """The bits of a player page the tests read: ids' text, track rows, images."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.track_uris: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.text_of: dict[str, str] = {}
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("data-track-uri"):
            self.track_uris.append(str(found["data-track-uri"]))
        if tag == "img":
            self.images.append(found)
        if found.get("id"):
            self._open.append(str(found["id"]))
            self.text_of[str(found["id"])] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag in ("h1", "strong", "span", "ol"):
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for key in self._open:
            self.text_of[key] += data


def get(server, path: str) -> requests.Response:
    return requests.get(server.base_url + path, timeout=10)


@pytest.fixture
def saved(api) -> dict:
    """A playlist Alex just made, with three of his top tracks in a chosen order."""
    tracks = api.get("/v1/me/top/tracks?limit=3").json()["items"]
    made = api.post("/v1/me/playlists", json={"name": "Night <Drive> & Co",
                                               "public": False}).json()
    uris = [t["uri"] for t in reversed(tracks)]
    api.post(f"/v1/playlists/{made['id']}/items", json={"uris": uris})
    return {"id": made["id"], "uris": uris, "tracks": tracks}


def test_a_playlist_page_shows_cover_name_owner_and_tracks_in_order(emulator, saved) -> None:
    response = get(emulator, f"/open/playlist/{saved['id']}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = Page(response.text)
    assert page.text_of["name"] == "Night <Drive> & Co"
    assert "<Drive>" not in response.text  # escaped
    assert page.text_of["owner"] == "Alex Rivera"
    assert page.track_uris == saved["uris"]
    cover = page.images[0]
    assert cover["src"] and cover["src"].startswith(emulator.base_url + "/image/")
    assert (cover["width"], cover["height"]) == ("232", "232")
    assert get(emulator, str(cover["src"]).removeprefix(emulator.base_url)).status_code == 200


def test_the_page_follows_changes_at_once(emulator, api, saved) -> None:
    api.put(f"/v1/playlists/{saved['id']}/items", json={"uris": saved["uris"][:1]})
    page = Page(get(emulator, f"/open/playlist/{saved['id']}").text)
    assert page.track_uris == saved["uris"][:1]


def test_an_empty_playlist_says_so(emulator, api) -> None:
    made = api.post("/v1/me/playlists", json={"name": "Nothing yet"}).json()
    text = get(emulator, f"/open/playlist/{made['id']}").text
    assert "This playlist is empty." in text


def test_the_embed_player_lists_the_same_tracks_and_may_be_framed(emulator, saved) -> None:
    response = get(emulator, f"/open/embed/playlist/{saved['id']}")
    assert response.status_code == 200
    assert Page(response.text).track_uris == saved["uris"]
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    assert f'href="{emulator.base_url}/open/playlist/{saved["id"]}"' in response.text


def test_other_pages_refuse_to_be_framed(emulator, saved) -> None:
    response = get(emulator, f"/open/playlist/{saved['id']}")
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src" not in policy
    assert "default-src 'none'" in policy


def test_album_track_and_artist_pages(emulator, saved) -> None:
    track = saved["tracks"][0]
    album = get(emulator, f"/open/album/{track['album']['id']}")
    assert album.status_code == 200
    assert Page(album.text).text_of["name"] == track["album"]["name"]
    song = get(emulator, f"/open/track/{track['id']}")
    assert Page(song.text).text_of["name"] == track["name"]
    artist = track["artists"][0]
    assert Page(get(emulator, f"/open/artist/{artist['id']}").text).text_of["name"] \
        == artist["name"]
    for kind, item in (("album", track["album"]["id"]), ("track", track["id"])):
        assert get(emulator, f"/open/embed/{kind}/{item}").status_code == 200


@pytest.mark.parametrize("path", [
    "/open/playlist/0000000000000000000000",
    "/open/album/nope",
    "/open/embed/artist/0000000000000000000000",
    "/open/playlist/<script>",
    "/open/",
])
def test_unknown_pages_are_a_404_page(emulator, path: str) -> None:
    response = get(emulator, path)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_the_player_is_read_only_and_not_the_api(emulator, saved) -> None:
    url = f"{emulator.base_url}/open/playlist/{saved['id']}"
    assert requests.post(url, timeout=10).status_code == 405
    before = len(emulator.app.request_log)
    page = Page(get(emulator, f"/open/playlist/{saved['id']}").text)
    get(emulator, str(page.images[0]["src"]).removeprefix(emulator.base_url))
    assert len(emulator.app.request_log) == before  # pages and covers are not Web API calls


def test_the_stylesheet_and_icon_are_served(emulator) -> None:
    css = get(emulator, "/open/player.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    icon = get(emulator, "/open/favicon.svg")
    assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/svg+xml"
    consent_error = get(emulator, "/authorize?client_id=nobody").text
    link = re.search(r'<link rel="icon" href="([^"]+)"', consent_error)
    assert link and link[1] == f"{emulator.base_url}/static/favicon.svg"
    assert get(emulator, "/static/favicon.svg").status_code == 200


def test_private_playlists_are_labelled(emulator, saved) -> None:
    assert "Private playlist" in get(emulator, f"/open/playlist/{saved['id']}").text
