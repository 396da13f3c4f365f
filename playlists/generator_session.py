"""What the generator keeps between requests, inside the encrypted cookie session.

Only the options (with their seed) and the ids of tracks the user removed are kept: the preview
itself is regenerated from them deterministically, because 200 tracks do not fit in a cookie.

A cookie written before the keys had these names (``gen`` holding ``o`` and ``rm``) is not
read: that user's generator simply starts fresh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase

from playlists.services.options import GenerationOptions, InvalidOptions

SESSION_KEY = "generator"
#: The fields of the generator's session entry.
OPTIONS_FIELD = "options"
REMOVED_FIELD = "removed_track_ids"
SAVED_KEY = "saved"
MAX_REMOVED = 50
MAX_SAVED_REMEMBERED = 5
#: A Spotify id (base-62, 22 characters): tracks and playlists alike.
SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_OLD_SESSION_KEY = "gen"  # before the keys were named; dropped when met


@dataclass(frozen=True)
class GeneratorState:
    options: GenerationOptions
    removed_track_ids: frozenset[str]


def is_spotify_id(value: object) -> bool:
    return isinstance(value, str) and bool(SPOTIFY_ID.match(value))


def load(session: SessionBase) -> GeneratorState | None:
    if _OLD_SESSION_KEY in session:
        session.pop(_OLD_SESSION_KEY)
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict) or not isinstance(data.get(OPTIONS_FIELD), dict):
        return None
    try:
        options = GenerationOptions.from_dict(data[OPTIONS_FIELD])
    except (InvalidOptions, TypeError):
        session.pop(SESSION_KEY, None)
        return None
    removed_ids = data.get(REMOVED_FIELD)
    removed = frozenset(
        r for r in (removed_ids if isinstance(removed_ids, list) else []) if is_spotify_id(r)
    )
    return GeneratorState(options=options, removed_track_ids=removed)


def last_options(session: SessionBase) -> GenerationOptions | None:
    state = load(session)
    return state.options if state else None


def start(session: SessionBase, options: GenerationOptions) -> None:
    session[SESSION_KEY] = {OPTIONS_FIELD: options.to_dict(), REMOVED_FIELD: []}


def remove_track(session: SessionBase, track_id: str) -> bool:
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or not is_spotify_id(track_id):
        return False
    earlier = state.get(REMOVED_FIELD)
    removed = [r for r in (earlier if isinstance(earlier, list) else []) if r != track_id]
    removed.append(track_id)
    state[REMOVED_FIELD] = removed[-MAX_REMOVED:]
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
