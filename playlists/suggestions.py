"""What keeps artist suggestions from spending everyone's Spotify budget.

Typing a name asks for suggestions every few keystrokes (app.js waits for a pause and remembers
answers; this is the server's side, for any client). Answers are cached for everyone (artists
are public catalogue data: Django's cache, per process) and only a look-up that reaches Spotify
counts against the signed-in listener's budget, ``budgets.SUGGESTIONS``, held in the shared
store across containers. Beyond it the listener is told when to try again (the form works
without suggestions meanwhile), and the app's shared rate limit stays for previews and saves.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache

ANSWER_TTL_SECONDS = 600


def _answer_key(namespace: str, query: str) -> str:
    digest = hashlib.sha256(f"{namespace}\n{query.casefold()}".encode()).hexdigest()
    return f"suggest:answer:{digest}"


def cached_answer(namespace: str, query: str) -> list[dict[str, Any]] | None:
    found = cache.get(_answer_key(namespace, query))
    return found if isinstance(found, list) else None


def remember_answer(namespace: str, query: str, artists: list[dict[str, Any]]) -> None:
    cache.set(_answer_key(namespace, query), artists, ANSWER_TTL_SECONDS)
