"""The whole demo as a new listener sees it, in Chromium at a laptop's and a phone's size.

Home → "Try the demo" → consent in the emulator → options (defaults) → preview → save →
result with the embedded player → the web player's page of the saved playlist. Every page
must load without a single console error or failed request (covers, frames, favicons
included); screenshots of each step land in test-artifacts/e2e/.
"""

from __future__ import annotations

import re
import urllib.request
from dataclasses import dataclass, field

import pytest

from spotify_emulator import USER_ECLECTIC, USER_TYPICAL
from tests.e2e.viewports import VIEWPORTS

pytestmark = pytest.mark.e2e


#: Every image, frame, icon and Open Graph image a page refers to.
REFERENCED_URLS = """
() => [
  ...Array.from(document.images, i => i.currentSrc || i.src),
  ...Array.from(document.querySelectorAll("iframe[src]"), f => f.src),
  ...Array.from(document.querySelectorAll("link[rel~=icon], link[rel=apple-touch-icon]"),
                l => l.href),
  ...Array.from(document.querySelectorAll("meta[property='og:image']"), m => m.content),
]
"""

#: Generous waits: eight test suites share two cores, and a 50-track generation may be slow.
PATIENCE_MS = 45_000

ALL_IMAGES_LOADED = (
    "() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
)


@dataclass
class Traffic:
    """What went wrong in a browser context: console errors, failed and refused requests."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def watch(self, context) -> None:
        context.on("page", self._watch_page)
        for page in context.pages:
            self._watch_page(page)

    def _watch_page(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{page.url}: {m.text}"))
        page.on("pageerror", lambda exc: self.console_errors.append(f"{page.url}: {exc}"))
        page.on("requestfailed", lambda r: self.failed_requests.append(
            f"{r.url}: {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.failed_requests.append(
            f"{r.url}: HTTP {r.status}"))


@dataclass
class Tour:
    pages: dict[str, str]  # step → URL
    referenced: dict[str, list[str]]  # step → every image/frame/icon URL on it
    previewed: list[str]
    playlist_id: str


def load_every_image(page) -> None:
    """Load the lazy covers too (as scrolling would), then wait until every image has."""
    page.evaluate("Array.from(document.images).forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function(ALL_IMAGES_LOADED)


def take_tour(page, server, screenshot, size: str) -> Tour:
    page.set_default_timeout(PATIENCE_MS)
    pages: dict[str, str] = {}
    referenced: dict[str, list[str]] = {}

    def arrived(step: str) -> None:
        page.wait_for_load_state("load")
        load_every_image(page)
        pages[step] = page.url
        referenced[step] = page.evaluate(REFERENCED_URLS)
        screenshot(page, f"{size}-{step}")
        screenshot(page, f"{size}-{step}-viewport", full_page=False)

    page.goto(server.base_url + "/")
    arrived("home")
    page.get_by_role("link", name="Try the demo").click()
    page.wait_for_url(re.compile(r".*/demo-spotify/authorize.*"))
    arrived("consent")
    page.select_option("select[name=user_id]", USER_TYPICAL)
    page.click("#approve")
    page.wait_for_url(re.compile(r".*/generate/$"))
    arrived("options")
    page.click("#preview-button")
    page.wait_for_url(re.compile(r".*/preview/$"), timeout=60_000)
    arrived("preview")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    screenshot(page, f"{size}-preview-mid-list", full_page=False)
    page.evaluate("window.scrollTo(0, 0)")
    previewed = page.eval_on_selector_all(
        "#tracks li.track", "els => els.map(e => e.dataset.uri)"
    )
    page.click("#save-button")
    page.wait_for_url(re.compile(r".*/playlists/[0-9A-Za-z]{22}/$"), timeout=60_000)
    playlist_id = page.url.rstrip("/").split("/")[-1]
    page.locator("iframe.player").scroll_into_view_if_needed()  # it loads lazily
    player = page.frame_locator("iframe.player")
    player.locator("#tracks li").first.wait_for()
    page.wait_for_function(
        "() => { const f = document.querySelector('iframe.player');"
        " return f && f.contentDocument && Array.from(f.contentDocument.images)"
        ".every(i => i.complete && i.naturalWidth > 0); }"
    )
    arrived("result")
    with page.context.expect_page() as opened:
        page.click("#open-web")
    web = opened.value
    web.wait_for_load_state("load")
    load_every_image(web)
    pages["web-player"] = web.url
    referenced["web-player"] = web.evaluate(REFERENCED_URLS)
    screenshot(web, f"{size}-web-player")
    screenshot(web, f"{size}-web-player-viewport", full_page=False)
    web.close()
    return Tour(pages, referenced, previewed, playlist_id)


@pytest.fixture(params=sorted(VIEWPORTS))
def sized(request, browser):
    """A fresh browser context at each viewport, with its traffic watched."""
    context = browser.new_context(**VIEWPORTS[request.param])
    traffic = Traffic()
    traffic.watch(context)
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)
    yield request.param, page, traffic
    context.close()


def test_the_whole_demo_loads_without_a_single_error(sized, demo_server, screenshot) -> None:
    size, page, traffic = sized
    tour = take_tour(page, demo_server, screenshot, size)

    assert len(tour.previewed) == 50  # the default options
    embed = page.frame_locator("iframe.player")
    assert embed.locator("#name").inner_text() == page.inner_text("#playlist-name")
    assert embed.locator("#tracks li").evaluate_all(
        "els => els.map(e => e.dataset.trackUri)"
    ) == tour.previewed
    assert tour.pages["web-player"].endswith(f"/demo-spotify/open/playlist/{tour.playlist_id}")
    assert traffic.console_errors == []
    assert traffic.failed_requests == []


def test_the_web_player_shows_the_saved_playlist_in_order(page, demo_server, screenshot) -> None:
    tour = take_tour(page, demo_server, screenshot, "check")
    page.goto(tour.pages["web-player"])
    assert page.inner_text("#name") == page.title().split(" | ")[0]
    assert page.inner_text("#owner") == "Alex Rivera"
    assert page.locator(".hero img.cover").get_attribute("src")
    shown = page.eval_on_selector_all("#tracks li", "els => els.map(e => e.dataset.trackUri)")
    assert shown == tour.previewed


def test_every_image_and_frame_of_the_demo_answers_200(page, demo_server, screenshot) -> None:
    tour = take_tour(page, demo_server, screenshot, "urls")
    urls = sorted({url for found in tour.referenced.values() for url in found})
    covers = [u for u in urls if "/demo-spotify/image/" in u or "/demo-spotify/mosaic/" in u]
    assert len(covers) > 20, "the preview and the player should show the emulator's covers"
    assert not [u for u in urls if "scdn.co" in u or "open.spotify.com" in u]
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200, url
            kind = response.headers["Content-Type"]
            if "/embed/" in url:
                assert kind.startswith("text/html"), url
            else:
                assert kind.startswith("image/"), (url, kind)


def test_the_action_bar_stays_in_view(page, demo_server, screenshot) -> None:
    page.set_default_timeout(PATIENCE_MS)
    page.goto(demo_server.base_url + "/")
    page.get_by_role("link", name="Try the demo").click()
    page.click("#approve")
    page.wait_for_url(re.compile(r".*/generate/$"))
    page.click("#preview-button")
    page.wait_for_url(re.compile(r".*/preview/$"), timeout=60_000)
    height = page.viewport_size["height"]
    for position in ("0", "document.documentElement.scrollHeight / 2"):
        page.evaluate(f"window.scrollTo(0, {position})")
        for control in ("#save-button", "#shuffle-button", "#back-button", "#bar-totals"):
            box = page.locator(control).bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, control
    assert "50 tracks" in page.inner_text("#bar-totals")
    screenshot(page, "action-bar-mid-list")


def test_each_track_says_why_and_each_artist_is_summed_up(page, demo_server) -> None:
    page.set_default_timeout(PATIENCE_MS)
    page.goto(demo_server.base_url + "/")
    page.get_by_role("link", name="Try the demo").click()
    page.click("#approve")
    page.wait_for_url(re.compile(r".*/generate/$"))
    page.fill("#id_artist_count", "6")
    page.fill("#id_track_count", "24")
    page.click("#preview-button")
    page.wait_for_url(re.compile(r".*/preview/$"), timeout=60_000)
    tracks = page.locator("#tracks li.track")
    assert tracks.count() == 24
    for n in range(tracks.count()):
        why = tracks.nth(n).locator(".track-why")
        assert why.is_visible(), f"track {n + 1} gives no reason"
        assert why.inner_text().startswith("Why: ")  # for everyone, in plain sentences
        assert "search #" not in why.inner_text()
    art = tracks.first.locator("img.track-art")
    assert art.get_attribute("loading") == "lazy"
    assert (art.get_attribute("width"), art.get_attribute("height")) == ("56", "56")

    rows = page.locator("#by-artist .artist-pick")
    assert rows.count() == 6
    counts = [
        (int(re.search(r"(\d+) top", t)[1]), int(re.search(r"(\d+) deep", t)[1]))
        for t in rows.all_inner_texts()
    ]
    assert sum(top + deep for top, deep in counts) == 24
    assert sum(deep for _, deep in counts) == page.locator(".badge-deep").count()


def test_the_own_app_way_in_loads_without_a_single_error(
    browser, own_app_demo_server, screenshot
) -> None:
    """Home → "Use your own Spotify app" → the emulator's developer dashboard (create an app,
    copy its Client ID) → sign in with it → consent → preview → save → the embedded player."""
    server = own_app_demo_server
    context = browser.new_context(**VIEWPORTS["desktop"])
    traffic = Traffic()
    traffic.watch(context)
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)
    try:
        page.goto(server.base_url + "/")
        page.click("#connect-own-app")
        page.wait_for_url(re.compile(r".*/connect/own-app/$"))
        load_every_image(page)
        screenshot(page, "own-app")
        redirect_uri = page.inner_text("#redirect-uri").strip()
        dashboard = page.get_attribute("#dashboard-link", "href")

        page.goto(f"{dashboard}?developer={USER_ECLECTIC}")
        page.fill("#app-name", "My MoodyStream")
        page.fill("#redirect-uris", redirect_uri)
        page.check("#web-api")
        page.check("#terms")
        page.click("#save-app")
        client_id = page.inner_text("#client-id").strip()
        screenshot(page, "own-app-dashboard")

        page.goto(server.base_url + "/connect/own-app/")
        page.fill("#id_client_id", client_id)
        page.click("#own-app-sign-in")
        page.wait_for_url(re.compile(r".*/demo-spotify/authorize.*"))
        page.select_option("select[name=user_id]", USER_ECLECTIC)
        page.click("#approve")
        page.wait_for_url(re.compile(r".*/generate/$"))
        page.fill("#id_track_count", "20")
        page.click("#preview-button")
        page.wait_for_url(re.compile(r".*/preview/$"), timeout=60_000)
        load_every_image(page)
        screenshot(page, "own-app-preview", full_page=False)
        page.click("#save-button")
        page.wait_for_url(re.compile(r".*/playlists/[0-9A-Za-z]{22}/$"), timeout=60_000)
        page.locator("iframe.player").scroll_into_view_if_needed()
        embed = page.frame_locator("iframe.player")
        embed.locator("#tracks li").first.wait_for()
        assert embed.locator("#tracks li").count() == 20
        assert embed.locator("#owner").inner_text() == "Maya Lindqvist"
        load_every_image(page)
        screenshot(page, "own-app-result")
        # Read before closing: closing the context aborts whatever is still loading (the
        # embed's covers), which is the test's doing, not the page's.
        console_errors, failed_requests = list(traffic.console_errors), list(
            traffic.failed_requests)
    finally:
        context.close()
    assert console_errors == []
    assert failed_requests == []
