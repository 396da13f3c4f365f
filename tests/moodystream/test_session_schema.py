"""Each owner declares what its session keys hold; the engine knows no app, only the settings'
list of schemas, and holds every cookie to all of them."""

from __future__ import annotations

import pytest

from accounts import session as accounts_session
from moodystream import sessions
from moodystream.session_schema import (
    MESSAGES_KEY,
    SessionSchema,
    is_int,
    is_str,
    list_of,
    merged,
    record,
)
from playlists import generator_session


def test_the_engine_holds_cookies_to_every_owners_schema() -> None:
    schema = sessions.schema()
    for owner in (accounts_session.SCHEMA, generator_session.SCHEMA):
        assert owner.shapes.items() <= schema.shapes.items()
    assert MESSAGES_KEY in schema.shapes
    assert schema.disposable == {accounts_session.SESSION_PENDING_LOGIN, MESSAGES_KEY}


def test_a_key_two_owners_declare_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice: \\['k'\\]"):
        merged([SessionSchema({"k": is_str}), SessionSchema({"k": is_int})])


def test_a_schema_accepts_only_the_shapes_it_declares_and_ignores_other_keys() -> None:
    schema = SessionSchema({"n": is_int})
    assert schema.accepts({"n": 3, "other": object()})
    assert schema.accepts({})
    assert not schema.accepts({"n": "3"})
    assert not schema.accepts({"n": True})


def test_fits_measures_the_sealed_cookie_not_the_characters() -> None:
    assert sessions.fits({"x": "a" * 3000})  # compresses to almost nothing
    cjk = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(1300))
    assert len(cjk) < sessions.MAX_COOKIE_CHARS
    assert not sessions.fits({"x": cjk})  # three bytes a character, barely compressible


def test_a_record_requires_its_fields_and_checks_optional_ones_only_when_present() -> None:
    entry = record(optional={"order": list_of(is_int)}, options=is_str)
    assert entry({"options": "x"})
    assert entry({"options": "x", "order": [2, 0, 1]})
    assert not entry({"order": [0]})  # a required field missing
    assert not entry({"options": "x", "order": ["0"]})  # an optional field of the wrong shape


@pytest.mark.parametrize(
    "odd",
    [
        {"order": [0, "1"]},
        {"fresh": ["not an id"]},
        {"undo": ["0123456789abcdefABCDEF", 7]},
        {"undo": ["too short", "Song"]},
        {"removed_track_ids": ["../../etc"]},
    ],
)
def test_the_generators_entry_with_an_odd_edit_field_is_no_session(odd: dict) -> None:
    entry = {"options": {}, "removed_track_ids": [], **odd}
    assert not generator_session.SCHEMA.accepts({generator_session.SESSION_KEY: entry})
    fine = {"options": {}, "removed_track_ids": ["0123456789abcdefABCDEF"], "order": [1, 0],
            "fresh": ["0123456789abcdefABCDEF"], "undo": ["0123456789abcdefABCDEF", "Song"]}
    assert generator_session.SCHEMA.accepts({generator_session.SESSION_KEY: fine})
