"""The draft the preview's forms carry: sealed (encrypted, under a key of its own), bound to
its owner, expiring, bounded in size; and small enough to go through a sign-in in the cookie."""

from __future__ import annotations

import random

import pytest

from accounts import pending_logins
from accounts.session import SESSION_DRAFT, SESSION_DRAFT_OWNER, SESSION_PENDING_LOGIN
from moodystream import sessions
from moodystream.session_schema import MESSAGES_KEY
from playlists import generator_session, sealed_draft
from playlists.generator_session import MAX_REMOVED
from playlists.services.options import GenerationOptions

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def track_ids(count: int, seed: int = 1) -> list[str]:
    chance = random.Random(seed)
    return ["".join(chance.choices(ALPHABET, k=22)) for _ in range(count)]


def entry(tracks: int = 50, removed: int = 3, **options: object) -> dict[str, object]:
    order = list(range(tracks))
    random.Random(tracks).shuffle(order)
    chosen = GenerationOptions(
        track_count=tracks, name="Friday mix", description="For the drive home", seed=12345,
        **options,  # type: ignore[arg-type]
    )
    return {
        "options": chosen.to_dict(),
        "removed_track_ids": track_ids(removed),
        "order": order,
        "fresh": track_ids(1, seed=9),
        "undo": [track_ids(1, seed=8)[0], "A song"],
        "saved_as": track_ids(1, seed=7),  # the playlist it was saved as: regenerates the same
    }


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    now = [1_800_000_000]
    monkeypatch.setattr(sessions, "now", lambda: now[0])
    return now


def test_a_sealed_draft_comes_back_as_it_was_with_its_owner() -> None:
    draft = entry()
    token = sealed_draft.seal(draft, "maya")
    back = sealed_draft.unseal(token)
    assert back is not None
    assert back.owner == "maya"
    # What rebuilds the preview travels; the last edit's marks (New, Undo) stay behind.
    assert back.entry == {k: draft[k] for k in ("options", "removed_track_ids", "order",
                                                "saved_as")}
    options = GenerationOptions.from_dict(back.entry["options"])
    assert (options.name, options.description, options.seed) == (
        "Friday mix", "For the drive home", 12345)


def test_it_is_encrypted_not_only_signed() -> None:
    token = sealed_draft.seal(entry(), "maya")
    for secret in ("Friday", "maya", "drive", "removed"):
        assert secret not in token


@pytest.mark.parametrize("position", [0, 20, 60, -5])
def test_a_changed_draft_is_refused(position: int) -> None:
    token = sealed_draft.seal(entry(), "maya")
    flipped = "A" if token[position] != "A" else "B"
    assert sealed_draft.unseal(token[:position] + flipped + token[position + 1 or len(token):]) \
        is None


@pytest.mark.parametrize(
    "junk", ["", "x", "gAAAAA" + "x" * 200, "é" * 50, "\x00" * 10, "null", '{"o":"maya"}']
)
def test_junk_is_no_draft(junk: str) -> None:
    assert sealed_draft.unseal(junk) is None


def test_a_session_cookie_is_not_a_draft_nor_a_draft_a_session(clock) -> None:
    """Each is sealed under its own key: neither is accepted as the other."""
    as_session = sessions.seal({"o": "maya", "d": generator_session.carried(entry())})
    assert sealed_draft.unseal(as_session) is None
    token = sealed_draft.seal(entry(), "maya")
    with pytest.raises(sessions.InvalidToken):
        sessions.unseal(token, max_age=3600)


def test_a_draft_sealed_with_another_secret_key_is_refused(settings) -> None:
    token = sealed_draft.seal(entry(), "maya")
    settings.SECRET_KEY = "another key, another site " * 2
    assert sealed_draft.unseal(token) is None


def test_a_rotated_key_still_opens_it(settings) -> None:
    token = sealed_draft.seal(entry(), "maya")
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the new key " * 5, [old]
    assert sealed_draft.unseal(token) is not None


def test_too_old_is_refused(clock) -> None:
    token = sealed_draft.seal(entry(), "maya")
    clock[0] += sealed_draft.MAX_AGE_SECONDS
    assert sealed_draft.unseal(token) is not None  # a page open as long as a session lives
    clock[0] += 1
    assert sealed_draft.unseal(token) is None


def test_from_the_future_is_refused(clock) -> None:
    token = sealed_draft.seal(entry(), "maya")
    clock[0] -= 3600
    assert sealed_draft.unseal(token) is None


def test_too_big_is_refused_unread() -> None:
    token = sealed_draft.seal(entry(), "maya")
    assert sealed_draft.unseal(token + "A" * sealed_draft.MAX_SEALED_CHARS) is None


@pytest.mark.parametrize(
    "inside",
    [
        {"o": "maya"},
        {"o": "", "d": {"options": {}, "removed_track_ids": []}},
        {"o": 7, "d": {"options": {}, "removed_track_ids": []}},
        {"o": "maya", "d": {"options": {"track_count": 9999}, "removed_track_ids": []}},
        {"o": "maya", "d": {"options": {}, "removed_track_ids": ["not an id"]}},
        {"o": "maya", "d": {"options": {}, "removed_track_ids": track_ids(MAX_REMOVED + 1)}},
        {"o": "maya", "d": {"options": {}, "removed_track_ids": [], "order": list(range(201))}},
        {"o": "maya", "d": {"options": {}, "removed_track_ids": [], "order": ["1"]}},
        {"o": "maya", "d": {"options": {}, "removed_track_ids": [], "undo": ["x", "y"]}},
        {"o": "maya", "d": {"options": {}, "removed_track_ids": [], "tokens": {}}},
        {"o": "maya", "d": {"options": {}, "removed_track_ids": [],
                            "saved_as": track_ids(3)}},
        {"o": "maya", "d": []},
    ],
)
def test_a_sealed_value_that_is_not_a_draft_is_refused(inside: dict[str, object]) -> None:
    """Sealed with the right key (someone who had it), but not what the page seals."""
    token = sessions.seal(inside, purpose=sessions.DRAFT_PURPOSE)
    assert sealed_draft.unseal(token) is None


def signed_out_cookie(draft: dict[str, object]) -> int:
    """The cookie a sign-in carries a draft in: beside the most sign-ins that may wait at once
    and a message, sealed as the engine seals it."""
    return len(sessions.seal({
        SESSION_DRAFT: draft,
        SESSION_DRAFT_OWNER: "maya",
        SESSION_PENDING_LOGIN: pending_logins.worst_case(),
        MESSAGES_KEY: '[["__json_message",0,30,"' + "m" * 200 + '"]]',
        sessions.BORN_KEY: 2**31 - 1,
    }))


@pytest.mark.parametrize(
    ("tracks", "removed", "sealed_at_most", "cookie_at_most"),
    # Measured: 50 tracks: 396 / 676 / 1,636 characters sealed with 0 / 10 / 50 removals;
    # 200 tracks: 760 / 1,060 / 2,060. In the sign-in cookie (three waiting sign-ins, a
    # message), 50 tracks take 1,336 / 1,592 / 2,572 and 200 tracks 1,764 / 1,996 / 3,000 of
    # the 3,800 a cookie may take.
    [(50, 0, 500, 1800), (50, 50, 1800, 3000), (200, 10, 1200, 2600), (200, 50, 2200, 3200)],
)
def test_the_draft_is_small_and_goes_through_a_sign_in_whole(
    tracks: int, removed: int, sealed_at_most: int, cookie_at_most: int
) -> None:
    draft = entry(tracks, removed)
    assert len(sealed_draft.seal(draft, "maya")) <= sealed_at_most
    kept, dropped = generator_session.for_sign_in(draft, "maya")
    assert dropped == 0 and kept == generator_session.carried(draft)
    assert signed_out_cookie(kept) <= cookie_at_most <= sessions.MAX_COOKIE_CHARS


def cjk_names(count: int, length: int) -> list[str]:
    chance = random.Random(count)
    return ["".join(chr(chance.randrange(0x4E00, 0x9FFF)) for _ in range(length))
            for _ in range(count)]


def test_removals_are_bounded_oldest_first_when_the_options_leave_no_room() -> None:
    """Long CJK names take three bytes a character; the earliest removals give way."""
    picked = cjk_names(4, 100)
    draft = entry(200, MAX_REMOVED, artist_source="picked", picked_artists=tuple(picked),
                  artist_count=4)
    kept, dropped = generator_session.for_sign_in(draft, "maya")
    assert kept is not None and 0 < dropped < MAX_REMOVED
    assert kept["removed_track_ids"] == draft["removed_track_ids"][dropped:]  # type: ignore[index]
    assert sessions.fits({SESSION_DRAFT: kept, SESSION_DRAFT_OWNER: "maya",
                          SESSION_PENDING_LOGIN: pending_logins.worst_case(),
                          MESSAGES_KEY: '[["__json_message",0,30,"' + "m" * 200 + '"]]'})


def test_options_too_long_for_any_cookie_are_not_carried() -> None:
    picked = cjk_names(50, 100)
    draft = entry(200, 0, artist_source="picked", picked_artists=tuple(picked), artist_count=50)
    assert generator_session.for_sign_in(draft, "maya") == (None, 0)
