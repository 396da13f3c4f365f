"""Replace an earlier playlist (issue 22 point 6), in Chromium at a laptop's and a phone's size,
driven by roles and names: save "Friday mix", make another preview with an empty name field,
Replace → choose it (name, track count, last-filled date) → the confirmation names it →
"Replaced", and the playlist keeps its name and holds the new preview. With JavaScript the
steps open in a dialog over the preview; without it they are plain pages. Zero axe-core
violations on each step (the dialog, and the plain pages opened directly: axe needs
JavaScript), and every button and link of these pages at least 44 × 44 px."""

from __future__ import annotations

import re

import pytest

from tests.e2e.accessibility import axe_violations
from tests.e2e.test_walkthrough import connect, marked_playlists, previewed_uris
from tests.e2e.viewports import VIEWPORTS

pytestmark = pytest.mark.e2e

#: Buttons, links and controls smaller than 44 × 44 px (links inside running text are exempt,
#: as WCAG 2.5.8 allows; a radio or checkbox counts by its label, which is the target).
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary'))
  .filter(el => {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) return false;
    const style = getComputedStyle(el);
    if (el.tagName === 'A' && style.display === 'inline' && el.closest('p, li')
        && !el.classList.contains('button')) return false;
    const target = (el.type === 'radio' || el.type === 'checkbox') && el.closest('label')
      ? el.closest('label').getBoundingClientRect() : r;
    return target.width < 44 || target.height < 44;
  })
  .map(el => `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.id).trim()
    .slice(0, 30)}" ${Math.round(el.getBoundingClientRect().width)}x${Math.round(
    el.getBoundingClientRect().height)}`)"""


def small_targets(page) -> list[str]:
    return page.evaluate(SMALL_TARGETS)


def save_friday_mix(page, server) -> str:
    """Connect, save a 12-track preview named "Friday mix"; its playlist id."""
    connect(page, server)
    page.get_by_label("How many artists").fill("4")
    page.get_by_label("Playlist length (tracks)").fill("12")
    page.get_by_label("Playlist name").fill("Friday mix")
    page.get_by_role("button", name="Preview playlist").click()
    page.wait_for_url(re.compile(r".*/preview/$"))
    page.get_by_role("button", name="Save to Spotify").click()
    page.wait_for_url(re.compile(r".*/playlists/[0-9A-Za-z]{22}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Saved to Spotify"
    return page.url.rstrip("/").split("/")[-1]


def another_preview_without_a_name(page) -> list[str]:
    page.get_by_role("link", name="Make another").click()
    page.wait_for_url(re.compile(r".*/generate/$"))
    page.get_by_label("Playlist name").fill("")  # an empty name field: "make one up"
    page.get_by_role("button", name="Preview playlist").click()
    page.wait_for_url(re.compile(r".*/preview/$"))
    return previewed_uris(page)


def check_replaced(page, server, playlist_id: str, uris: list[str]) -> None:
    page.wait_for_url(re.compile(rf".*/playlists/{playlist_id}/\?replaced=.*"))
    assert page.get_by_role("heading", level=1).inner_text() == "Replaced “Friday mix”"
    assert "Saved to Spotify" not in page.inner_text("main")
    [replaced] = [p for p in marked_playlists(server) if p["id"] == playlist_id]
    assert replaced["name"] == "Friday mix"  # the empty name field did not rename it
    assert replaced["items"] == uris


def test_replace_in_a_dialog(sized_page, demo_server, console, screenshot) -> None:
    page = sized_page
    playlist_id = save_friday_mix(page, demo_server)
    uris = another_preview_without_a_name(page)
    assert uris and page.get_by_role("button", name="Save to Spotify").is_visible()
    page.evaluate("window.samePage = true")  # gone if the page loads again
    assert small_targets(page) == []

    page.get_by_role("link", name="Replace an earlier playlist").click()
    choose = page.get_by_role("dialog", name="Replace an earlier playlist")
    choose.wait_for()
    friday = choose.get_by_role(
        "radio", name=re.compile(r"^Friday mix 12 tracks · last filled \d{1,2} \w{3} \d{4}, "
                                 r"\d\d:\d\d UTC starts with “.+” by .+$"))
    assert friday.first.get_attribute("value") == playlist_id  # the newest first
    assert axe_violations(page) == []
    assert small_targets(page) == []
    screenshot(page, "choose", full_page=False)
    friday.first.check()
    choose.get_by_role("button", name="Continue").click()

    confirm = page.get_by_role("dialog", name="Replace “Friday mix”?")
    confirm.wait_for()
    said = confirm.inner_text()
    assert re.search(r"Its 12 songs \(last filled \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC, starting "
                     r"with “.+” by .+\) make way for the songs of this preview\.", said)
    assert "It keeps its name." in said
    assert page.evaluate("window.samePage") is True  # still the preview under the dialog
    assert axe_violations(page) == []
    assert small_targets(page) == []
    screenshot(page, "confirm", full_page=False)
    confirm.get_by_role("button", name="Replace playlist").click()

    check_replaced(page, demo_server, playlist_id, uris)
    assert axe_violations(page) == []
    assert small_targets(page) == []
    assert console.csp_violations == []


def test_cancel_closes_the_dialog_and_changes_nothing(sized_page, demo_server, console) -> None:
    page = sized_page
    playlist_id = save_friday_mix(page, demo_server)
    another_preview_without_a_name(page)
    before = [p for p in marked_playlists(demo_server) if p["id"] == playlist_id]
    page.get_by_role("link", name="Replace an earlier playlist").click()
    choose = page.get_by_role("dialog", name="Replace an earlier playlist")
    choose.get_by_role("link", name="Cancel").click()
    choose.wait_for(state="hidden")
    assert page.get_by_role("link", name="Replace an earlier playlist").is_visible()
    assert [p for p in marked_playlists(demo_server) if p["id"] == playlist_id] == before
    assert console.csp_violations == []


def test_the_plain_pages_the_dialog_shows(sized_page, demo_server, console) -> None:
    """The choices and the confirmation as pages of their own (what a browser without
    JavaScript gets; axe needs JavaScript, so they are opened here directly)."""
    page = sized_page
    playlist_id = save_friday_mix(page, demo_server)
    uris = another_preview_without_a_name(page)
    href = page.get_by_role("link", name="Replace an earlier playlist").get_attribute("href")
    page.goto(demo_server.base_url + href)
    assert page.get_by_role("heading", level=1).inner_text() == "Replace an earlier playlist"
    assert axe_violations(page) == []
    assert small_targets(page) == []
    page.get_by_role("radio", name=re.compile(r"^Friday mix 12 tracks")).first.check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/preview/replace/confirm/\?.*"))
    assert page.get_by_role("heading", level=1).inner_text() == "Replace “Friday mix”?"
    assert axe_violations(page) == []
    assert small_targets(page) == []
    page.get_by_role("button", name="Replace playlist").click()
    check_replaced(page, demo_server, playlist_id, uris)
    assert console.csp_violations == []


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_replace_without_javascript(browser, demo_server, size: str) -> None:
    context = browser.new_context(**VIEWPORTS[size], java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        playlist_id = save_friday_mix(page, demo_server)
        uris = another_preview_without_a_name(page)
        page.get_by_role("link", name="Replace an earlier playlist").click()
        page.wait_for_url(re.compile(r".*/preview/replace/\?digest=[0-9a-f]{32}$"))
        assert page.get_by_role("heading", level=1).inner_text() == "Replace an earlier playlist"
        page.get_by_role("button", name="Continue").click()  # nothing chosen: the browser asks
        assert "/confirm/" not in page.url
        page.get_by_role("radio", name=re.compile(r"^Friday mix 12 tracks")).first.check()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(re.compile(r".*/preview/replace/confirm/\?.*"))
        assert page.get_by_role("heading", level=1).inner_text() == "Replace “Friday mix”?"
        assert "It keeps its name." in page.inner_text("main")
        page.get_by_role("button", name="Replace playlist").click()
        check_replaced(page, demo_server, playlist_id, uris)
    finally:
        context.close()


def test_every_button_and_link_of_the_walk_is_a_44_px_target(sized_page, demo_server) -> None:
    """Issue 22 point 10: Sign out and every other quiet control, on every page of the walk
    (the demo's consent page and developer dashboard included)."""
    page = sized_page
    found: dict[str, list[str]] = {}

    def look(where: str) -> None:
        page.wait_for_load_state()
        small = small_targets(page)
        if small:
            found[where] = small

    page.goto(demo_server.base_url + "/")
    look("home")
    page.get_by_role("link", name="Try the demo").click()
    page.wait_for_url(re.compile(r".*/demo-spotify/authorize.*"))
    look("the demo's consent page")
    page.get_by_role("button", name="Agree").click()
    page.wait_for_url(re.compile(r".*/generate/$"))
    look("options")
    page.get_by_label("Playlist length (tracks)").fill("5")
    page.get_by_role("button", name="Preview playlist").click()
    look("options with an error")
    page.get_by_label("Playlist length (tracks)").fill("12")
    page.get_by_role("button", name="Preview playlist").click()
    page.wait_for_url(re.compile(r".*/preview/$"))
    look("preview")
    page.get_by_role("button", name="Save to Spotify").click()
    page.wait_for_url(re.compile(r".*/playlists/[0-9A-Za-z]{22}/$"))
    look("result")
    page.goto(demo_server.base_url + "/no-such-page/")
    look("404")
    page.goto(demo_server.emulator_url + "/dashboard")
    look("the demo's developer dashboard")
    assert found == {}
