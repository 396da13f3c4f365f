"""A bounded soak: 200 generations from 10 concurrent simulated users while about 10 % of
Spotify requests fail (500, 502, 503 and short 429s), about half of them saved.

Each simulated user is a thread with its own Django test client, signed in through the real
OAuth flow as one of the emulator's allow-listed demo users (the four with listening history;
several sessions share a Spotify account, as when one person uses two browsers).  A user who
gets an error page tries the save again, at most twice, as people do.

Checks: no 500 anywhere; every page is one of the expected ones; every saved playlist is
complete and unique: no MoodyStream playlist but the ones saves reported, each holding exactly the
previewed items, in order; nothing is left behind by the saves that failed.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.test import Client

from spotify_emulator import USER_ECLECTIC, USER_FEW_TOP_ARTISTS, USER_HEAVY, USER_TYPICAL

from .conftest import FORM, assert_consistent, digest_of, previewed_uris, text_of

USERS = (USER_TYPICAL, USER_ECLECTIC, USER_HEAVY, USER_FEW_TOP_ARTISTS)
SESSIONS = 10
GENERATIONS = 200
FAULT_SHARE = 0.10
SAVE_ATTEMPTS = 3
RESULT = re.compile(r"^/playlists/([0-9A-Za-z]{22})/$")

# The pages a user may see, per step (the human sentence each must carry).
EXPECTED_PAGES = {
    503: "Spotify is not answering right now",
    429: "Spotify asked us to slow down",
}


@dataclass
class Outcome:
    statuses: Counter = field(default_factory=Counter)
    saved: dict[str, list[str]] = field(default_factory=dict)  # playlist id → previewed URIs
    saved_by_user: dict[str, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, step: str, response) -> None:
        with self.lock:
            self.statuses[(step, response.status_code)] += 1
        expected = EXPECTED_PAGES.get(response.status_code)
        if expected and expected not in text_of(response):
            self.problem(f"{step}: {response.status_code} page without its explanation")

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)


def simulated_user(client: Client, user_id: str, runs: int, seed: int, out: Outcome) -> None:
    rng = random.Random(seed)
    for n in range(runs):
        form = {
            **FORM,
            "artist_count": "3",
            "track_count": "10",
            "deep_cut_percent": str(rng.choice([0, 20, 40, 60, 100])),
            "time_range": rng.choice(["short_term", "medium_term", "long_term"]),
        }
        started = client.post("/generate/", form)
        out.note("generate", started)
        if started.status_code != 302:
            out.problem(f"POST /generate/ answered {started.status_code}")
            continue
        page = client.get("/preview/")
        out.note("preview", page)
        if page.status_code != 200:
            if page.status_code not in EXPECTED_PAGES:
                out.problem(f"GET /preview/ answered {page.status_code}")
            continue
        if n % 2:
            continue  # about half the previews are saved
        uris = previewed_uris(page)
        digest = digest_of(page)
        for _attempt in range(SAVE_ATTEMPTS):
            response = client.post("/save/", {"digest": digest})
            out.note("save", response)
            if response.status_code in EXPECTED_PAGES:
                continue  # the user clicks Save again
            location = response.get("Location", "") if response.status_code == 302 else ""
            match = RESULT.match(location)
            if match is None:
                out.problem(f"POST /save/ answered {response.status_code} "
                            f"{response.get('Location', '')}")
                break
            playlist_id = match.group(1)
            with out.lock:
                if playlist_id in out.saved and out.saved[playlist_id] != uris:
                    out.problems.append(f"{playlist_id} returned for two different previews")
                out.saved[playlist_id] = uris
                out.saved_by_user.setdefault(user_id, set()).add(playlist_id)
            result = client.get(response["Location"])
            out.note("result", result)
            if result.status_code not in (200, *EXPECTED_PAGES):
                out.problem(f"GET {response['Location']} answered {result.status_code}")
            break


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_soak_with_faults(sign_in, emulator, generous_budgets) -> None:
    """(200 generations from four accounts in about a minute is far past any listener's
    budget: the budgets are out of the way here, and have tests of their own.)"""
    app = emulator.app
    sessions = [(USERS[i % len(USERS)], sign_in(user_id=USERS[i % len(USERS)]))
                for i in range(SESSIONS)]
    # About 10 % of Web API requests fail: each of four rules takes its own share.
    share = 1 - (1 - FAULT_SHARE) ** (1 / 4)
    rules = [app.faults.add_error("/v1/*", status, probability=share) for status in (500, 502, 503)]
    rules.append(app.faults.add_error("/v1/*", 429, retry_after=1, probability=share))

    out = Outcome()
    threads = [
        threading.Thread(
            target=simulated_user,
            args=(client, user_id, GENERATIONS // SESSIONS, 1000 + i, out),
            name=f"soak-user-{i}",
        )
        for i, (user_id, client) in enumerate(sessions)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=200)
    elapsed = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), "a simulated user hung"
    fired = {rule.status: rule.fired for rule in rules}
    requests = len(app.request_log)

    summary = (
        f"{GENERATIONS} generations in {elapsed:.0f} s; pages {dict(out.statuses)}; "
        f"faults fired {fired} over about {requests} logged requests; "
        f"{len(out.saved)} playlists saved"
    )
    print(summary)
    assert not out.problems, "\n".join(out.problems[:20]) + "\n" + summary
    assert not any(status == 500 for (_step, status) in out.statuses), summary
    previews = sum(n for (step, _status), n in out.statuses.items() if step == "preview")
    assert previews == GENERATIONS, summary
    assert sum(fired.values()) >= 50, summary  # the faults did bite
    assert len(out.saved) >= GENERATIONS // 4, summary  # most saves got through in the end
    assert_consistent(emulator, out.saved, users=USERS)
