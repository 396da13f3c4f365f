"""The preview as an editor, in Chromium at a laptop's and a phone's size, driven by roles and
names: remove in place with Undo, the replacement marked new where the song was, removals that
stay removed across "Shuffle again", moving by keyboard and by drag, and the same edits
without JavaScript."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_walkthrough import connect, marked_playlists, previewed_uris

pytestmark = pytest.mark.e2e


def shown(page) -> list[str]:
    return page.eval_on_selector_all("#tracks li.track", "els => els.map(e => e.dataset.trackId)")


def title_at(page, index: int) -> str:
    return page.locator("#tracks li.track").nth(index).locator(".title").inner_text()


def song_at(page, index: int) -> str:
    """How the row's buttons name its song: "Title by Artist"."""
    row = page.locator("#tracks li.track").nth(index)
    return f"{row.locator('.title').inner_text()} by {row.get_attribute('data-artist')}"


def focused_track(page) -> str | None:
    return page.evaluate(
        "() => { const r = document.activeElement.closest('li.track'); "
        "return r ? r.dataset.trackId : null; }"
    )


def make_preview(page, server, tracks: str = "24") -> list[str]:
    connect(page, server)
    page.get_by_label("How many artists").fill("6")
    page.get_by_label("Playlist length (tracks)").fill(tracks)
    page.get_by_role("button", name="Preview playlist").click()
    page.wait_for_url(re.compile(r".*/preview/$"))
    page.evaluate("window.samePage = true")  # gone if the page loads again
    return shown(page)


def wait_until_gone(page, track_id: str) -> None:
    page.wait_for_function("id => !document.getElementById('track-' + id)", arg=track_id)


def test_remove_in_place_then_undo(sized_page, demo_server, console, screenshot) -> None:
    page = sized_page
    before = make_preview(page, demo_server)
    title, song = title_at(page, 8), song_at(page, 8)
    remove = page.get_by_role("button", name=f"Remove {song}", exact=True)
    remove.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 300

    remove.click()
    wait_until_gone(page, before[8])

    now = shown(page)
    assert page.evaluate("window.samePage") is True
    assert now[:8] == before[:8] and now[9:] == before[9:] and now[8] != before[8]
    assert abs(page.evaluate("window.scrollY") - scrolled) < 120  # the page stayed where it was
    assert focused_track(page) == now[8]  # focus on the track now in that place
    replacement = page.locator(f"#track-{now[8]}")
    assert replacement.get_by_text("New", exact=True).is_visible()
    status = page.locator("#edit-status")
    assert status.get_attribute("role") == "status"
    assert f"Removed “{title}”." in status.inner_text()
    screenshot(page, "removed-in-place", full_page=False)

    page.get_by_role("button", name=f"Undo: bring back {title}").click()
    page.wait_for_selector(f"#track-{before[8]}")
    assert shown(page) == before
    assert focused_track(page) == before[8]
    assert f"“{title}” is back." in status.inner_text()
    assert page.evaluate("window.samePage") is True
    assert console.csp_violations == []


def test_removals_stay_out_across_shuffle_until_restored(
    sized_page, demo_server, console
) -> None:
    page = sized_page
    before = make_preview(page, demo_server)
    song = song_at(page, 2)
    page.get_by_role("button", name=f"Remove {song}", exact=True).click()
    wait_until_gone(page, before[2])

    page.get_by_role("button", name="Shuffle again").click()
    page.wait_for_load_state()
    page.wait_for_selector("#removed-songs")
    assert before[2] not in shown(page)
    page.get_by_role("link", name="Show removed songs").click()
    restore = page.get_by_role("button", name=f"Restore {song}")
    restore.wait_for()
    restore.click()
    # The shuffle drew anew: the song is back, or the page says this draw has no place for it.
    back = page.locator(f"#track-{before[2]}")
    back.or_(page.get_by_text("this shuffle has no place for it")).first.wait_for()
    page.wait_for_function("() => !document.querySelector('#removed-songs')")
    assert page.locator("#removed-songs").count() == 0
    assert console.csp_violations == []


def test_a_removed_song_restored_comes_back_where_it_was(sized_page, demo_server, console) -> None:
    page = sized_page
    before = make_preview(page, demo_server)
    song = song_at(page, 2)
    page.get_by_role("button", name=f"Remove {song}", exact=True).click()
    wait_until_gone(page, before[2])
    page.get_by_role("link", name="Show removed songs").click()
    restore = page.get_by_role("button", name=f"Restore {song}")
    restore.wait_for()
    restore.click()
    page.wait_for_selector(f"#track-{before[2]}")
    assert shown(page)[2] == before[2]
    assert console.csp_violations == []


def test_move_by_keyboard_and_drag_then_save_that_order(
    sized_page, demo_server, console
) -> None:
    page = sized_page
    before = make_preview(page, demo_server, tracks="12")
    title, song = title_at(page, 4), song_at(page, 4)
    up = page.get_by_role("button", name=f"Move {song} up")
    up.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "id => document.querySelectorAll('#tracks li.track')[3].dataset.trackId === id",
        arg=before[4],
    )
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == f"Move {song} up"
    assert f"Moved “{title}” to number 4." in page.locator("#edit-status").inner_text()

    order = shown(page)
    handle = page.locator(f"#track-{order[8]} .drag-handle")
    handle.drag_to(page.locator(f"#track-{order[1]}"), target_position={"x": 20, "y": 4})
    page.wait_for_function(
        "() => document.getElementById('edit-status').textContent.includes('to number 2')"
    )
    dragged = shown(page)
    assert dragged == [order[0], order[8], *order[1:8], *order[9:]]
    assert page.evaluate("window.samePage") is True

    page.reload()
    assert shown(page) == dragged
    uris = previewed_uris(page)
    page.get_by_role("button", name="Save to Spotify").click()
    page.wait_for_url(re.compile(r".*/playlists/[0-9A-Za-z]{22}/$"))
    playlist_id = page.url.rstrip("/").split("/")[-1]
    [saved] = [p for p in marked_playlists(demo_server) if p["id"] == playlist_id]
    assert saved["items"] == uris
    assert console.csp_violations == []


def test_the_same_edits_without_javascript(browser, demo_server) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        before = make_preview(page, demo_server, tracks="12")
        assert page.locator(".drag-handle").first.is_hidden()
        title = title_at(page, 6)
        page.get_by_role("button", name=f"Remove {song_at(page, 6)}", exact=True).click()
        page.wait_for_url(re.compile(r".*/preview/#track-[0-9A-Za-z]{22}$"))
        now = shown(page)
        assert page.url.endswith(f"#track-{now[6]}")  # the page opens at the replacement
        assert page.locator(f"#track-{now[6]}").get_by_text("New", exact=True).is_visible()
        page.get_by_role("button", name=f"Undo: bring back {title}").click()
        page.wait_for_url(re.compile(rf".*/preview/#track-{before[6]}$"))
        assert shown(page) == before
        page.get_by_role("button", name=f"Move {song_at(page, 1)} down").click()
        page.wait_for_url(re.compile(r".*/preview/#track-"))
        assert shown(page) == [before[0], before[2], before[1], *before[3:]]
    finally:
        context.close()


def test_listen_in_place_one_player_at_a_time(sized_page, demo_server, console) -> None:
    page = sized_page
    ids = make_preview(page, demo_server, tracks="12")
    assert page.locator("iframe").count() == 0  # no frame until asked
    first, third = song_at(page, 0), song_at(page, 2)
    page.get_by_role("button", name=f"Play {first} on Spotify").click()
    frame = page.locator("#tracks iframe")
    assert frame.count() == 1
    assert frame.get_attribute("src").endswith(f"/demo-spotify/open/embed/track/{ids[0]}")
    assert page.frame_locator("#tracks iframe").locator("body").inner_text().strip()
    close = page.get_by_role("button", name=re.compile("^Close the player for "))
    assert close.get_attribute("aria-expanded") == "true"

    page.get_by_role("button", name=f"Play {third} on Spotify").press("Enter")
    assert page.locator("#tracks iframe").count() == 1  # one at a time
    assert page.locator(f"#track-{ids[2]} iframe").count() == 1
    page.get_by_role("button", name=re.compile("^Close the player for ")).press(" ")
    assert page.locator("iframe").count() == 0
    assert console.csp_violations == []
