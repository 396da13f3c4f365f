"""What the generator keeps between requests, inside the encrypted cookie session.

Only the options (with their seed) and the ids of tracks the user removed are kept: the preview
itself is regenerated from them deterministically, because 200 tracks do not fit in a cookie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase

from playlists.services.options import GenerationOptions, InvalidOptions

SESSION_KEY = "gen"
SAVED_KEY = "saved"
MAX_REMOVED = 50
MAX_SAVED_REMEMBERED = 5
TRACK_ID = re.compile(r"^[0-9A-Za-z]{22}$")


@dataclass(frozen=True)
class GeneratorState:
    options: GenerationOptions
    removed_track_ids: frozenset[str]


def load(session: SessionBase) -> GeneratorState | None:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        options = GenerationOptions.from_dict(data.get("o", {}))
    except (InvalidOptions, TypeError):
        session.pop(SESSION_KEY, None)
        return None
    removed = frozenset(r for r in data.get("rm", []) if isinstance(r, str) and TRACK_ID.match(r))
    return GeneratorState(options=options, removed_track_ids=removed)


def last_options(session: SessionBase) -> GenerationOptions | None:
    state = load(session)
    return state.options if state else None


def start(session: SessionBase, options: GenerationOptions) -> None:
    session[SESSION_KEY] = {"o": options.to_dict(), "rm": []}


def remove_track(session: SessionBase, track_id: str) -> bool:
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or not TRACK_ID.match(track_id):
        return False
    removed = [r for r in state.get("rm", []) if r != track_id]
    removed.append(track_id)
    state["rm"] = removed[-MAX_REMOVED:]
    session[SESSION_KEY] = state
    return True


def remember_saved(session: SessionBase, digest: str, playlist_id: str) -> None:
    saved = dict(session.get(SAVED_KEY) or {})
    saved.pop(digest, None)
    saved[digest] = playlist_id
    session[SAVED_KEY] = dict(list(saved.items())[-MAX_SAVED_REMEMBERED:])


def saved_playlist_for(session: SessionBase, digest: str) -> str | None:
    saved = session.get(SAVED_KEY) or {}
    value = saved.get(digest) if isinstance(saved, dict) else None
    return value if isinstance(value, str) else None
