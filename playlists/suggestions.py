"""What keeps artist suggestions from spending everyone's Spotify budget.

Typing a name asks for suggestions every few keystrokes (app.js waits for a pause and remembers
answers; this is the server's side, for any client). Answers are cached for everyone (artists
are public catalogue data) and only a look-up that reaches Spotify counts against the
signed-in user's small budget: ``BUDGET`` look-ups per ``WINDOW_SECONDS``. Beyond it the user
is told when to try again (the form works without suggestions meanwhile), and the app's shared
rate limit stays for previews and saves. Both live in Django's cache (per process, or whatever
``CACHES`` configures).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

BUDGET = 30
WINDOW_SECONDS = 300
ANSWER_TTL_SECONDS = 600


@dataclass(frozen=True)
class Spent:
    """The user's budget for this window is used up; ``retry_after`` seconds until the next."""

    retry_after: int


def _answer_key(namespace: str, query: str) -> str:
    digest = hashlib.sha256(f"{namespace}\n{query.casefold()}".encode()).hexdigest()
    return f"suggest:answer:{digest}"


def cached_answer(namespace: str, query: str) -> list[dict[str, Any]] | None:
    found = cache.get(_answer_key(namespace, query))
    return found if isinstance(found, list) else None


def remember_answer(namespace: str, query: str, artists: list[dict[str, Any]]) -> None:
    cache.set(_answer_key(namespace, query), artists, ANSWER_TTL_SECONDS)


def spend(user_id: str) -> Spent | None:
    """Count one look-up for ``user_id``; ``Spent`` (and no count) if the budget is used up."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"suggest:budget:{hashlib.sha256(user_id.encode()).hexdigest()}:{window}"
    cache.add(key, 0, WINDOW_SECONDS + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, WINDOW_SECONDS + 5)
        used = 1
    if used > BUDGET:
        return Spent(retry_after=max(1, int((window + 1) * WINDOW_SECONDS - now) + 1))
    return None
