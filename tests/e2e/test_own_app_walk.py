"""A listener outside the operator's five, in headless Chromium, as `make run` serves the demo.

Home → "Use your own Spotify app" → the demo developer dashboard: create an app with the
redirect URI the own-app page shows → copy its Client ID → sign in with it (emulator consent as
the app's owner) → generate → save. Then the failure a fresh app most often meets: another
account signing in to it.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from spotify_emulator import USER_ECLECTIC, USER_TYPICAL

pytestmark = pytest.mark.e2e


def create_app_on_the_dashboard(page, server, screenshot=None, owner: str = USER_ECLECTIC) -> str:
    """From the own-app page: open the dashboard, register an app, return its Client ID."""
    page.goto(server.base_url + "/")
    page.get_by_role("link", name="Use your own Spotify app").click()
    page.wait_for_url(re.compile(r".*/connect/own-app/$"))
    redirect_uri = page.inner_text("#redirect-uri").strip()
    assert redirect_uri == server.base_url + "/connect/own-app/callback/"
    if screenshot:
        screenshot(page, "own-app-page")
    page.goto(page.get_attribute("#dashboard-link", "href"))
    page.select_option("#developer-choice", owner)
    page.click("#switch-developer")
    page.fill("#app-name", "My MoodyStream")
    page.fill("#redirect-uris", redirect_uri)
    page.check("#web-api")
    page.check("#terms")
    page.click("#save-app")
    page.wait_for_url(re.compile(r".*/dashboard/apps/[0-9a-f]{32}$"))
    if screenshot:
        screenshot(page, "dashboard-app")
    client_id = page.inner_text("#client-id").strip()
    assert re.fullmatch(r"[0-9a-f]{32}", client_id)
    return client_id


def sign_in_with(page, server, client_id: str, user_id: str, remember: bool = False) -> None:
    page.goto(server.base_url + "/connect/own-app/")
    page.fill("#id_client_id", client_id)
    if remember:
        page.check("#id_remember")
    page.click("#own-app-sign-in")
    page.wait_for_url(re.compile(r".*/demo-spotify/authorize.*"))
    assert f"client_id={client_id}" in page.url
    page.select_option("select[name=user_id]", user_id)
    page.click("#approve")


def owned_playlists(server, user_id: str) -> list[dict]:
    url = f"{server.emulator_url}/_control/users/{user_id}/playlists"
    with urllib.request.urlopen(url, timeout=10) as response:
        data = json.load(response)
    return data["playlists"] if isinstance(data, dict) else data


def test_dashboard_create_app_sign_in_generate_and_save(
    page, demo_server, console, screenshot
) -> None:
    client_id = create_app_on_the_dashboard(page, demo_server, screenshot)
    sign_in_with(page, demo_server, client_id, USER_ECLECTIC, remember=True)
    page.wait_for_url(re.compile(r".*/generate/$"))
    assert "Connected as" in page.inner_text("header")

    page.fill("#id_artist_count", "4")
    page.fill("#id_track_count", "12")
    page.fill("#id_name", "My own app's mix")
    page.click("#preview-button")
    page.wait_for_url(re.compile(r".*/preview/$"))
    assert page.locator("#tracks li.track").count() == 12
    page.click("#save-button")
    page.wait_for_url(re.compile(r".*/playlists/[0-9A-Za-z]{22}/$"))
    assert page.inner_text("#playlist-name") == "My own app's mix"
    screenshot(page, "own-app-saved")
    playlist_id = page.url.rstrip("/").split("/")[-1]
    [saved] = [p for p in owned_playlists(demo_server, USER_ECLECTIC) if p["id"] == playlist_id]
    assert len(saved["items"]) == 12

    # Signed out, the browser still remembers the Client ID (it was asked to).
    page.get_by_role("button", name="Sign out").click()
    page.goto(demo_server.base_url + "/connect/own-app/")
    assert page.input_value("#id_client_id") == client_id
    assert console.csp_violations == []


def test_another_account_is_told_what_to_change(page, demo_server, console, screenshot) -> None:
    client_id = create_app_on_the_dashboard(page, demo_server)
    sign_in_with(page, demo_server, client_id, USER_TYPICAL)
    page.wait_for_url(re.compile(r".*/connect/own-app/callback/.*"))
    text = page.inner_text("main")
    assert "not your app's owner or user" in text and "User Management" in text
    screenshot(page, "own-app-not-your-app")
    assert "Connected as" not in page.inner_text("header")
    assert console.csp_violations == []


def test_a_client_id_spotify_does_not_know(page, demo_server, console) -> None:
    page.goto(demo_server.base_url + "/connect/own-app/")
    page.fill("#id_client_id", "0123456789abcdef0123456789abcdef")
    page.click("#own-app-sign-in")
    page.wait_for_load_state()
    assert "Spotify does not know this Client ID" in page.inner_text("main")
    assert console.csp_violations == []
