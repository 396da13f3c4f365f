"""What each session key the app reads must look like, so an odd cookie is no session at all.

A cookie can be correctly sealed and still hold something the code does not expect (an older
release wrote it, or someone who had the key crafted it). Rather than let a view (or the error
page's own context processor) trip over it, the session engine discards such a cookie and the
user starts a fresh session. Keys not listed here are left to the code that owns them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageDecoder

from playlists import generator_session
from playlists.connection import SESSION_PENDING_LOGIN, SESSION_TOKENS, SESSION_USER
from playlists.own_app import SESSION_OWN_CLIENT_ID

Check = Callable[[Any], bool]


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_messages(value: object) -> bool:
    """django.contrib.messages' SessionStorage keeps a JSON string of messages it can decode."""
    if not isinstance(value, str):
        return False
    try:
        messages = json.loads(value, cls=MessageDecoder)
    except (ValueError, TypeError, IndexError, KeyError):
        return False
    return isinstance(messages, list) and all(
        isinstance(m, Message) and _is_int(m.level) and isinstance(m.message, str)
        and isinstance(m.extra_tags, str | None)
        for m in messages
    )


def _record(**fields: Check) -> Check:
    """A dict holding (at least) these fields, each passing its check."""

    def check(value: object) -> bool:
        return isinstance(value, dict) and all(
            name in value and ok(value[name]) for name, ok in fields.items()
        )

    return check


def _mapping_of(keys: Check, values: Check) -> Check:
    def check(value: object) -> bool:
        return isinstance(value, dict) and all(keys(k) and values(v) for k, v in value.items())

    return check


def _list_of(items: Check) -> Check:
    return lambda value: isinstance(value, list) and all(items(item) for item in value)


SHAPES: Mapping[str, Check] = {
    SESSION_TOKENS: lambda value: isinstance(value, dict),  # TokenSet.from_dict checks inside
    SESSION_USER: _record(id=_is_str, name=_is_str),
    SESSION_PENDING_LOGIN: _mapping_of(_is_str, _record(v=_is_str, n=_is_str, t=_is_int)),
    generator_session.SESSION_KEY: _record(
        **{
            generator_session.OPTIONS_FIELD: lambda value: isinstance(value, dict),
            generator_session.REMOVED_FIELD: _list_of(_is_str),
        }
    ),
    generator_session.SAVED_KEY: _mapping_of(_is_str, _is_str),
    SESSION_OWN_CLIENT_ID: _is_str,
    "_messages": _is_messages,
}


#: What the session engine may leave out of a cookie that would grow too big.
DISPOSABLE_KEYS = frozenset({SESSION_PENDING_LOGIN, "_messages"})


def is_well_formed(data: Mapping[str, Any]) -> bool:
    """Whether every key the app reads holds what the app expects there."""
    return all(key not in data or check(data[key]) for key, check in SHAPES.items())
