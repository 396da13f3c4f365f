"""The session cookie is encrypted, authenticated, small, and rejected when tampered with."""

from __future__ import annotations

import base64
import secrets

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore as SignedOnlyStore

from accounts.pending_logins import MAX_PENDING
from moodystream.sessions import SessionStore
from playlists.generator_session import MAX_REMOVED
from playlists.generator_session import MAX_SAVED_REMEMBERED as MAX_SAVED
from playlists.services.options import MAX_DESCRIPTION, MAX_NAME, MAX_PICKED, GenerationOptions

# Real Spotify tokens are about this long: ~300-character access tokens, ~130-character refresh.
REAL_ACCESS_TOKEN = "BQ" + secrets.token_urlsafe(230)
REAL_REFRESH_TOKEN = "AQ" + secrets.token_urlsafe(100)


def full_session() -> dict[str, object]:
    """Everything the app ever keeps in a session at once, at its largest."""
    return {
        "sp_tokens": {
            "a": REAL_ACCESS_TOKEN,
            "r": REAL_REFRESH_TOKEN,
            "e": 1_900_000_000,
            "s": "user-top-read user-follow-read user-library-read playlist-read-private "
            "playlist-modify-public playlist-modify-private",
        },
        "sp_user": {"id": "x" * 28, "name": "A rather long display name, as some people have"},
        "sp_login": {
            secrets.token_urlsafe(32): {
                "v": "v" * 96, "n": "/generate/", "t": 1_900_000_000, "c": "f" * 32
            }
            for _ in range(MAX_PENDING)
        },
        # Signed in with their own Spotify app (its sign-ins under way carry the Client ID).
        "sp_own": "f" * 32,
        "generator": {
            "options": GenerationOptions(
                artist_source="picked",
                picked_artists=tuple(f"Artist name number {i:02d}" for i in range(MAX_PICKED)),
                track_count=200,
                deep_cut_percent=35,
                exclude_versions=frozenset({"live"}),
                allow_explicit=False,
                exclude_saved=True,
                public=True,
                name="N" * MAX_NAME,
                description="D" * MAX_DESCRIPTION,
                seed=2**31 - 1,
            ).to_dict(),
            "removed_track_ids": [secrets.token_hex(11) for _ in range(MAX_REMOVED)],
        },
        "saved": {secrets.token_hex(16): secrets.token_hex(11) for _ in range(MAX_SAVED)},
        "_messages": '[["__json_message",0,20,"You are signed out. MoodyStream keeps nothing."]]',
    }


def cookie_for(data: dict[str, object]) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_cookie_round_trips() -> None:
    data = full_session()
    store = SessionStore(session_key=cookie_for(data))
    assert store["sp_tokens"]["r"] == REAL_REFRESH_TOKEN
    assert GenerationOptions.from_dict(store["generator"]["options"]).track_count == 200


def test_refresh_token_cannot_be_read_from_the_cookie() -> None:
    cookie = cookie_for(full_session())
    assert REAL_REFRESH_TOKEN not in cookie
    assert REAL_ACCESS_TOKEN[:20] not in cookie
    # Not even after the decoding anyone could do without the key.
    raw = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
    assert REAL_REFRESH_TOKEN.encode() not in raw
    assert b"sp_tokens" not in raw


def test_django_signed_cookie_alone_would_leak_it() -> None:
    """Why the custom engine exists: the stock signed-cookie engine is readable by anyone."""
    from django.core import signing

    store = SignedOnlyStore()
    store.update({"sp_tokens": {"r": REAL_REFRESH_TOKEN}})
    store.save()
    payload = signing.loads(
        store.session_key, salt="django.contrib.sessions.backends.signed_cookies", max_age=None
    )
    assert payload["sp_tokens"]["r"] == REAL_REFRESH_TOKEN


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),
        lambda c: c[:40] + ("x" if c[40] != "x" else "y") + c[41:],
        lambda c: c[: len(c) // 2],
        lambda c: "not-a-session",
        lambda c: "",
    ],
    ids=["changed-tail", "changed-middle", "truncated", "junk", "empty"],
)
def test_tampered_cookie_gives_an_empty_session(tamper) -> None:
    store = SessionStore(session_key=tamper(cookie_for(full_session())))
    assert store.load() == {}
    assert "sp_tokens" not in store


def test_cookie_from_another_secret_key_is_rejected(settings) -> None:
    cookie = cookie_for(full_session())
    settings.SECRET_KEY = "another-secret-key-" + "z" * 40
    assert SessionStore(session_key=cookie).load() == {}


def test_rotated_secret_key_keeps_sessions_via_fallbacks(settings) -> None:
    old_key = settings.SECRET_KEY
    cookie = cookie_for(full_session())
    settings.SECRET_KEY = "rotated-secret-key-" + "q" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert SessionStore(session_key=cookie)["sp_user"]["name"].startswith("A rather")


def test_cookie_with_everything_in_it_stays_under_4kb(settings) -> None:
    cookie = cookie_for(full_session())
    header = (
        f"{settings.SESSION_COOKIE_NAME}={cookie}; expires=Thu, 01 Jan 2099 00:00:00 GMT; "
        "HttpOnly; Max-Age=2592000; Path=/; SameSite=Lax; Secure"
    )
    assert len(header) < 4096, f"session cookie is {len(header)} bytes"
