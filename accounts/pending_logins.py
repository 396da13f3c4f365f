"""Sign-ins started in this browser and not finished yet, kept in the (encrypted) session.

Each ``/login/`` adds one, keyed by its ``state``; the callback takes back the one its ``state``
names. A few may wait at once (a second tab, a reload of Spotify's page), so finishing any of
them works; the oldest is dropped beyond ``MAX_PENDING`` and each is good for ``MAX_AGE_SECONDS``.
A sign-in with the listener's own Spotify app (``/connect/own-app/``) is kept the same way, with
its Client ID; an operator sign-in has none.
"""

from __future__ import annotations

import hmac
import random
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from accounts.session import SESSION_PENDING_LOGIN

MAX_PENDING = 3
MAX_AGE_SECONDS = 15 * 60


@dataclass(frozen=True)
class PendingLogin:
    verifier: str
    next_url: str
    started_at: int
    client_id: str = ""  # the listener's own app; "" for the operator's


class Outcome(Enum):
    FOUND = "found"
    TOO_OLD = "too old"  # started here, but Spotify's answer came back too late
    UNKNOWN = "unknown"  # not started in this browser, or already finished


def _all(session: SessionBase) -> dict[str, dict[str, Any]]:
    """The pending sign-ins (the session engine holds them to ``accounts.session.SCHEMA``)."""
    return dict(session.get(SESSION_PENDING_LOGIN) or {})


def _started(entry: dict[str, Any]) -> int:
    started: int = entry["t"]
    return started


def add(session: SessionBase, state: str, pending: PendingLogin) -> None:
    entries = _all(session)
    entry: dict[str, Any] = {
        "v": pending.verifier,
        "n": pending.next_url,
        "t": pending.started_at,
    }
    if pending.client_id:
        entry["c"] = pending.client_id
    entries[state] = entry
    newest = sorted(entries.items(), key=lambda item: _started(item[1]))[-MAX_PENDING:]
    session[SESSION_PENDING_LOGIN] = dict(newest)


def worst_case() -> dict[str, dict[str, Any]]:
    """As much as ``MAX_PENDING`` waiting sign-ins take in the session (incompressible
    stand-ins: a 43-character state, a 128-character PKCE verifier, a Client ID), for
    measuring what else the cookie has room for while they wait."""
    stand_in = random.Random(3)  # noqa: S311 - stand-ins for a size estimate, not secrets
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    def text(length: int) -> str:
        return "".join(stand_in.choices(letters, k=length))

    return {
        text(43): {"v": text(128), "n": "/" + text(40) + "/", "t": 2**31 - 1, "c": text(32)}
        for _ in range(MAX_PENDING)
    }


def take(session: SessionBase, state: str) -> tuple[Outcome, PendingLogin | None]:
    """Remove and return the sign-in ``state`` names (it can be finished once only)."""
    entries = _all(session)
    wanted = state.encode()
    found = next((key for key in entries if hmac.compare_digest(key.encode(), wanted)), None)
    if not state or found is None:
        return Outcome.UNKNOWN, None
    entry = entries.pop(found)
    session[SESSION_PENDING_LOGIN] = entries
    pending = PendingLogin(
        verifier=str(entry["v"]),
        next_url=str(entry["n"]),
        started_at=_started(entry),
        client_id=str(entry.get("c", "")),
    )
    if time.time() - pending.started_at > MAX_AGE_SECONDS:
        return Outcome.TOO_OLD, None
    return Outcome.FOUND, pending
