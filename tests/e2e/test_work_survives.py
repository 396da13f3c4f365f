"""Work survives an expired session or token (issue 22, point 7), in Chromium at a laptop's and
a phone's size, driven by roles and names: a preview renamed, with a song removed and one
moved; then the session cookie is gone (or the CSRF cookie), and Save (or Remove) tells the
listener, goes through the demo's sign-in and comes back to the same draft, which then saves.
The pages met on the way have no axe-core violations."""

from __future__ import annotations

import re

import pytest

from tests.e2e.accessibility import axe_violations
from tests.e2e.test_walkthrough import connect, marked_playlists
from tests.e2e.viewports import VIEWPORTS

pytestmark = pytest.mark.e2e

SESSION_COOKIE = "moodystream_session"
CSRF_COOKIE = "csrftoken"
NAME = "Kept through the sign-in"
BACK = "Here is your playlist as you left it"


@pytest.fixture(params=list(VIEWPORTS))
def sized(browser, console, request: pytest.FixtureRequest):
    """A page (and its context, whose cookies the tests clear) at each size."""
    context = browser.new_context(**VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda msg: console.messages.append(msg.text)
            if msg.type in {"error", "warning"} else None)
    yield context, page
    context.close()


def shown(page) -> list[str]:
    return page.eval_on_selector_all("#tracks li.track", "els => els.map(e => e.dataset.trackId)")


def song_at(page, index: int) -> str:
    row = page.locator("#tracks li.track").nth(index)
    return f"{row.locator('.title').inner_text()} by {row.get_attribute('data-artist')}"


def work_on_a_preview(page, server) -> list[str]:
    """Options with a name, a preview, a song removed in place and one moved down: the order
    the page shows afterwards."""
    connect(page, server)
    page.get_by_label("How many artists").fill("5")
    page.get_by_label("Playlist length (tracks)").fill("15")
    page.get_by_label("Playlist name").fill(NAME)
    page.get_by_role("button", name="Preview playlist").click()
    page.wait_for_url(re.compile(r".*/preview/$"))
    before = shown(page)
    page.get_by_role("button", name=f"Remove {song_at(page, 3)}", exact=True).click()
    page.wait_for_function("id => !document.getElementById('track-' + id)", arg=before[3])
    moved = shown(page)[0]
    page.get_by_role("button", name=f"Move {song_at(page, 0)} down", exact=True).click()
    page.wait_for_function("id => document.querySelectorAll('#tracks li.track')[1]"
                           " && document.querySelectorAll('#tracks li.track')[1].dataset.trackId"
                           " === id", arg=moved)
    # Every write form (Shuffle's and Back's outside the part the editor swaps) carries the
    # draft as sealed after these in-place edits.
    sealed = page.eval_on_selector_all("input[name=draft]", "els => els.map(e => e.value)")
    assert len(sealed) >= 4 and len(set(sealed)) == 1 and sealed[0]
    return shown(page)


def clear_cookie(context, name: str) -> None:
    context.clear_cookies(name=name)
    assert name not in {cookie["name"] for cookie in context.cookies()}


def sign_in_again(page) -> None:
    """The demo's consent: the same account, Agree."""
    page.wait_for_url(re.compile(r".*/demo-spotify/authorize.*"))
    page.click("#approve")
    page.wait_for_url(re.compile(r".*/preview/$"))


def same_draft_then_save(page, server, order: list[str]) -> None:
    assert shown(page) == order  # the removal and the move, as they were
    assert page.get_by_role("heading", level=1).inner_text() == NAME
    assert BACK in page.inner_text("main")
    page.get_by_role("button", name="Save to Spotify").click()
    page.wait_for_url(re.compile(r".*/playlists/[0-9A-Za-z]{22}/$"))
    playlist_id = page.url.rstrip("/").split("/")[-1]
    [saved] = [p for p in marked_playlists(server) if p["id"] == playlist_id]
    assert saved["name"] == NAME
    assert saved["items"] == [f"spotify:track:{track_id}" for track_id in order]


def test_save_with_the_session_gone_signs_in_and_comes_back_to_the_same_draft(
    sized, demo_server, console, screenshot
) -> None:
    context, page = sized
    order = work_on_a_preview(page, demo_server)
    screenshot(page, "action-bar", full_page=False)
    clear_cookie(context, SESSION_COOKIE)
    before = len(marked_playlists(demo_server))

    page.get_by_role("button", name="Save to Spotify").click()

    page.wait_for_url(re.compile(r".*/sign-in-again/$"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Your session ended — sign in again and we'll bring back your playlist."
    assert "Nothing was saved or changed" in page.inner_text("main")
    assert len(marked_playlists(demo_server)) == before
    assert axe_violations(page) == []
    screenshot(page, "sign-in-again", full_page=False)

    page.get_by_role("link", name="Sign in to the demo again").click()
    sign_in_again(page)
    same_draft_then_save(page, demo_server, order)
    assert console.csp_violations == []


def test_an_edit_with_the_session_gone_goes_the_same_way(sized, demo_server) -> None:
    """The editor's in-place post finds no session: the browser posts the form itself, and the
    draft it carries is the one after the in-place edits (the script keeps it current)."""
    context, page = sized
    order = work_on_a_preview(page, demo_server)
    clear_cookie(context, SESSION_COOKIE)

    page.get_by_role("button", name=f"Remove {song_at(page, 5)}", exact=True).click()

    page.wait_for_url(re.compile(r".*/sign-in-again/$"))
    page.get_by_role("link", name="Sign in to the demo again").click()
    sign_in_again(page)
    assert shown(page) == order  # the removal pressed with no session is not made: check, redo
    assert page.get_by_role("heading", level=1).inner_text() == NAME


def test_a_refused_csrf_token_writes_nothing_and_leads_back_to_the_same_draft(
    sized, demo_server, console, screenshot
) -> None:
    context, page = sized
    order = work_on_a_preview(page, demo_server)
    clear_cookie(context, CSRF_COOKIE)
    before = len(marked_playlists(demo_server))

    page.get_by_role("button", name="Save to Spotify").click()

    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Your form expired"
    assert "nothing was saved or changed" in page.inner_text("main")
    assert len(marked_playlists(demo_server)) == before
    assert axe_violations(page) == []
    screenshot(page, "csrf-expired", full_page=False)

    page.get_by_role("button", name="Back to your preview").click()
    page.wait_for_url(re.compile(r".*/preview/$"))
    same_draft_then_save(page, demo_server, order)
    assert console.csp_violations == []


def test_an_edit_with_a_refused_csrf_token_leads_back_too(sized, demo_server) -> None:
    """The editor's in-place post meets a 403: the browser posts the form itself and the
    listener sees the page that says so, with the way back."""
    context, page = sized
    order = work_on_a_preview(page, demo_server)
    clear_cookie(context, CSRF_COOKIE)

    page.get_by_role("button", name=f"Remove {song_at(page, 5)}", exact=True).click()

    page.get_by_role("button", name="Back to your preview").click()
    page.wait_for_url(re.compile(r".*/preview/$"))
    assert shown(page) == order


def test_back_after_sign_out_lands_on_moodystream_not_on_the_consent_page(
    page, demo_server
) -> None:
    connect(page, demo_server)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/$"))
    page.go_back()
    page.wait_for_load_state()
    assert "/demo-spotify/" not in page.url
    assert page.get_by_role("link", name="Try the demo").is_visible()
