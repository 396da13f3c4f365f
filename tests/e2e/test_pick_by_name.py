"""Pick by name in the browser, at a laptop's and a phone's size, driven by roles and names:
one combobox (the WAI-ARIA APG pattern) whose suggestions carry the artists' pictures, the
chosen artists as removable chips, and the artist count hidden (the count is the names).
Without JavaScript the textarea of names still makes the playlist."""

from __future__ import annotations

import re

import pytest

from playlists.services.options import MAX_PICKED, MESSAGES
from tests.e2e.accessibility import axe_violations
from tests.e2e.test_walkthrough import connect

pytestmark = pytest.mark.e2e

#: Part of several demo artists' names (Lil Quasar, Lilac Reverb, Juniper & The Fog Lights).
PART = "Li"


def pick_by_name(page) -> None:
    page.get_by_label("Artists I pick by name").check()


def suggestions_for(page, text: str):
    box = page.get_by_role("combobox", name="Add an artist")
    box.fill("")
    box.press_sequentially(text, delay=30)  # asked once, then answered from the page's memory
    listbox = page.get_by_role("listbox", name="Artists found")
    listbox.wait_for()
    return box, listbox


def chips(page) -> list[str]:
    return page.locator("#picked-chips .chip-name").all_inner_texts()


def test_arrow_and_enter_choose_the_highlighted_artist_as_a_chip(
    sized_page, demo_server, console, screenshot
) -> None:
    page = sized_page
    connect(page, demo_server)
    assert page.get_by_label("How many artists").is_visible()
    pick_by_name(page)
    assert page.get_by_label("How many artists").is_hidden()  # the count is the names
    assert page.get_by_label("Artist names").is_hidden()  # the no-JS textarea
    box, listbox = suggestions_for(page, PART)
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == "artist-suggestions"
    options = listbox.get_by_role("option")
    found = options.all_inner_texts()
    assert len(found) >= 2
    page.get_by_role("status").filter(has_text=f"{len(found)} artists found").wait_for()

    box.press("ArrowDown")
    box.press("ArrowDown")
    second = options.nth(1)
    assert second.get_attribute("aria-selected") == "true"
    assert options.nth(0).get_attribute("aria-selected") == "false"
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    box.press("ArrowUp")
    box.press("ArrowDown")
    box.press("Enter")  # the highlighted suggestion, never the typed "Li"

    assert chips(page) == [found[1]]
    assert box.input_value() == ""
    assert box.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "artist-search"
    assert page.locator("#id_picked_artists").input_value() == found[1]
    page.get_by_role("status").filter(has_text=f"Added {found[1]}").wait_for()

    # Escape closes the popup and keeps the text; a click or tap chooses.
    box, listbox = suggestions_for(page, PART)
    box.press("Escape")
    assert listbox.is_hidden() and box.input_value() == PART
    box.press("ArrowDown")  # opens it again, on the first
    assert listbox.get_by_role("option").first.get_attribute("aria-selected") == "true"
    option = listbox.get_by_role("option", name=found[0], exact=True)
    if page.viewport_size and page.viewport_size["width"] < 600:
        option.tap()  # the phone: a touch
    else:
        option.click()
    assert chips(page) == [found[1], found[0]]
    page.locator("#picked-chips").scroll_into_view_if_needed()
    screenshot(page, "chips", full_page=False)

    # Each chip has a 44 px Remove button named for its artist; focus moves to the next chip.
    remove = page.get_by_role("button", name=f"Remove {found[1]}", exact=True)
    size = remove.bounding_box()
    assert size and size["width"] >= 44 and size["height"] >= 44
    remove.click()
    assert chips(page) == [found[0]]
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        f"Remove {found[0]}"
    )
    assert page.locator("#id_picked_artists").input_value() == found[0]

    page.get_by_label("Playlist length (tracks)").fill("10")
    page.get_by_role("button", name="Preview playlist").click()
    page.wait_for_url(re.compile(r".*/preview/$"))
    artists = page.eval_on_selector_all(".track-meta", "els => els.map(e => e.textContent)")
    assert artists and all(found[0] in a for a in artists)
    assert console.csp_violations == []

    # Back on the options, the chosen artist is a chip again.
    page.goto(demo_server.base_url + "/generate/")
    assert chips(page) == [found[0]]


def test_suggestions_show_each_artists_smallest_picture(page, demo_server, console) -> None:
    connect(page, demo_server)
    pick_by_name(page)
    # (a slow machine may also ask for "Ne" on the way: the answer for "Neon" is the one shown)
    with page.expect_response(lambda r: r.url.endswith("/artists/search/?q=Neon")) as answered:
        page.get_by_role("combobox", name="Add an artist").press_sequentially("Neon", delay=30)
    artist = answered.value.json()["artists"][0]
    # The emulator serves Spotify's three sizes at its own origin; the 64 px one is shown.
    assert artist["image"].startswith(demo_server.emulator_url + "/image/ab6761610000f178")
    picture = page.get_by_role("option", name=artist["name"]).locator("img")
    assert picture.get_attribute("alt") == ""
    assert picture.get_attribute("loading") == "lazy"
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    chip_picture = page.locator("#picked-chips .chip img")
    assert chip_picture.get_attribute("src") == artist["image"]
    assert console.csp_violations == []


def test_an_artist_without_a_picture_gets_a_neutral_tile(page, demo_server) -> None:
    connect(page, demo_server)
    pick_by_name(page)
    answer = {"artists": [
        {"id": "0" * 22, "name": "No Picture", "image": None},
        {"id": "1" * 22, "name": "Lost Picture",
         "image": demo_server.base_url + "/static/no-such-picture.png"},
    ]}
    page.route("**/artists/search/?q=*", lambda route: route.fulfill(json=answer))
    box, listbox = suggestions_for(page, "Pic")
    tiles = listbox.locator(".suggestion-art.is-placeholder")
    tiles.nth(1).wait_for()  # the picture that failed to load became a tile too
    assert tiles.count() == 2 and listbox.locator("img").count() == 0
    assert tiles.first.get_attribute("aria-hidden") == "true"
    box.press("ArrowDown")
    box.press("Enter")
    assert chips(page) == ["No Picture"]
    assert page.locator("#picked-chips .chip-art.is-placeholder").count() == 1


def test_the_typed_text_is_added_only_when_nothing_is_highlighted(page, demo_server) -> None:
    connect(page, demo_server)
    pick_by_name(page)
    box, _ = suggestions_for(page, "Neon Tapir")
    box.press("Enter")  # nothing highlighted: the suggestion spelled as typed
    assert chips(page) == ["Neon Tapir"]
    box.fill("Somebody Nobody Knows")
    box.press("Enter")  # suggestions or not, a name can be typed whole
    assert chips(page) == ["Neon Tapir", "Somebody Nobody Knows"]
    box.fill("neon tapir")
    box.press("Enter")
    assert chips(page) == ["Neon Tapir", "Somebody Nobody Knows"]  # each artist once
    page.get_by_role("status").filter(has_text="Neon Tapir is already chosen").wait_for()


def test_the_limit_on_names_is_said_where_you_type(page, demo_server) -> None:
    connect(page, demo_server)
    pick_by_name(page)
    # The server's page with MAX_PICKED names already chosen (another field refused).
    names = "\n".join(f"Artist {n}" for n in range(MAX_PICKED))
    page.locator("#id_picked_artists").evaluate("(el, v) => { el.value = v; }", names)
    page.get_by_label("Playlist length (tracks)").fill("5")
    page.get_by_role("button", name="Preview playlist").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert len(chips(page)) == MAX_PICKED
    box = page.get_by_role("combobox", name="Add an artist")
    box.fill("One Too Many")
    box.press("Enter")
    assert len(chips(page)) == MAX_PICKED
    assert page.locator("#artist-search-problem").inner_text() == (
        MESSAGES["picked_artists_too_many"]
    )


def test_a_name_with_a_comma_stays_one_artist(page, demo_server) -> None:
    connect(page, demo_server)
    pick_by_name(page)
    box = page.get_by_role("combobox", name="Add an artist")
    box.fill("Tyler, The Creator")
    box.press("Enter")
    page.get_by_label("Playlist length (tracks)").fill("5")  # refused: the page comes back
    page.get_by_role("button", name="Preview playlist").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert chips(page) == ["Tyler, The Creator"]


def test_the_options_with_the_popup_open_have_no_axe_violations(
    sized_page, demo_server, screenshot
) -> None:
    page = sized_page
    connect(page, demo_server)
    pick_by_name(page)
    box, listbox = suggestions_for(page, PART)
    box.press("ArrowDown")
    box.press("Enter")
    box, listbox = suggestions_for(page, PART)
    box.press("ArrowDown")
    assert listbox.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]  # nothing wider than the screen
    box.scroll_into_view_if_needed()
    screenshot(page, "popup-open", full_page=False)
    assert axe_violations(page) == []


def test_without_javascript_the_names_make_the_playlist_and_the_count_is_explained(
    browser, demo_server
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        connect(page, demo_server)
        assert page.get_by_role("combobox", name="Add an artist").count() == 0  # script only
        count = page.get_by_label("How many artists")
        assert count.is_visible()
        assert "Picked by name, it is how many you name" in page.locator(
            "#id_artist_count_helptext"
        ).inner_text()
        pick_by_name(page)
        page.get_by_label("Artist names").fill("Neon Tapir\nHazel Wren")
        count.fill("0")  # not a count, and not used: the names are
        page.get_by_label("Playlist length (tracks)").fill("10")
        page.get_by_role("button", name="Preview playlist").click()
        page.wait_for_url(re.compile(r".*/preview/$"))
        artists = page.eval_on_selector_all(".track-meta", "els => els.map(e => e.textContent)")
        assert any("Neon Tapir" in a for a in artists)
        assert any("Hazel Wren" in a for a in artists)
        assert all("Neon Tapir" in a or "Hazel Wren" in a for a in artists)
    finally:
        context.close()
