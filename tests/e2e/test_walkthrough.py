"""A listener's walk through the demo in headless Chromium, as `make run` serves it.

Connect → approve consent in the emulator → options → preview → remove a track → shuffle →
save → the playlist in the emulator holds exactly the previewed tracks. Screenshots of every
page land in test-artifacts/e2e/.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from playlists.services.options import MESSAGES
from spotify_emulator import USER_TYPICAL

pytestmark = pytest.mark.e2e


def connect(page, server, user_id: str = USER_TYPICAL, screenshot=None) -> None:
    page.goto(server.base_url + "/")
    page.get_by_role("link", name="Try the demo").click()
    page.wait_for_url(re.compile(r".*/demo-spotify/authorize.*"))
    if screenshot:
        screenshot(page, "consent")
    page.select_option("select[name=user_id]", user_id)
    page.click("#approve")
    page.wait_for_url(re.compile(r".*/generate/$"))


def previewed_uris(page) -> list[str]:
    return page.eval_on_selector_all("#tracks li.track", "els => els.map(e => e.dataset.uri)")


def marked_playlists(server, user_id: str = USER_TYPICAL) -> list[dict]:
    url = f"{server.emulator_url}/_control/users/{user_id}/playlists"
    with urllib.request.urlopen(url, timeout=10) as response:
        data = json.load(response)
    playlists = data["playlists"] if isinstance(data, dict) else data
    return [p for p in playlists if p["name"].startswith("MoodyStream")
            or "Made with MoodyStream." in p["description"]]


def test_connect_preview_tweak_and_save(page, demo_server, console, screenshot) -> None:
    page.goto(demo_server.base_url + "/")
    assert page.locator("#demo-banner").is_visible()
    assert "not your real Spotify" in page.locator("#demo-banner").inner_text()
    screenshot(page, "home")

    connect(page, demo_server, screenshot=screenshot)
    assert "Connected as" in page.inner_text("header")
    screenshot(page, "options")

    page.fill("#id_artist_count", "6")
    page.fill("#id_track_count", "24")
    page.fill("#id_deep_cut_percent", "50")
    assert page.inner_text("#deep-cut-value") == "50"
    page.fill("#id_name", "Browser walk")
    page.click("#preview-button")
    page.wait_for_url(re.compile(r".*/preview/$"))
    assert page.title().startswith("Preview: Browser walk")
    first = previewed_uris(page)
    assert len(first) == 24
    assert page.locator(".badge-deep").count() > 0 and page.locator(".badge-top").count() > 0
    screenshot(page, "preview")

    removed = first[2]
    row = page.locator("#tracks li.track").nth(2)
    song = f"{row.locator('.title').inner_text()} by {row.get_attribute('data-artist')}"
    page.get_by_role("button", name=f"Remove {song}", exact=True).click()
    page.wait_for_function("uri => !document.querySelector(`[data-uri='${uri}']`)", arg=removed)
    after_remove = previewed_uris(page)
    assert removed not in after_remove

    page.click("#shuffle-button")
    page.wait_for_load_state()
    shuffled = previewed_uris(page)
    assert shuffled != after_remove

    page.click("#save-button")
    page.wait_for_url(re.compile(r".*/playlists/[0-9A-Za-z]{22}/$"))
    assert page.inner_text("#playlist-name") == "Browser walk"
    playlist_id = page.url.rstrip("/").split("/")[-1]
    assert page.get_attribute("#open-web", "href").endswith(f"/playlist/{playlist_id}")
    assert page.get_attribute("iframe.player", "src").endswith(f"/embed/playlist/{playlist_id}")
    screenshot(page, "result")

    [saved] = [p for p in marked_playlists(demo_server) if p["id"] == playlist_id]
    assert saved["items"] == shuffled
    assert console.csp_violations == []


def test_denied_consent_offers_a_way_back(page, demo_server, console, screenshot) -> None:
    page.goto(demo_server.base_url + "/")
    page.get_by_role("link", name="Try the demo").click()
    page.wait_for_url(re.compile(r".*/demo-spotify/authorize.*"))
    page.click("#deny")
    page.wait_for_url(re.compile(r".*/callback/\?.*error=access_denied.*"))
    assert "nothing was connected" in page.inner_text("main")
    screenshot(page, "denied")
    page.get_by_role("link", name="Try connecting again").click()
    page.wait_for_url(re.compile(r".*/demo-spotify/authorize.*"))
    assert console.csp_violations == []


def test_a_form_error_is_shown_next_to_the_field(page, demo_server, console, screenshot) -> None:
    connect(page, demo_server)
    page.fill("#id_track_count", "5")
    page.click("#preview-button")
    page.wait_for_load_state()
    assert MESSAGES["track_count"] in page.inner_text("main")
    assert page.locator("#form-errors").is_visible()
    screenshot(page, "form-error")
    assert console.csp_violations == []


def test_works_on_a_phone(phone_page, demo_server, console, screenshot) -> None:
    page = phone_page
    connect(page, demo_server)
    page.fill("#id_artist_count", "3")
    page.fill("#id_track_count", "10")
    page.click("#preview-button")
    page.wait_for_url(re.compile(r".*/preview/$"))
    assert len(previewed_uris(page)) == 10
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    assert page.locator("#save-button").is_visible()
    screenshot(page, "phone-preview")
    assert console.csp_violations == []


def test_keyboard_only_can_reach_connect(page, demo_server) -> None:
    page.goto(demo_server.base_url + "/")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "connect":
            break
    assert page.evaluate("document.activeElement.id") == "connect"


def test_pick_artists_by_name_with_the_search_box(page, demo_server, console) -> None:
    connect(page, demo_server)
    assert page.locator("#artist-search").is_hidden()  # only for "pick by name"
    page.check("#id_artist_source_2")
    with page.expect_response(lambda r: "/artists/search/" in r.url) as searched:
        page.fill("#artist-search", "Neon Tapir")
    suggestions = searched.value.json()["artists"]
    assert "Neon Tapir" in [a["name"] for a in suggestions]
    page.press("#artist-search", "Enter")
    assert page.input_value("#id_picked_artists") == "Neon Tapir"
    assert page.is_checked("#id_artist_source_2")
    assert page.locator("#id_time_range").is_hidden()  # top artists only
    page.fill("#id_track_count", "10")
    page.click("#preview-button")
    page.wait_for_url(re.compile(r".*/preview/$"))
    artists = page.eval_on_selector_all(".track-meta", "els => els.map(e => e.textContent)")
    assert artists and all("Neon Tapir" in a for a in artists)
    assert console.csp_violations == []


def control(server, path: str, payload: dict) -> None:
    request = urllib.request.Request(
        f"{server.emulator_url}/_control/{path}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


PROBE_SUBMIT = """
() => {
  const form = document.getElementById("generator-form");
  form.addEventListener("submit", () => {
    window.setTimeout(() => {
      const button = document.getElementById("preview-button");
      const again = new Event("submit", {cancelable: true});
      form.dispatchEvent(again);
      sessionStorage.setItem("probe", JSON.stringify({
        disabled: button.disabled,
        busy: button.getAttribute("aria-busy"),
        progress: getComputedStyle(form.querySelector(".progress")).display,
        secondSubmitBlocked: again.defaultPrevented,
      }));
    }, 100);
  });
}
"""


def test_slow_generation_shows_progress_and_blocks_a_second_submit(
    page, demo_server, console
) -> None:
    """What the page looked like while waiting is recorded in sessionStorage by a probe."""
    connect(page, demo_server)
    control(demo_server, "latency", {"ms": 1500})
    try:
        page.fill("#id_artist_count", "3")
        page.fill("#id_track_count", "10")
        page.evaluate(PROBE_SUBMIT)
        page.click("#preview-button")
        page.wait_for_url(re.compile(r".*/preview/$"), timeout=30_000)
    finally:
        control(demo_server, "latency", {"ms": 0})
    probe = json.loads(page.evaluate("sessionStorage.getItem('probe')"))
    assert probe == {
        "disabled": True,
        "busy": "true",
        "progress": "flex",
        "secondSubmitBlocked": True,
    }
    assert len(previewed_uris(page)) == 10
    assert console.csp_violations == []


def test_the_options_show_only_what_the_chosen_source_uses(page, demo_server) -> None:
    connect(page, demo_server)
    shown = {
        source: None
        for source in ("#id_artist_source_0", "#id_artist_source_1", "#id_artist_source_2")
    }
    for source in shown:
        page.check(source)
        shown[source] = (
            page.locator("#id_time_range").is_visible(),
            page.locator("#artist-search").is_visible(),
            page.locator("#id_artist_count").is_visible(),
        )
    assert shown == {
        "#id_artist_source_0": (True, False, True),  # my top artists: the time range, how many
        "#id_artist_source_1": (False, False, True),  # artists I follow: how many
        "#id_artist_source_2": (False, True, False),  # pick by name: the names are the count
    }
    assert page.locator("#id_picked_artists").is_hidden()  # the chips stand for it


def test_the_options_form_is_complete_without_javascript(browser, demo_server) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        connect(page, demo_server)
        for field in ("#id_time_range", "#id_picked_artists", "#id_artist_source_2"):
            assert page.locator(field).is_visible(), field
        page.check("#id_artist_source_2")
        page.fill("#id_picked_artists", "Neon Tapir")
        page.fill("#id_track_count", "10")
        page.click("#preview-button")
        page.wait_for_url(re.compile(r".*/preview/$"))
        artists = page.eval_on_selector_all(".track-meta", "els => els.map(e => e.textContent)")
        assert artists and all("Neon Tapir" in a for a in artists)
        assert page.locator("#save-button").is_visible()
    finally:
        context.close()
