"""What the generator keeps between requests, inside the encrypted cookie session.

Only the options (with their seed), the ids of tracks the user removed and the listener's order
(positions, see services/arrangement.py) are kept: the preview itself is regenerated from them
deterministically, because 200 tracks do not fit in a cookie. Beside them, what the last edit
did: the tracks that just came in (marked "new") and the last removed song (for Undo).
``SCHEMA`` is what the session engine checks these keys hold (``settings.SESSION_SCHEMAS``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from accounts import pending_logins
from accounts.session import SESSION_DRAFT, SESSION_DRAFT_OWNER, SESSION_PENDING_LOGIN
from moodystream import sessions
from moodystream.session_schema import (
    MESSAGES_KEY,
    SessionSchema,
    is_dict,
    is_int,
    is_str,
    list_of,
    mapping_of,
    record,
)
from playlists.music import is_spotify_id
from playlists.services.options import TRACK_COUNT, GenerationOptions, InvalidOptions

SESSION_KEY = "generator"
#: The fields of the generator's session entry.
OPTIONS_FIELD = "options"
REMOVED_FIELD = "removed_track_ids"
ORDER_FIELD = "order"
FRESH_FIELD = "fresh"
UNDO_FIELD = "undo"
#: The playlists this draft was saved as: never "earlier" playlists for it (``load``).
OWN_SAVES_FIELD = "saved_as"
MAX_OWN_SAVES = 2
MAX_UNDO_NAME = 100
SAVED_KEY = "saved"
MAX_REMOVED = 50
MAX_SAVED_REMEMBERED = 5

def _is_undo(value: object) -> bool:
    """The last removed song: [track id, its name]."""
    return (
        isinstance(value, list) and len(value) == 2 and is_spotify_id(value[0])
        and is_str(value[1])
    )


#: The one statement of what the generator's entry holds; the engine holds every cookie to it,
#: and a draft carried through a sign-in is held to it when taken back (``load``).
_ENTRY = record(
    optional={
        ORDER_FIELD: list_of(is_int),
        FRESH_FIELD: list_of(is_spotify_id),
        UNDO_FIELD: _is_undo,
        OWN_SAVES_FIELD: list_of(is_spotify_id),
    },
    **{OPTIONS_FIELD: is_dict, REMOVED_FIELD: list_of(is_spotify_id)},
)
SCHEMA = SessionSchema({SESSION_KEY: _ENTRY, SAVED_KEY: mapping_of(is_str, is_str)})

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_filler = random.Random(16)  # noqa: S311 - stand-in ids for a size estimate, not secrets
#: Stand-ins, as incompressible as real ones, for what the session can gather after a start:
#: every track removal and saved playlist it keeps, and a message.
_WORST_REMOVED = ["".join(_filler.choices(_ALPHABET, k=22)) for _ in range(MAX_REMOVED)]
_WORST_SAVED = {
    f"{_filler.getrandbits(128):032x}": "".join(_filler.choices(_ALPHABET, k=22))
    for _ in range(MAX_SAVED_REMEMBERED)
}
#: Removals every accepted set of options leaves room for; beyond, while the cookie has room.
RESERVED_REMOVALS = 10
NO_ROOM_TO_REMOVE = (
    "MoodyStream cannot remember more removed tracks with options this long. Shuffle for a new "
    "mix, or use fewer or shorter artist names, to remove more."
)
_WORST_MESSAGES = '[["__json_message",0,30,"' + "m" * 200 + '"]]'
_WORST_FRESH = _WORST_REMOVED[:2]
_WORST_UNDO = [_WORST_REMOVED[0], "\u65e5" * MAX_UNDO_NAME]


def _worst_order(track_count: int) -> list[int]:
    order = list(range(track_count))
    _filler.shuffle(order)
    return order


@dataclass(frozen=True)
class GeneratorState:
    options: GenerationOptions
    removed_track_ids: frozenset[str]
    #: The removed ids, earliest first ("Show removed songs" lists them in this order).
    removed: tuple[str, ...] = ()
    #: The listener's order: positions into the generated preview (empty: as generated).
    order: tuple[int, ...] = ()
    #: Tracks that just took a removed track's place.
    fresh: frozenset[str] = frozenset()
    #: The last removed song, (id, name), for Undo.
    undo: tuple[str, str] | None = None
    #: The playlists this draft was saved as: its generation does not count them as earlier
    #: playlists, whose songs fresh deep cuts avoid (else saving it would change it).
    own_saves: frozenset[str] = frozenset()


def load(session: SessionBase) -> GeneratorState | None:
    draft = session.pop(SESSION_DRAFT, None)  # carried through a sign-in Spotify asked for
    if isinstance(draft, dict) and SESSION_KEY not in session:
        session[SESSION_KEY] = draft
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict) or not _ENTRY(data):  # a draft taken back; the engine: the rest
        session.pop(SESSION_KEY, None)
        return None
    try:
        options = GenerationOptions.from_dict(data[OPTIONS_FIELD])
    except (InvalidOptions, TypeError):
        session.pop(SESSION_KEY, None)
        return None
    removed = tuple(data[REMOVED_FIELD])
    undo = data.get(UNDO_FIELD)
    return GeneratorState(
        options=options,
        removed_track_ids=frozenset(removed),
        removed=removed,
        order=tuple(data.get(ORDER_FIELD, ())),
        fresh=frozenset(data.get(FRESH_FIELD, ())),
        undo=(undo[0], undo[1]) if undo else None,
        own_saves=frozenset(data.get(OWN_SAVES_FIELD, ())),
    )


def draft(session: SessionBase) -> dict[str, Any] | None:
    """The draft as kept (options, removals, order), for a sign-in to carry over (None: none)."""
    data = session.get(SESSION_KEY)
    return dict(data) if isinstance(data, dict) else None


#: What of the entry travels outside the session (the page's sealed draft, a sign-in): what
#: regenerates the same preview: the options (with seed, name and description), the removals,
#: the order and the playlists it was saved as. The last edit's marks (New, Undo) stay behind.
CARRIED_FIELDS = (OPTIONS_FIELD, REMOVED_FIELD, ORDER_FIELD, OWN_SAVES_FIELD)


def carried(entry: dict[str, Any]) -> dict[str, Any]:
    """The part of a generator entry that a sealed draft carries."""
    return {name: entry[name] for name in CARRIED_FIELDS if name in entry}


def is_carried_draft(value: object) -> bool:
    """Whether ``value`` is a draft as :func:`carried` makes it: the entry's own shape, options
    that are valid now, and no more removals or positions than a preview can have."""
    if not isinstance(value, dict) or set(value) - set(CARRIED_FIELDS) or not _ENTRY(value):
        return False
    try:
        GenerationOptions.from_dict(value[OPTIONS_FIELD])
    except (InvalidOptions, TypeError):
        return False
    return (
        len(value[REMOVED_FIELD]) <= MAX_REMOVED
        and len(value.get(ORDER_FIELD, ())) <= TRACK_COUNT[1]
        and len(value.get(OWN_SAVES_FIELD, ())) <= MAX_OWN_SAVES
    )


def for_sign_in(entry: dict[str, Any], owner: str) -> tuple[dict[str, Any] | None, int]:
    """``entry`` carried (:func:`carried`) and bounded so that a signed-out cookie holds it
    beside ``owner``, as many sign-ins as may wait at once and a message; with how many of its
    removals (the oldest first) had to be left out for that (0 nearly always: about 800
    bytes of 3,800 are free with 200 tracks and 50 removals). None when even its options do
    not fit (the options form refuses such options, so only a hand-made draft)."""
    draft = carried(entry)
    removed = list(draft.get(REMOVED_FIELD, ()))
    dropped = 0
    pending = pending_logins.worst_case()
    while True:
        bounded = {**draft, REMOVED_FIELD: removed[dropped:]}
        data = {
            SESSION_DRAFT: bounded,
            SESSION_DRAFT_OWNER: owner,
            SESSION_PENDING_LOGIN: pending,
            MESSAGES_KEY: _WORST_MESSAGES,
        }
        if sessions.fits(data):
            return bounded, dropped
        if dropped >= len(removed):
            return None, dropped
        dropped += 1


def waiting(session: SessionBase) -> bool:
    """Whether a draft carried through a sign-in waits to be taken back (``load``)."""
    return isinstance(session.get(SESSION_DRAFT), dict)


def restore(session: SessionBase, entry: dict[str, Any]) -> bool:
    """Make a carried draft (``is_carried_draft``) this session's; False when it is not one or
    the cookie has no room for it (nothing is changed then)."""
    if not is_carried_draft(entry) or not _fits(session, carried(entry)):
        return False
    session[SESSION_KEY] = carried(entry)
    return True


def last_options(session: SessionBase) -> GenerationOptions | None:
    state = load(session)
    return state.options if state else None


def _fits(session: SessionBase, entry: dict[str, Any]) -> bool:
    """Whether the cookie, with ``entry`` as the generator's and as many saved playlists and
    as long a message as it can gather, stays within what browsers keep.

    Measured on the sealed cookie itself: what counts is bytes after compression and
    encryption, not characters (a CJK character is three bytes of UTF-8).
    """
    data: dict[str, Any] = {key: session[key] for key in session.keys()}  # noqa: SIM118
    data[SESSION_KEY] = entry
    data[SAVED_KEY] = _WORST_SAVED
    data[MESSAGES_KEY] = _WORST_MESSAGES
    return sessions.fits(data)


def fits(session: SessionBase, options: GenerationOptions) -> bool:
    """Whether ``options`` can be kept in this session's cookie with room for
    ``RESERVED_REMOVALS`` removals, saves and a message: if not, the form says so."""
    return _fits(
        session,
        {
            OPTIONS_FIELD: options.to_dict(),
            REMOVED_FIELD: _WORST_REMOVED[:RESERVED_REMOVALS],
            ORDER_FIELD: _worst_order(options.track_count),
            FRESH_FIELD: _WORST_FRESH,
            UNDO_FIELD: _WORST_UNDO,
            OWN_SAVES_FIELD: _WORST_REMOVED[:MAX_OWN_SAVES],
        },
    )


def same_artists(one: GenerationOptions, other: GenerationOptions) -> bool:
    """Whether both choose the same artists: then the songs removed from one stay removed."""
    return (one.artist_source, one.picked_artists, one.artist_count) == (
        other.artist_source, other.picked_artists, other.artist_count
    ) and (one.artist_source != "top" or one.time_range == other.time_range)


def start(session: SessionBase, options: GenerationOptions) -> None:
    """A new preview for ``options``: in the generated order, keeping the removals when it
    chooses the same artists as the last one (a shuffle, Back → Preview)."""
    state = load(session)
    removed = list(state.removed) if state and same_artists(state.options, options) else []
    session[SESSION_KEY] = {OPTIONS_FIELD: options.to_dict(), REMOVED_FIELD: removed}


def edit(
    session: SessionBase,
    *,
    removed: list[str],
    order: tuple[int, ...],
    fresh: Sequence[str] = (),
    undo: tuple[str, str] | None = None,
) -> bool:
    """Keep an edit of the preview; False (nothing kept) when the cookie has no room for it."""
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or not all(is_spotify_id(r) for r in removed):
        return False
    removed = list(dict.fromkeys(removed))[-MAX_REMOVED:]
    changed: dict[str, Any] = {
        OPTIONS_FIELD: state.get(OPTIONS_FIELD),
        REMOVED_FIELD: removed,
    }
    if order:
        changed[ORDER_FIELD] = list(order)
    if fresh:
        changed[FRESH_FIELD] = list(fresh)[:len(_WORST_FRESH)]
    if undo:
        changed[UNDO_FIELD] = [undo[0], undo[1][:MAX_UNDO_NAME]]
    if state.get(OWN_SAVES_FIELD):  # still the draft that was saved, edited
        changed[OWN_SAVES_FIELD] = state[OWN_SAVES_FIELD]
    if len(removed) > RESERVED_REMOVALS and not _fits(session, changed):
        return False  # no room left in the cookie: see NO_ROOM_TO_REMOVE
    session[SESSION_KEY] = changed
    return True


def remember_saved(session: SessionBase, digest: str, playlist_id: str) -> None:
    """The preview ``digest`` is saved as ``playlist_id``, and so is the current draft."""
    saved = dict(session.get(SAVED_KEY) or {})
    saved.pop(digest, None)
    saved[digest] = playlist_id
    session[SAVED_KEY] = dict(list(saved.items())[-MAX_SAVED_REMEMBERED:])
    entry = session.get(SESSION_KEY)
    if isinstance(entry, dict) and is_spotify_id(playlist_id):
        own = [p for p in entry.get(OWN_SAVES_FIELD, ()) if p != playlist_id]
        session[SESSION_KEY] = {**entry, OWN_SAVES_FIELD: [*own, playlist_id][-MAX_OWN_SAVES:]}


def saved_playlist_for(session: SessionBase, digest: str) -> str | None:
    saved = session.get(SAVED_KEY) or {}
    value = saved.get(digest) if isinstance(saved, dict) else None
    return value if isinstance(value, str) else None
