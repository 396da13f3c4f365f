"""A bounded load test on loopback: two app processes (two Lambda containers) sharing one
DynamoDB table (a ``moto_server``) and one Spotify (the emulator, with a rolling-window limit
per developer account, as Spotify's), 50 listeners previewing and saving, and one abusive
listener hammering suggestions and maximal previews.

Checks: no 5xx anywhere; nobody but the abuser is rate-limited (their budget stops them before
Spotify does); exactly one playlist per save intent, although every intent is sent twice at
once, to both containers; nothing lost (every save answered with its playlist holds exactly the
previewed tracks).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from spotify_emulator import (
    DEMO_CLIENT,
    USER_ECLECTIC,
    USER_FEW_TOP_ARTISTS,
    USER_HEAVY,
    USER_TYPICAL,
    EmulatorConfig,
)
from spotify_emulator.app import create_app
from spotify_emulator.server import serve_in_thread
from spotify_emulator.testing import approve_consent
from tests.shared_state.conftest import FAKE_AWS, TABLE, free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
LISTENERS = 50
ACCOUNTS = (USER_TYPICAL, USER_ECLECTIC, USER_FEW_TOP_ARTISTS)
ABUSER = USER_HEAVY
#: Spotify's rolling 30-second limit for the developer account: room for the 50 listeners
#: (about 1,500 requests) and the abuser's budget (600), not for an abuser without one.
SPOTIFY_PER_30S = 3000
DIGEST = re.compile(r'name="digest" value="([0-9a-f]+)"')
URI = re.compile(r'data-uri="(spotify:track:[0-9A-Za-z]{22})"')
RESULT = re.compile(r"/playlists/([0-9A-Za-z]{22})/$")
#: No deep cuts for the listeners: deep cuts avoid the songs of the account's earlier
#: MoodyStream playlists, so with sessions of one account saving at once a preview could change
#: between opening and saving (the app says so and shows the new one); top picks do not.
SMALL = {"artist_source": "top", "time_range": "medium_term", "artist_count": "3",
         "track_count": "10", "deep_cut_percent": "0", "visibility": "private"}
MAXIMAL = {**SMALL, "artist_count": "50", "track_count": "200", "deep_cut_percent": "100"}


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"nothing listens on {port}") from None
            time.sleep(0.2)


APP_PROCESS = (
    "import sys\n"
    "from werkzeug.serving import run_simple\n"
    "from moodystream.wsgi import application\n"
    "run_simple('127.0.0.1', int(sys.argv[1]), application, threaded=True)\n"
)


@pytest.fixture(scope="module")
def world(moto_server: str) -> Iterator[dict]:
    """The emulator, and two app processes on the moto_server table; all stopped after."""
    emulator = serve_in_thread(create_app(EmulatorConfig(rate_limit_per_30s=SPOTIFY_PER_30S)))
    ports = [free_port(), free_port()]
    processes = []
    for port in ports:
        env = {
            **{k: v for k, v in os.environ.items()
               if not k.startswith(("DJANGO_", "SPOTIFY_", "SPOTIPY_", "MOODYSTREAM_"))},
            **FAKE_AWS,
            "PYTHONPATH": str(ROOT),
            "MOODYSTREAM_IGNORE_DOTENV": "1",
            "DJANGO_SECRET_KEY": "load-test-" + "k" * 40,  # both containers read one secret
            "SPOTIFY_CLIENT_ID": DEMO_CLIENT.client_id,
            "SPOTIFY_CLIENT_SECRET": DEMO_CLIENT.client_secret,
            "SPOTIFY_REDIRECT_URI": f"http://127.0.0.1:{port}/callback/",
            "SPOTIFY_API_BASE_URL": emulator.api_url,
            "SPOTIFY_ACCOUNTS_BASE_URL": emulator.base_url + "/",
            "SPOTIFY_SIGN_IN_MODES": "operator",
            "MOODYSTREAM_STATE_BACKEND": "dynamodb",
            "MOODYSTREAM_STATE_TABLE": TABLE,
            "MOODYSTREAM_STATE_ENDPOINT_URL": moto_server,
            # moto serves one request at a time (see tests/shared_state/conftest.py), on a
            # machine far busier than DynamoDB: give it time.
            "MOODYSTREAM_STATE_TIMEOUT": "30",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        processes.append(subprocess.Popen(
            [sys.executable, "-c", APP_PROCESS, str(port)], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_for_port(port, process)
        yield {"emulator": emulator, "apps": [f"http://127.0.0.1:{p}" for p in ports]}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        emulator.stop()


class Listener:
    """One browser: a cookie jar, signed in through one container, then using both."""

    def __init__(self, world: dict, account: str, n: int) -> None:
        self.apps, self.account, self.n = world["apps"], account, n
        self.http = requests.Session()
        self.statuses: Counter = Counter()

    def app(self, k: int) -> str:
        return self.apps[(self.n + k) % len(self.apps)]

    def request(self, method: str, path: str, k: int = 0, **kw) -> requests.Response:
        kw.setdefault("timeout", 120)
        response = self.http.request(method, self.app(k) + path, allow_redirects=False, **kw)
        self.statuses[response.status_code] += 1
        return response

    def sign_in(self) -> None:
        start = self.request("GET", "/login/")
        assert start.status_code == 302, start.status_code
        location = approve_consent(start.headers["Location"], self.account, http_session=self.http)
        done = self.http.get(location, allow_redirects=False, timeout=60)
        assert done.status_code == 302, done.text[:300]

    def csrf(self, k: int) -> str:
        page = self.request("GET", "/generate/", k)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]

    def preview(self, form: dict[str, str], k: int = 0) -> requests.Response:
        token = self.csrf(k)
        self.request("POST", "/generate/", k, data={**form, "csrfmiddlewaretoken": token})
        return self.request("GET", "/preview/", k + 1)


def test_fifty_listeners_and_an_abuser_on_two_containers(world: dict) -> None:
    emulator = world["emulator"]
    before = {p["id"] for user in ACCOUNTS for p in emulator.app.state.user_playlists(user)}
    emulator.app.request_log.clear()
    listeners = [Listener(world, ACCOUNTS[n % len(ACCOUNTS)], n) for n in range(LISTENERS)]
    abuser = Listener(world, ABUSER, LISTENERS)
    intents: dict[str, list[str]] = {}  # playlist id -> previewed URIs
    answers: list[tuple[str, str]] = []  # (intent, the playlist answered)
    problems: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def listen(listener: Listener) -> None:
        try:
            listener.sign_in()
            page = listener.preview(SMALL)
            if page.status_code != 200:
                problems.append(f"{listener.account} preview: {page.status_code}")
                return
            uris, digest = URI.findall(page.text), DIGEST.search(page.text)[1]
            token = listener.csrf(0)
            results: list[requests.Response] = []

            def save(k: int) -> None:  # the same intent, to both containers at once
                results.append(listener.request(
                    "POST", "/save/", k, data={"digest": digest, "csrfmiddlewaretoken": token}))

            both = [threading.Thread(target=save, args=(k,)) for k in (0, 1)]
            for t in both:
                t.start()
            for t in both:
                t.join(120)
            for result in results:
                found = RESULT.search(result.headers.get("Location", ""))
                if result.status_code != 302 or not found:
                    said = re.findall(r'class="message[^"]*">([^<]+)<', listener.http.get(
                        listener.app(0) + "/preview/", timeout=120).text)
                    problems.append(f"{listener.account} save: {result.status_code} "
                                    f"{result.headers.get('Location', '')} {said}")
                    continue
                with lock:
                    answers.append((f"{listener.n}", found[1]))
                    intents.setdefault(found[1], uris)
        except Exception as exc:
            problems.append(f"{listener.account}: {exc!r}")

    def hammer_suggestions(first: int) -> None:
        n = first
        while not stop.is_set():
            n += 2
            abuser.request("GET", f"/artists/search/?q=abuse{n}", n)

    def hammer_previews() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            abuser.preview(MAXIMAL, n)

    abuser.sign_in()
    abusing = [threading.Thread(target=hammer_suggestions, args=(0,))]
    abusing += [threading.Thread(target=hammer_previews) for _ in range(4)]
    for thread in abusing:
        thread.start()
    time.sleep(2)
    workers = [threading.Thread(target=listen, args=(listener,)) for listener in listeners]
    for i, worker in enumerate(workers):
        worker.start()
        if i % 10 == 9:
            time.sleep(0.5)
    for worker in workers:
        worker.join(300)
    stop.set()
    for thread in abusing:
        thread.join(120)

    statuses = sum((listener.statuses for listener in listeners), Counter())
    everyone = statuses + abuser.statuses
    assert not [s for s in everyone if s >= 500], everyone
    assert problems == []
    assert statuses[429] == 0, statuses  # nobody but the abuser is held back
    assert abuser.statuses[429] > 0, abuser.statuses  # whose budget stopped them
    # Exactly one playlist per save intent, both answers naming it, holding what was previewed.
    by_intent: dict[str, set[str]] = {}
    for intent, playlist in answers:
        by_intent.setdefault(intent, set()).add(playlist)
    assert len(by_intent) == LISTENERS
    assert all(len(playlists) == 1 for playlists in by_intent.values())
    stored = {p["id"]: p["items"] for user in ACCOUNTS
              for p in emulator.app.state.user_playlists(user) if p["id"] not in before}
    assert len(stored) == LISTENERS  # not one more: no duplicate made (and removed) anywhere
    assert all(stored[pid] == uris for pid, uris in intents.items())
    log = emulator.app.request_log.entries()
    assert sum(e.method == "POST" and e.path == "/v1/me/playlists" for e in log) == LISTENERS
    assert not [e for e in log if e.method == "DELETE"]
