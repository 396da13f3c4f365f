"""Every page has a title, a description, Open Graph metadata and the favicon."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.playlists.views.test_generator import digest_of, make_preview


def meta(text: str, key: str) -> str | None:
    found = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)"', text)
    return found[1] if found else None


def check_metadata(client: Client, text: str) -> str:
    title = re.search(r"<title>(.*?) · MoodyStream</title>", text)
    assert title, "no title"
    description = meta(text, "description")
    assert description and len(description) > 20
    assert meta(text, "og:title") == title[1]
    assert meta(text, "og:description") == description
    assert meta(text, "og:type") == "website" and meta(text, "og:site_name") == "MoodyStream"
    assert meta(text, "twitter:card") == "summary_large_image"
    image = meta(text, "og:image")
    assert image and image.startswith("http://testserver/static/")
    for asset in (image.removeprefix("http://testserver"),
                  *re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', text)):
        response = client.get(asset)
        assert response.status_code == 200, asset
    return html.unescape(title[1])


@pytest.fixture
def pages(connected_client: Client) -> dict[str, str]:
    client = connected_client
    found = {"options": client.get("/generate/").content.decode()}
    preview = make_preview(client, name="Rock & Roll <3")
    found["preview"] = preview.content.decode()
    result = client.post("/save/", {"digest": digest_of(preview)}, follow=True)
    found["result"] = result.content.decode()
    found["not found"] = client.get("/no-such-page/").content.decode()
    anonymous = Client()
    found["home"] = anonymous.get("/").content.decode()
    found["denied"] = anonymous.get("/callback/?error=access_denied&state=x").content.decode()
    return found


def test_every_page_has_title_description_open_graph_and_icons(
    connected_client: Client, pages: dict[str, str]
) -> None:
    titles = {name: check_metadata(connected_client, text) for name, text in pages.items()}
    assert titles["preview"] == "Preview: Rock & Roll <3"
    assert titles["result"] == "Saved: Rock & Roll <3"
    assert len(set(titles.values())) == len(titles), "pages share a title"


def test_titles_are_escaped_once(pages: dict[str, str]) -> None:
    assert "<title>Preview: Rock &amp; Roll &lt;3 · MoodyStream</title>" in pages["preview"]
    assert "&amp;amp;" not in pages["preview"]


def test_open_graph_urls_carry_no_query(pages: dict[str, str]) -> None:
    assert 'content="http://testserver/callback/"' in pages["denied"]
    assert "state=x" not in (meta(pages["denied"], "og:url") or "")


def test_the_browsers_favicon_probe_finds_the_icon() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
