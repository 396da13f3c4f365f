"""save_playlist on the fake: batches in order, exactly once (an idempotency record in the
shared store, nothing in the playlist), never half-made, refresh of our own playlists only."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from playlists.music import Artist, Track
from playlists.services import saving
from playlists.services.generation_error import GenerationError
from playlists.services.options import GenerationOptions
from playlists.services.preview import Preview, PreviewEntry
from playlists.services.saving import (
    RefreshRefused,
    SaveElsewhere,
    is_moodystream_playlist,
    save_key,
    save_playlist,
)
from playlists.spotify.errors import SpotifyUnavailable, SpotifyWriteUnconfirmed
from shared_state.memory import MemoryState
from shared_state.stores import shared_state

from .fakes import FakeSpotify

URIS = [f"spotify:track:{i:022d}" for i in range(250)]


def preview_of(
    uris, name: str = "Mix", description: str = "Best-known and deep cuts.", public: bool = False,
    *, typed_name: str = "", typed_description: str = "",
) -> Preview:
    """A preview holding these track URIs (what generate would hand over): ``name`` and
    ``description`` are the preview's, made up unless the listener typed them (``typed_*``)."""
    artist = Artist(id="a" * 22, name="Hazel Wren", uri="spotify:artist:" + "a" * 22)
    entries = tuple(
        PreviewEntry(
            track=Track(id=uri.rsplit(":", 1)[-1], uri=uri, name="Song", artists=(artist.ref,)),
            role="top",
            artist=artist,
        )
        for uri in uris
    )
    return Preview(
        entries=entries,
        artists=(artist,),
        notes=(),
        options=GenerationOptions(public=public, name=typed_name, description=typed_description),
        name=typed_name or name,
        description=typed_description or description,
    )


def save(
    fake: FakeSpotify,
    uris=URIS,
    key: str = "alex:abc",
    name: str = "Mix",
    description: str = "Best-known and deep cuts.",
    public: bool = False,
    typed_name: str = "",
    typed_description: str = "",
    **kw,
):
    kw.setdefault("state", shared_state())
    preview = preview_of(uris, name, description, public, typed_name=typed_name,
                         typed_description=typed_description)
    return save_playlist(fake, preview, idempotency_key=key, **kw)


def test_creates_then_adds_in_batches_of_100_in_order() -> None:
    fake = FakeSpotify()
    progress: list[tuple[int, int]] = []
    saved = save(fake, on_progress=lambda done, total: progress.append((done, total)))
    assert fake.playlists[0]["items"] == URIS
    assert [c for c in fake.calls if c[0] == "add_items"] == [
        ("add_items", (saved.id, 100)), ("add_items", (saved.id, 100)),
        ("add_items", (saved.id, 50)),
    ]
    assert progress == [(100, 250), (200, 250), (250, 250)]
    assert saved.item_count == 250
    assert saved.description == "Best-known and deep cuts."  # as written: nothing added


def test_ten_parallel_saves_make_one_playlist_and_remove_none() -> None:
    """A double click, retries, or ten containers: one record wins, the rest get its playlist."""
    fake = FakeSpotify()
    results, errors = [], []

    def run() -> None:
        try:
            results.append(save(fake))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert fake.names().count("create_playlist") == 1
    assert "unfollow_playlist" not in fake.names()
    assert len(fake.playlists) == 1 and fake.playlists[0]["items"] == URIS
    assert {r.id for r in results} == {fake.playlists[0]["id"]}


def test_a_save_whose_container_stopped_half_way_is_finished_not_made_again(clock) -> None:
    fake = FakeSpotify()
    state = MemoryState(clock=lambda: 1_800_000_000 + clock.now)
    real_add = fake.add_items

    def container_dies(playlist_id, uris):
        if fake.add_calls == 1:
            raise KeyboardInterrupt  # stands for a container stopped mid-save
        return real_add(playlist_id, uris)

    fake.add_items = container_dies  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        save(fake, state=state)
    assert fake.playlists == []  # what can still run removes the half-made playlist


def test_a_save_record_left_by_a_stopped_container_is_taken_over(clock) -> None:
    """A record still "saving" after STALE_AFTER_SECONDS: its playlist is finished."""
    fake = FakeSpotify()
    state = MemoryState(clock=lambda: 1_800_000_000 + clock.now)
    half = fake.create_playlist("Mix", description="Best-known and deep cuts.")
    fake.playlists[0]["items"] = URIS[:100]
    state.claim("save:alex:abc", {"state": "saving", "by": "gone", "at": 1_800_000_000,
                                  "playlist": half.id}, ttl=600)
    clock.now = saving.STALE_AFTER_SECONDS + 1
    saved = save(fake, state=state)
    assert saved.id == half.id and fake.playlists[0]["items"] == URIS
    assert fake.names().count("create_playlist") == 1  # the one the stopped save made


def test_a_save_still_running_elsewhere_is_waited_for_then_said(clock) -> None:
    fake = FakeSpotify()
    state = MemoryState(clock=lambda: 1_800_000_000 + clock.now)
    state.claim("save:alex:abc", {"state": "saving", "by": "other", "at": 1_800_000_000,
                                  "playlist": ""}, ttl=600)
    with pytest.raises(SaveElsewhere, match="still being saved"):
        save(fake, state=state)
    assert fake.calls == []
    assert clock.now >= saving.WAIT_FOR_OTHER_SECONDS


def test_whose_playlist_is_ours_is_one_rule() -> None:
    from playlists.music import PlaylistSummary

    def playlist(name: str, description: str = "", pid: str = "p1") -> PlaylistSummary:
        return PlaylistSummary(id=pid, name=name, uri=f"spotify:playlist:{pid}",
                               description=description)

    assert is_moodystream_playlist(playlist("MoodyStream · Hazel Wren · 7 Dec 2026"))
    assert is_moodystream_playlist(playlist("Sunday", "Slow ones. Made with MoodyStream."))
    assert not is_moodystream_playlist(playlist("Sunday", "Slow ones."))
    assert is_moodystream_playlist(playlist("Sunday", "Slow ones."), recently_saved={"p1"})


def test_saving_twice_gives_one_playlist() -> None:
    fake = FakeSpotify()
    first = save(fake)
    second = save(fake)
    assert first.id == second.id and len(fake.playlists) == 1
    assert fake.names().count("create_playlist") == 1


def test_saving_again_after_the_playlist_was_deleted_makes_a_new_one() -> None:
    fake = FakeSpotify()
    first = save(fake)
    fake.playlists.clear()  # deleted in Spotify (here: gone altogether)
    second = save(fake)
    assert second.id != first.id and fake.playlists[0]["items"] == URIS


def test_failure_while_filling_removes_the_half_made_playlist() -> None:
    fake = FakeSpotify()
    fake.fail_add_on_call = 2
    with pytest.raises(SpotifyUnavailable):
        save(fake)
    assert fake.playlists == []




def test_refresh_replaces_items_and_details_of_an_earlier_playlist() -> None:
    fake = FakeSpotify()
    old = save(fake, URIS[:120], key="alex:old", user_id="me")  # ours: saved today
    fresh = save(fake, URIS[100:], key="alex:new", typed_name="New name",
                 typed_description="Typed.", replace_playlist_id=old.id, user_id="me",
                 public=True)
    assert fresh.id == old.id and len(fake.playlists) == 1
    assert fake.playlists[0]["items"] == URIS[100:]
    assert fake.playlists[0]["name"] == "New name" and fake.playlists[0]["public"] is True
    assert fake.playlists[0]["description"] == fresh.description == "Typed."


def test_a_replaced_playlist_keeps_its_name_and_description_unless_typed() -> None:
    """Issue 22: an empty name field renamed "Friday mix" to the made-up name."""
    fake = FakeSpotify()
    old = save(fake, URIS[:50], key="alex:old", user_id="me")
    fake.change_playlist_details(old.id, name="Friday mix", description="For Fridays.")
    fresh = save(fake, URIS[60:110], key="alex:new", name="MoodyStream · A, B · 7 Dec 2026",
                 description="Made with MoodyStream.", replace_playlist_id=old.id,
                 user_id="me")
    assert fake.playlists[0]["items"] == URIS[60:110]
    assert (fake.playlists[0]["name"], fake.playlists[0]["description"]) == (
        "Friday mix", "For Fridays.")
    assert (fresh.name, fresh.description) == ("Friday mix", "For Fridays.")
    assert "change_playlist_details" not in [c[0] for c in fake.calls[-3:]]  # nothing to change
    save(fake, URIS[:10], key="alex:third", typed_name="Saturday mix", replace_playlist_id=old.id,
         user_id="me")
    assert (fake.playlists[0]["name"], fake.playlists[0]["description"]) == (
        "Saturday mix", "For Fridays.")


def test_details_after_replace_take_only_what_was_typed() -> None:
    current = saving.PlaylistSummary(id="p" * 22, name="Friday mix", uri="", description="Mine")
    made_up = preview_of(URIS[:1]).options
    assert saving.details_after_replace(current, made_up) == ("Friday mix", "Mine")
    typed = preview_of(URIS[:1], typed_name="New", typed_description="Words").options
    assert saving.details_after_replace(current, typed) == ("New", "Words")


@pytest.mark.parametrize("fail", ["put", "post", "details"])
def test_a_replace_that_fails_half_way_puts_the_old_items_back(fail: str) -> None:
    fake = FakeSpotify()
    old = save(fake, URIS[:150], key="alex:old", user_id="me")
    before = dict(fake.playlists[0], items=list(fake.playlists[0]["items"]))
    fake.add_calls = 0
    if fail == "put":
        fake.fail_replace = True
    elif fail == "post":
        fake.fail_add_on_call = 1  # after the PUT of the first 100 of 250
    else:
        def refuse(*args: object, **kw: object) -> None:
            raise SpotifyUnavailable("injected")
        fake.change_playlist_details = refuse  # type: ignore[method-assign]
    with pytest.raises(SpotifyUnavailable):
        save(fake, URIS, key="alex:new", typed_name="Other", replace_playlist_id=old.id,
             user_id="me")
    assert fake.playlists[0]["items"] == before["items"]
    assert fake.playlists[0]["name"] == before["name"]
    # the record was released: trying again replaces it
    fake.fail_add_on_call = None
    if fail == "details":
        del fake.change_playlist_details
    save(fake, URIS, key="alex:new", typed_name="Other", replace_playlist_id=old.id, user_id="me")
    assert fake.playlists[0]["items"] == URIS and fake.playlists[0]["name"] == "Other"


def test_bad_input_is_refused_before_touching_spotify() -> None:
    fake = FakeSpotify()
    for uris in ([], ["spotify:episode:1"]):
        with pytest.raises(ValueError):
            save(fake, uris)
    with pytest.raises(ValueError):
        save(fake, key="")
    with pytest.raises(TypeError):
        save_playlist(fake, URIS, idempotency_key="alex:abc",  # type: ignore[arg-type]
                      state=shared_state())
    assert fake.calls == []


def test_the_preview_says_what_is_saved() -> None:
    """Name, description and visibility come from the preview: nothing to pass beside it."""
    fake = FakeSpotify()
    preview = preview_of(URIS[:30], name="Sunday", description="Slow ones.", public=True)

    saved = save_playlist(fake, preview,
                          idempotency_key=save_key("alex", preview.digest, preview.options),
                          state=shared_state())

    assert fake.playlists[0]["name"] == "Sunday" and fake.playlists[0]["public"] is True
    assert fake.playlists[0]["items"] == list(preview.track_uris)
    assert saved.description == fake.playlists[0]["description"] == "Slow ones."


def test_the_save_key_is_the_user_the_tracks_and_the_options() -> None:
    preview = preview_of(URIS[:30])

    def key(user: str, p: Preview) -> str:
        return save_key(user, p.digest, p.options)

    assert key("alex", preview).startswith(f"alex:{preview.digest}:")
    assert key("alex", preview) == key("alex", preview_of(URIS[:30]))
    assert key("alex", preview) != key("alex", preview_of(URIS[:30], public=True))
    assert key("sam", preview) != key("alex", preview)
    assert key("alex", preview_of(URIS[1:31])) != key("alex", preview)
    reseeded = dataclasses.replace(preview, options=preview.options.with_seed(7))
    assert key("alex", reseeded) != key("alex", preview)


def test_a_finished_save_is_found_before_making_the_preview_again() -> None:
    fake, state = FakeSpotify(), shared_state()
    assert saving.earlier_save(state, "alex:abc") is None
    saved = save(fake)
    assert saving.earlier_save(state, "alex:abc") == saved.id


# -- answers lost: never twice ------------------------------------------------------------------
class VirtualClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> VirtualClock:
    virtual = VirtualClock()
    monkeypatch.setattr(saving, "_sleep", virtual.sleep)
    monkeypatch.setattr(saving, "_clock", lambda: virtual.now)
    return virtual


def lost(applied: bool | None) -> SpotifyWriteUnconfirmed:
    return SpotifyWriteUnconfirmed("answer lost", applied=applied)


def test_a_create_applied_but_answered_unreadably_is_found_and_filled(clock) -> None:
    fake = FakeSpotify()
    real_create = fake.create_playlist

    def create_answer_lost(name, **kw):
        real_create(name, **kw)
        raise lost(applied=True)

    fake.create_playlist = create_answer_lost  # type: ignore[method-assign]
    saved = save(fake)
    assert len(fake.playlists) == 1 and fake.playlists[0]["items"] == URIS
    assert saved.id == fake.playlists[0]["id"] and saved.item_count == 250
    assert clock.sleeps == []  # found at the first look


def test_a_create_spotify_applies_late_is_found_by_looking_again(clock) -> None:
    fake = FakeSpotify()
    real_create = fake.create_playlist
    pending: list[tuple[str, dict]] = []

    def create_timing_out(name, **kw):
        pending.append((name, kw))
        raise lost(applied=None)

    def listing(**kw):
        if pending and clock.now >= 0.5:  # Spotify applies it 0.5 s after we gave up
            name, create_kw = pending.pop()
            real_create(name, **create_kw)
        return FakeSpotify.current_user_playlists(fake, **kw)

    fake.create_playlist = create_timing_out  # type: ignore[method-assign]
    fake.current_user_playlists = listing  # type: ignore[method-assign]
    saved = save(fake)
    assert len(fake.playlists) == 1 and fake.playlists[0]["items"] == URIS
    assert saved.id == fake.playlists[0]["id"]
    assert clock.sleeps[0] == saving.LATE_WRITE_FIRST_PAUSE
    assert 0.5 <= clock.now <= saving.LATE_WRITE_PATIENCE * fake.request_timeout


def test_a_create_that_never_happens_is_looked_for_about_one_time_out(clock) -> None:
    fake = FakeSpotify()
    fake.request_timeout = 8.0

    def create_timing_out(name, **kw):
        raise lost(applied=None)

    fake.create_playlist = create_timing_out  # type: ignore[method-assign]
    with pytest.raises(SpotifyWriteUnconfirmed):
        save(fake)
    assert fake.playlists == []
    window = saving.LATE_WRITE_PATIENCE * 8.0
    assert clock.now == pytest.approx(window)  # the last look starts when the window ends
    assert max(clock.sleeps) <= window / 4  # growing pauses, capped
    assert clock.sleeps[:3] == pytest.approx([0.1, 0.2, 0.4])
    looks = fake.names().count("current_user_playlists")
    assert looks == len(clock.sleeps) + 2  # the list before creating, then each look


def test_a_create_refused_with_an_error_status_is_looked_for_once(clock) -> None:
    fake = FakeSpotify()

    def create_failing(name, **kw):
        raise SpotifyUnavailable("POST /me/playlists: HTTP 503")

    fake.create_playlist = create_failing  # type: ignore[method-assign]
    with pytest.raises(SpotifyUnavailable) as raised:
        save(fake)
    assert not isinstance(raised.value, SpotifyWriteUnconfirmed)
    assert clock.sleeps == []
    assert fake.names().count("current_user_playlists") == 2


def test_looks_that_fail_while_waiting_for_a_late_create_count_as_not_found(clock) -> None:
    fake = FakeSpotify()

    def create_timing_out(name, **kw):
        raise lost(applied=None)

    fake.create_playlist = create_timing_out  # type: ignore[method-assign]
    real_listing = fake.current_user_playlists
    calls = []

    def flaky_listing(**kw):
        calls.append(kw)
        if len(calls) > 1:
            raise SpotifyUnavailable("GET /me/playlists: HTTP 503")
        return real_listing(**kw)

    fake.current_user_playlists = flaky_listing  # type: ignore[method-assign]
    with pytest.raises(SpotifyWriteUnconfirmed):
        save(fake)
    assert clock.now == pytest.approx(saving.LATE_WRITE_PATIENCE * fake.request_timeout)


@pytest.mark.parametrize("lost_on_call", [1, 2, 3])
def test_an_add_applied_but_answered_unreadably_is_checked_and_not_repeated(
    clock, lost_on_call: int
) -> None:
    fake = FakeSpotify()
    real_add = fake.add_items
    calls = []

    def add_answer_lost(playlist_id, uris):
        calls.append(len(uris))
        snapshot = real_add(playlist_id, uris)
        if len(calls) == lost_on_call:
            raise lost(applied=True)
        return snapshot

    fake.add_items = add_answer_lost  # type: ignore[method-assign]
    saved = save(fake)
    assert fake.playlists[0]["items"] == URIS  # each item once, in order
    assert calls == [100, 100, 50] and saved.item_count == 250
    assert ("playlist_item_uris", (saved.id, 100 * (lost_on_call - 1))) in fake.calls


def test_an_add_whose_answer_is_lost_and_is_not_there_removes_the_playlist(clock) -> None:
    fake = FakeSpotify()
    real_add = fake.add_items
    calls = []

    def add_timing_out(playlist_id, uris):
        calls.append(len(uris))
        if len(calls) == 2:
            raise lost(applied=None)  # not applied (yet): it may still be, so not repeated
        return real_add(playlist_id, uris)

    fake.add_items = add_timing_out  # type: ignore[method-assign]
    with pytest.raises(SpotifyWriteUnconfirmed):
        save(fake)
    assert calls == [100, 100] and fake.playlists == []


def test_an_add_whose_answer_is_lost_and_cannot_be_checked_removes_the_playlist(clock) -> None:
    fake = FakeSpotify()
    real_add = fake.add_items

    def add_answer_lost(playlist_id, uris):
        real_add(playlist_id, uris)
        raise lost(applied=True)

    def read_back_failing(playlist_id, *, offset=0):
        raise SpotifyUnavailable("GET /playlists/{id}/items: HTTP 503")

    fake.add_items = add_answer_lost  # type: ignore[method-assign]
    fake.playlist_item_uris = read_back_failing  # type: ignore[method-assign]
    with pytest.raises(SpotifyWriteUnconfirmed):
        save(fake, URIS[:50])
    assert fake.playlists == []


# -- refresh: only the user's own MoodyStream playlists ------------------------------------------
def test_refresh_refuses_a_playlist_moodystream_did_not_make() -> None:
    fake = FakeSpotify()
    fake.create_playlist("Road trip", description="My own, by hand")
    fake.playlists[0]["items"] = URIS[:3]
    before = dict(fake.playlists[0])
    with pytest.raises(RefreshRefused) as raised:
        save(fake, URIS[:10], replace_playlist_id=before["id"], user_id="me")
    assert raised.value.user_message == saving.CHOOSE_A_MOODYSTREAM_PLAYLIST
    assert isinstance(raised.value, GenerationError)
    assert fake.playlists == [before]
    assert set(fake.names()) == {"create_playlist", "get_playlist"}


def test_refresh_refuses_another_users_moodystream_playlist() -> None:
    fake = FakeSpotify()
    theirs = save(fake, URIS[:10], key="sam:abc", name="MoodyStream · Sam's")  # owner: "me"
    with pytest.raises(RefreshRefused):
        save(fake, URIS[10:20], key="alex:new", replace_playlist_id=theirs.id, user_id="alex")
    assert fake.playlists[0]["items"] == URIS[:10]


def test_refresh_needs_the_users_id() -> None:
    fake = FakeSpotify()
    with pytest.raises(ValueError, match="user's id"):
        save(fake, replace_playlist_id="p" * 22)
    assert fake.calls == []


