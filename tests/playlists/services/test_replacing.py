"""Choosing an earlier playlist to replace: the user's own MoodyStream playlists, newest first,
each with the date it was last filled, read in one bounded wave; a target that is not theirs
is refused before the confirmation, as the replace itself would refuse it."""

from __future__ import annotations

import datetime as dt

import pytest

from playlists.services import replacing
from playlists.services.saving import RefreshRefused, RefreshTargetGone
from playlists.spotify.errors import SpotifyUnavailable

from .fakes import FakeSpotify

URIS = [f"spotify:track:{i:022d}" for i in range(60)]


def made(fake: FakeSpotify, name: str, count: int, when: dt.datetime,
         description: str = "Made with MoodyStream.") -> str:
    fake.now = when
    playlist = fake.create_playlist(name, description=description)
    if count:
        fake.add_items(playlist.id, URIS[:count])
    return playlist.id


def test_choices_are_the_users_moodystream_playlists_with_count_and_date() -> None:
    fake = FakeSpotify()
    first = dt.datetime(2026, 12, 3, 19, 30, tzinfo=dt.UTC)
    second = dt.datetime(2026, 12, 7, 21, 4, tzinfo=dt.UTC)
    older = made(fake, "MoodyStream · A · 7 Dec 2026", 50, first)
    made(fake, "Road trip", 12, first, description="By hand")  # not ours: not offered
    friday = made(fake, "Friday mix", 20, second, description="x")  # ours: saved today
    newer = made(fake, "MoodyStream · A · 7 Dec 2026", 30, second)
    empty = made(fake, "MoodyStream · B · 7 Dec 2026", 0, second)
    choices = replacing.replace_choices(fake, user_id="me", recently_saved={friday})
    assert [(c.playlist.id, c.playlist.item_count, c.filled_at) for c in choices] == [
        (empty, 0, None), (newer, 30, second), (friday, 20, second), (older, 50, first)]
    assert choices[1].opening is not None and choices[1].opening.title == "Song 000"
    assert choices[0].opening is None  # empty: nothing to start with
    assert [c[0] for c in fake.calls].count("current_user_playlists") == 1


def test_choices_are_bounded_and_only_the_users_own() -> None:
    fake = FakeSpotify()
    for i in range(replacing.MAX_CHOICES + 5):
        made(fake, f"MoodyStream · {i}", 1, dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert len(replacing.replace_choices(fake, user_id="me")) == replacing.MAX_CHOICES
    assert [c[0] for c in fake.calls].count("playlist_opening") == replacing.MAX_CHOICES
    assert replacing.replace_choices(fake, user_id="someone else") == []


def test_a_date_that_cannot_be_read_leaves_the_playlist_offered_without_one() -> None:
    fake = FakeSpotify()
    pid = made(fake, "MoodyStream · A", 5, dt.datetime(2026, 12, 1, tzinfo=dt.UTC))

    def down(playlist_id: str) -> None:
        raise SpotifyUnavailable("injected")

    fake.playlist_opening = down  # type: ignore[method-assign]
    [choice] = replacing.replace_choices(fake, user_id="me")
    assert (choice.playlist.id, choice.opening, choice.filled_at) == (pid, None, None)


def test_the_target_is_named_with_its_date_or_refused() -> None:
    fake = FakeSpotify()
    when = dt.datetime(2026, 12, 3, 19, 30, tzinfo=dt.UTC)
    ours = made(fake, "MoodyStream · A", 50, when)
    theirs = made(fake, "Road trip", 3, when, description="By hand")
    target = replacing.replace_target(fake, ours, user_id="me")
    assert (target.playlist.name, target.playlist.item_count, target.filled_at) == (
        "MoodyStream · A", 50, when)
    with pytest.raises(RefreshRefused):
        replacing.replace_target(fake, theirs, user_id="me")
    with pytest.raises(RefreshRefused):
        replacing.replace_target(fake, ours, user_id="someone else")
    with pytest.raises(RefreshTargetGone):
        replacing.replace_target(fake, "0" * 22, user_id="me")
