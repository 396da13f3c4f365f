"""Each owner declares what its session keys hold; the engine knows no app, only the settings'
list of schemas, and holds every cookie to all of them."""

from __future__ import annotations

import pytest

from accounts import session as accounts_session
from moodystream import sessions
from moodystream.session_schema import MESSAGES_KEY, SessionSchema, is_int, is_str, merged
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
