"""Helpers for the fault suite: drive the real views against the emulator's fault injection.

Every test follows the same three checks:

1. the user gets a clear page (a status and a human sentence, never a traceback or a 500);
2. the app stays up (a following normal request succeeds);
3. Spotify is left consistent: every MoodyStream playlist in the library is one a save
   reported, holding exactly the items previewed for it (``assert_consistent``): no duplicate,
   nothing half-made.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html import unescape

import pytest
from django.test import Client

from playlists.music import PlaylistSummary
from playlists.services.saving import is_moodystream_playlist, recently_saved_ids
from shared_state.stores import shared_state
from spotify_emulator import USER_TYPICAL, EmulatorServer
from spotify_emulator.faults import FaultRule
from tests.playlists.views.test_generator import VALID

URI = re.compile(r'data-uri="(spotify:track:[0-9A-Za-z]{22})"')
DIGEST = re.compile(r'name="digest" value="([0-9a-f]+)"')

#: A small, valid generator form: the view tests' own, for fewer artists and tracks.
FORM = {**VALID, "artist_count": "4", "track_count": "12"}

# The human sentences of the error pages, as a user reads them.
SPOTIFY_DOWN = "Spotify is not answering right now"
SLOW_DOWN = "Spotify asked us to slow down"
CONNECTION_EXPIRED = "Your Spotify connection has expired. Please connect again."
NOT_FOUND = "Page not found"


def text_of(response) -> str:
    """The page as a person would read it: entities decoded, whitespace folded."""
    return " ".join(unescape(response.content.decode(errors="replace")).split())


def previewed_uris(page) -> list[str]:
    return URI.findall(page.content.decode())


def digest_of(page) -> str:
    match = DIGEST.search(page.content.decode())
    assert match, "no save form on the page"
    return match.group(1)


def start_generation(client: Client, **changes: object) -> None:
    response = client.post("/generate/", {**FORM, **changes})
    assert response.status_code == 302, text_of(response)[:2000]
    assert response["Location"] == "/preview/"


def make_preview(client: Client, **changes: object):
    start_generation(client, **changes)
    page = client.get("/preview/")
    assert page.status_code == 200, text_of(page)[:2000]
    return page


def saved_playlist_id(response) -> str:
    assert response.status_code == 302, text_of(response)[:2000]
    match = re.fullmatch(r"/playlists/([0-9A-Za-z]{22})/", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def marked_playlists(emulator: EmulatorServer, user_id: str = USER_TYPICAL) -> list[dict]:
    """The user's MoodyStream playlists (what a save can leave behind), by the app's own rule."""
    return [
        p for p in emulator.app.state.user_playlists(user_id)
        if is_moodystream_playlist(
            PlaylistSummary(id=p["id"], name=p["name"], uri="", description=p["description"]),
            recently_saved=recently_saved_ids(shared_state(), user_id),
        )
    ]


def assert_consistent(
    emulator: EmulatorServer,
    expected: Mapping[str, Sequence[str]] | None = None,
    *,
    users: Sequence[str] = (USER_TYPICAL,),
) -> None:
    """No duplicate, no half-filled playlist.

    ``expected`` maps playlist id → the URIs previewed for it: every MoodyStream playlist must be
    one of them and hold exactly those items, in order (so a failed save leaves nothing behind,
    and a second playlist for one save is unexpected).
    """
    expected = dict(expected or {})
    seen: set[str] = set()
    for user_id in users:
        for playlist in marked_playlists(emulator, user_id):
            seen.add(playlist["id"])
            assert playlist["id"] in expected, (
                f"unexpected MoodyStream playlist {playlist['id']} with "
                f"{len(playlist['items'])} items left in {user_id}'s library"
            )
            assert playlist["items"] == list(expected[playlist["id"]]), (
                f"playlist {playlist['id']} holds {len(playlist['items'])} items, "
                f"{len(expected[playlist['id']])} were previewed (or the order differs)"
            )
    missing = set(expected) - seen
    assert not missing, f"saved playlists missing from Spotify: {sorted(missing)}"


def assert_app_up(client: Client) -> None:
    """A normal request right after the fault succeeds (the options page, signed in or not)."""
    response = client.get("/generate/")
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith("/?next=")
    home = Client().get("/")
    assert home.status_code == 200


# --- precise fault placement -------------------------------------------------------------------


@dataclass
class NthRequestFault:
    """Fail matching requests after the first ``ok`` of them succeeded (the emulator's own rules
    fire from the first match).  ``count=None`` keeps failing."""

    method: str
    pattern: str
    ok: int
    status: int = 500
    count: int | None = None
    retry_after: int | None = None
    seen: int = 0
    fired: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fire(self, method: str, path: str) -> FaultRule | None:
        probe = FaultRule(-1, self.pattern, method=self.method)
        if not probe.matches(method, path):
            return None
        with self.lock:
            self.seen += 1
            if self.seen <= self.ok or (self.count is not None and self.fired >= self.count):
                return None
            self.fired += 1
        return FaultRule(
            -1, self.pattern, "error", self.status, retry_after=self.retry_after,
            method=self.method,
        )


@dataclass
class RequestHook:
    """Run ``action`` once, just before the emulator handles the ``nth`` matching request."""

    method: str
    pattern: str
    nth: int
    action: Callable[[], object]
    seen: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fire(self, method: str, path: str) -> None:
        if not FaultRule(-1, self.pattern, method=self.method).matches(method, path):
            return
        with self.lock:
            self.seen += 1
            due = self.seen == self.nth
        if due:
            self.action()


@pytest.fixture
def placed_faults(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """A list to append ``NthRequestFault``/``RequestHook`` objects to; the emulator consults
    them before its own rules (by wrapping its ``faults.pick`` for this test only)."""
    placed: list = []
    original = emulator.app.faults.pick

    def pick(method: str, path: str) -> FaultRule | None:
        for item in list(placed):
            fired = item.fire(method, path)
            if fired is not None:
                return fired
        return original(method, path)

    monkeypatch.setattr(emulator.app.faults, "pick", pick)
    yield placed


@pytest.fixture
def client(sign_in) -> Client:
    """A test client signed in as the typical demo user through the real OAuth flow."""
    return sign_in()
