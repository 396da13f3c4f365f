"""Mounted under a path prefix (as Django's demo mode does) and run from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client
from werkzeug.wrappers import Response

from spotify_emulator import ALL_SCOPES, DEMO_CLIENT, USER_TYPICAL, EmulatorApp, EmulatorServer
from spotify_emulator.testing import approve_consent

PREFIX = "/demo-spotify"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_every_url_carries_host_and_prefix(make_emulator):
    server: EmulatorServer = make_emulator(prefix=PREFIX)
    assert server.base_url.endswith(PREFIX)
    params = {"client_id": DEMO_CLIENT.client_id, "response_type": "code",
              "redirect_uri": "http://127.0.0.1:9999/callback/", "scope": "user-top-read"}
    url = f"{server.authorize_url}?{urlencode(params)}"
    page = requests.get(url, timeout=10).text
    assert f'action="{server.base_url}/authorize"' in page
    assert f'href="{server.base_url}/static/consent.css"' in page
    location = approve_consent(url, USER_TYPICAL)
    code = parse_qs(urlsplit(location).query)["code"][0]
    token = requests.post(server.token_url, auth=(DEMO_CLIENT.client_id,
                                                  DEMO_CLIENT.client_secret),
                          data={"grant_type": "authorization_code", "code": code,
                                "redirect_uri": params["redirect_uri"]}, timeout=10).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    page = requests.get(f"{server.api_url}me/top/artists?limit=5", headers=headers,
                        timeout=10).json()
    assert page["href"].startswith(f"{server.base_url}/v1/me/top/artists")
    assert page["next"].startswith(f"{server.base_url}/v1/me/top/artists")
    assert page["items"][0]["href"].startswith(f"{server.base_url}/v1/artists/")
    assert page["items"][0]["external_urls"]["spotify"].startswith("https://open.spotify.com/")
    assert requests.get(page["next"], headers=headers, timeout=10).status_code == 200
    assert requests.get(f"{server.base_url}/_control/state", timeout=10).status_code == 200
    assert requests.get(f"{server.base_url[:-len(PREFIX)]}/v1/me", timeout=10).status_code == 404


def test_in_process_behind_a_wsgi_dispatcher(emulator_app: EmulatorApp):
    """The way Django's demo mode mounts it: no socket, another host name."""
    outer = DispatcherMiddleware(Response("django", status=200), {PREFIX: emulator_app})
    client = Client(outer)
    token = emulator_app.issue_token(USER_TYPICAL, ALL_SCOPES)["access_token"]
    answer = client.get(f"{PREFIX}/v1/me/tracks?limit=2", base_url="https://demo.example.org",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["next"].startswith(f"https://demo.example.org{PREFIX}/v1/me/tracks?")
    redirect = client.post(f"{PREFIX}/authorize", base_url="https://demo.example.org", data={
        "client_id": DEMO_CLIENT.client_id, "response_type": "code", "user_id": USER_TYPICAL,
        "redirect_uri": "http://127.0.0.1:8000/callback/", "decision": "approve",
        "state": "x"})
    assert redirect.status_code == 303
    assert redirect.headers["Location"].startswith("http://127.0.0.1:8000/callback/?code=")


def test_command_line_prints_the_base_url_and_serves():
    process = subprocess.Popen(
        [sys.executable, "-m", "spotify_emulator", "--port", "0", "--mode", "extended",
         "--prefix", PREFIX, "--latency-ms", "1-2"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stdout.readline()
        assert "demo, not the real Spotify" in banner
        line = process.stdout.readline()
        assert line.startswith("Base URL:")
        base = line.split()[-1]
        assert base.startswith("http://127.0.0.1:") and base.endswith(PREFIX)
        index = requests.get(f"{base}/", timeout=10).json()
        assert index["mode"] == "extended" and index["api"] == f"{base}/v1/"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def test_selfcheck_reports_its_figures():
    result = subprocess.run(
        [sys.executable, "-m", "spotify_emulator.selfcheck"], cwd=PROJECT_ROOT,
        capture_output=True, text=True, timeout=60, check=False)
    assert "create_app (cold)" in result.stdout and "peak RSS" in result.stdout
    assert "catalogue:" in result.stdout
