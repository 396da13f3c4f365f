"""The emulator's developer dashboard, which the own-app path sends a listener to: readable
(zero axe-core violations, so enough contrast) and no wider than a 320 px phone."""

from __future__ import annotations

import pytest

from spotify_emulator import USER_ECLECTIC
from tests.e2e.accessibility import axe_violations
from tests.e2e.test_own_app_walk import create_app_on_the_dashboard

pytestmark = pytest.mark.e2e


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [320, 1280])
def test_the_dashboard_is_readable_and_fits(browser, own_app_demo_server, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    found: dict[str, tuple[list[str], int]] = {}
    try:
        page.goto(f"{own_app_demo_server.emulator_url}/dashboard?developer={USER_ECLECTIC}")
        page.wait_for_load_state()
        found["apps"] = (axe_violations(page), overflow(page))
        create_app_on_the_dashboard(page, own_app_demo_server)
        found["an app"] = (axe_violations(page), overflow(page))
        page.goto(f"{own_app_demo_server.emulator_url}/dashboard?developer={USER_ECLECTIC}")
        found["apps, one made"] = (axe_violations(page), overflow(page))
    finally:
        context.close()
    assert {where: v for where, (v, _) in found.items() if v} == {}
    assert {where: wider for where, (_, wider) in found.items() if wider > 0} == {}
