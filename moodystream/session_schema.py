"""What a session key may hold, declared by the code that owns the key and checked by the engine.

A cookie can be correctly sealed and still hold something the code does not expect (an older
release wrote it, or someone who had the key crafted it). Rather than let a view (or the error
page's own context processor) trip over it, the session engine discards such a cookie and the
user starts a fresh session. Each owner (an app, or Django's messages) declares a
``SessionSchema``; ``settings.SESSION_SCHEMAS`` names them, so the engine imports no app. Keys no
schema lists are left to the code that owns them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageDecoder

Check = Callable[[Any], bool]


@dataclass(frozen=True)
class SessionSchema:
    """The keys one owner keeps in the session: what each must hold, and which the engine may
    leave out of a cookie that would grow too big (a pending sign-in, a message)."""

    shapes: Mapping[str, Check]
    disposable: frozenset[str] = field(default_factory=frozenset)

    def accepts(self, data: Mapping[str, Any]) -> bool:
        """Whether every key listed here holds what its owner expects there."""
        return all(key not in data or check(data[key]) for key, check in self.shapes.items())


def merged(schemas: Iterable[SessionSchema]) -> SessionSchema:
    """One schema holding every owner's keys (an owner's key is listed by that owner only)."""
    shapes: dict[str, Check] = {}
    disposable: set[str] = set()
    for schema in schemas:
        taken = shapes.keys() & schema.shapes.keys()
        if taken:
            raise ValueError(f"session keys declared twice: {sorted(taken)}")
        shapes.update(schema.shapes)
        disposable |= schema.disposable
    return SessionSchema(shapes, frozenset(disposable))


def is_str(value: object) -> bool:
    return isinstance(value, str)


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_dict(value: object) -> bool:
    return isinstance(value, dict)


def record(*, optional: Mapping[str, Check] | None = None, **fields: Check) -> Check:
    """A dict holding (at least) these fields, each passing its check, and passing the check of
    each ``optional`` field it holds."""
    maybe = dict(optional or {})

    def check(value: object) -> bool:
        return (
            isinstance(value, dict)
            and all(name in value and ok(value[name]) for name, ok in fields.items())
            and all(name not in value or ok(value[name]) for name, ok in maybe.items())
        )

    return check


def mapping_of(keys: Check, values: Check) -> Check:
    def check(value: object) -> bool:
        return isinstance(value, dict) and all(keys(k) and values(v) for k, v in value.items())

    return check


def list_of(items: Check) -> Check:
    return lambda value: isinstance(value, list) and all(items(item) for item in value)


def is_messages(value: object) -> bool:
    """django.contrib.messages' SessionStorage keeps a JSON string of messages it can decode."""
    if not isinstance(value, str):
        return False
    try:
        messages = json.loads(value, cls=MessageDecoder)
    except (ValueError, TypeError, IndexError, KeyError):
        return False
    return isinstance(messages, list) and all(
        isinstance(m, Message) and is_int(m.level) and isinstance(m.message, str)
        and isinstance(m.extra_tags, str | None)
        for m in messages
    )


#: django.contrib.messages' SessionStorage keeps its messages under this key.
MESSAGES_KEY = "_messages"
MESSAGES = SessionSchema({MESSAGES_KEY: is_messages}, disposable=frozenset({MESSAGES_KEY}))
