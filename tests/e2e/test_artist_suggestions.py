"""Artist suggestions in the browser: one request per pause in typing, none for text asked
about before, and none while the server says to wait."""

from __future__ import annotations

import pytest

from tests.e2e.test_walkthrough import connect

pytestmark = pytest.mark.e2e


def test_typing_asks_once_per_pause_and_remembers_answers(page, demo_server, console) -> None:
    connect(page, demo_server)
    page.check("#id_artist_source_2")  # the box is shown for "pick by name"
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/artists/search/" in r.url else None)
    with page.expect_response(lambda r: "/artists/search/" in r.url):
        page.type("#artist-search", "Neon Tapir", delay=40)  # quicker than the pause
    page.wait_for_timeout(800)
    assert len(asked) == 1 and asked[0].endswith("q=Neon%20Tapir")
    options = page.get_by_role("listbox", name="Artists found").get_by_role("option")
    assert "Neon Tapir" in options.all_inner_texts()

    page.fill("#artist-search", "")
    page.type("#artist-search", "neon tapir", delay=40)
    page.wait_for_timeout(800)
    assert len(asked) == 1  # answered from what the page remembers
    assert console.csp_violations == []
