"""Zero axe-core violations on every page a listener meets, at a laptop's and a phone's size:
the walk (home, consent, options, an options error, the edited preview, the result), the
own-app path and the error pages."""

from __future__ import annotations

import re

import pytest

from tests.e2e.accessibility import axe_violations

pytestmark = pytest.mark.e2e


def check(page, where: str, found: dict[str, list[str]]) -> None:
    page.wait_for_load_state()
    violations = axe_violations(page)
    if violations:
        found[where] = violations


def test_the_walk_has_no_violations(sized_page, demo_server) -> None:
    page = sized_page
    found: dict[str, list[str]] = {}
    page.goto(demo_server.base_url + "/")
    check(page, "home", found)
    page.get_by_role("link", name="Try the demo").click()
    page.wait_for_url(re.compile(r".*/demo-spotify/authorize.*"))
    check(page, "consent", found)
    page.click("#approve")
    page.wait_for_url(re.compile(r".*/generate/$"))
    check(page, "options", found)

    page.get_by_label("Playlist length (tracks)").fill("5")
    page.get_by_role("button", name="Preview playlist").click()
    page.wait_for_load_state()
    check(page, "options with an error", found)

    page.get_by_label("Playlist length (tracks)").fill("12")
    page.get_by_role("button", name="Preview playlist").click()
    page.wait_for_url(re.compile(r".*/preview/$"))
    check(page, "preview", found)
    first = page.locator("#tracks li.track").first
    title = first.locator(".title").inner_text()
    song = f"{title} by {first.get_attribute('data-artist')}"
    page.get_by_role("button", name=f"Remove {song}", exact=True).click()
    page.get_by_role("button", name=f"Undo: bring back {title}").wait_for()
    page.get_by_role("link", name="Show removed songs").click()
    page.get_by_role("button", name=f"Restore {song}").wait_for()
    check(page, "preview after a removal, removed songs shown", found)

    page.get_by_role("button", name="Save to Spotify").click()
    page.wait_for_url(re.compile(r".*/playlists/[0-9A-Za-z]{22}/$"))
    check(page, "result", found)
    assert found == {}


def test_the_own_app_page_and_the_error_pages_have_no_violations(
    sized_page, own_app_demo_server
) -> None:
    page = sized_page
    server = own_app_demo_server
    found: dict[str, list[str]] = {}
    page.goto(server.base_url + "/connect/own-app/")
    check(page, "own app", found)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).first.click()
    page.wait_for_load_state()
    check(page, "own app with an error", found)
    page.goto(server.base_url + "/no-such-page/")
    check(page, "404", found)
    page.goto(server.base_url + "/playlists/" + "A" * 22 + "/")
    check(page, "sign in first", found)
    assert found == {}
