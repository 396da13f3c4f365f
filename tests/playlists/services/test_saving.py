"""save_playlist on the fake: batches in order, exactly once, never half-made, refresh."""

from __future__ import annotations

import threading

import pytest

from playlists.music import Artist, Track
from playlists.services import saving
from playlists.services.generation_error import GenerationError
from playlists.services.options import SAVE_MARKER_LENGTH, GenerationOptions
from playlists.services.preview import Preview, PreviewEntry
from playlists.services.saving import (
    RefreshRefused,
    description_with_marker,
    idempotency_marker,
    is_moodystream_playlist,
    save_key,
    save_playlist,
)
from playlists.spotify.errors import SpotifyUnavailable, SpotifyWriteUnconfirmed

from .fakes import FakeSpotify

URIS = [f"spotify:track:{i:022d}" for i in range(250)]


def preview_of(
    uris, name: str = "Mix", description: str = "Best-known and deep cuts.", public: bool = False
) -> Preview:
    """A preview holding these track URIs (what generate would hand over)."""
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
        options=GenerationOptions(public=public),
        name=name,
        description=description,
    )


def save(
    fake: FakeSpotify,
    uris=URIS,
    key: str = "alex:abc",
    name: str = "Mix",
    description: str = "Best-known and deep cuts.",
    public: bool = False,
    **kw,
):
    return save_playlist(
        fake, preview_of(uris, name, description, public), idempotency_key=key, **kw
    )


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
    assert saved.description.endswith(idempotency_marker("alex:abc"))
    assert is_moodystream_playlist(saved)


def test_saving_twice_gives_one_playlist() -> None:
    fake = FakeSpotify()
    first = save(fake)
    second = save(fake)
    assert first.id == second.id and len(fake.playlists) == 1
    assert fake.names().count("create_playlist") == 1


def test_concurrent_saves_in_one_process_give_one_playlist() -> None:
    fake = FakeSpotify()
    results = []
    threads = [threading.Thread(target=lambda: results.append(save(fake))) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(fake.playlists) == 1 and {r.id for r in results} == {fake.playlists[0]["id"]}


def test_a_concurrent_save_elsewhere_loses_to_the_oldest() -> None:
    fake = FakeSpotify()
    real_create = fake.create_playlist

    def create_racing(name, **kw):
        real_create(name, **kw)  # another container got there first
        fake.playlists[0]["items"] = list(URIS)
        return real_create(name, **kw)

    fake.create_playlist = create_racing  # type: ignore[method-assign]
    saved = save(fake)
    assert len(fake.playlists) == 1 and saved.id == fake.playlists[0]["id"]
    assert fake.playlists[0]["items"] == URIS
    assert "unfollow_playlist" in fake.names()


def test_failure_while_filling_removes_the_half_made_playlist() -> None:
    fake = FakeSpotify()
    fake.fail_add_on_call = 2
    with pytest.raises(SpotifyUnavailable):
        save(fake)
    assert fake.playlists == []




def test_refresh_replaces_items_and_details_of_an_earlier_playlist() -> None:
    fake = FakeSpotify()
    old = save(fake, URIS[:120], key="alex:old")
    fresh = save(fake, URIS[100:], key="alex:new", name="New name",
                 replace_playlist_id=old.id, user_id="me", public=True)
    assert fresh.id == old.id and len(fake.playlists) == 1
    assert fake.playlists[0]["items"] == URIS[100:]
    assert fake.playlists[0]["name"] == "New name" and fake.playlists[0]["public"] is True
    assert fresh.description.endswith(idempotency_marker("alex:new"))


def test_bad_input_is_refused_before_touching_spotify() -> None:
    fake = FakeSpotify()
    for uris in ([], ["spotify:episode:1"]):
        with pytest.raises(ValueError):
            save(fake, uris)
    with pytest.raises(ValueError):
        save(fake, key="")
    with pytest.raises(TypeError):
        save_playlist(fake, URIS, idempotency_key="alex:abc")  # type: ignore[arg-type]
    assert fake.calls == []


def test_the_preview_says_what_is_saved() -> None:
    """Name, description and visibility come from the preview: nothing to pass beside it."""
    fake = FakeSpotify()
    preview = preview_of(URIS[:30], name="Sunday", description="Slow ones.", public=True)

    saved = save_playlist(fake, preview, idempotency_key=save_key("alex", preview))

    assert fake.playlists[0]["name"] == "Sunday" and fake.playlists[0]["public"] is True
    assert fake.playlists[0]["items"] == list(preview.track_uris)
    assert saved.description == f"Slow ones. {idempotency_marker(save_key('alex', preview))}"


def test_the_save_key_is_the_user_the_tracks_and_the_seed() -> None:
    preview = preview_of(URIS[:30])
    assert save_key("alex", preview) == f"alex:{preview.digest}:{preview.options.seed}"
    assert save_key("sam", preview) != save_key("alex", preview)
    assert save_key("alex", preview_of(URIS[1:31])) != save_key("alex", preview)


def test_the_marker_takes_the_room_the_options_leave() -> None:
    assert len(" " + idempotency_marker("any key")) == SAVE_MARKER_LENGTH
    full = "d" * (300 - SAVE_MARKER_LENGTH)
    assert description_with_marker(full, idempotency_marker("k")).startswith(full + " [ms:")


def test_marker_fits_spotify_description_limit() -> None:
    marker = idempotency_marker("k")
    text = description_with_marker("x" * 400 + f" {idempotency_marker('old')}", marker)
    assert len(text) <= 300 and text.endswith(marker) and text.count("[ms:") == 1


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
    assert looks == len(clock.sleeps) + 2  # the check before creating, then each look


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


def test_a_concurrent_save_that_wins_with_an_empty_playlist_gets_it_filled(clock) -> None:
    """The oldest marked playlist is kept even if whoever created it never filled it (a create
    Spotify applied late, a container that died): the save finishes it."""
    fake = FakeSpotify()
    real_create = fake.create_playlist

    def create_racing(name, **kw):
        real_create(name, **kw)  # an older one, left empty
        return real_create(name, **kw)

    fake.create_playlist = create_racing  # type: ignore[method-assign]
    saved = save(fake)
    assert len(fake.playlists) == 1 and saved.id == fake.playlists[0]["id"]
    assert fake.playlists[0]["items"] == URIS and saved.item_count == 250
    assert ("get_playlist", (saved.id,)) in fake.calls  # its count read again, not the listing's


# -- refresh: only the user's own MoodyStream playlists ------------------------------------------
def test_refresh_refuses_a_playlist_moodystream_did_not_make() -> None:
    fake = FakeSpotify()
    fake.create_playlist("Road trip", description="My own, by hand")
    fake.playlists[0]["items"] = URIS[:3]
    before = dict(fake.playlists[0])
    with pytest.raises(RefreshRefused) as raised:
        save(fake, URIS[:10], replace_playlist_id=before["id"], user_id="me")
    assert raised.value.user_message == "Choose one of your MoodyStream playlists to refresh."
    assert isinstance(raised.value, GenerationError)
    assert fake.playlists == [before]
    assert set(fake.names()) == {"create_playlist", "get_playlist"}


def test_refresh_refuses_another_users_moodystream_playlist() -> None:
    fake = FakeSpotify()
    theirs = save(fake, URIS[:10], key="sam:abc")  # the fake's owner is "me"
    with pytest.raises(RefreshRefused):
        save(fake, URIS[10:20], key="alex:new", replace_playlist_id=theirs.id, user_id="alex")
    assert fake.playlists[0]["items"] == URIS[:10]
    assert fake.playlists[0]["description"].endswith(idempotency_marker("sam:abc"))


def test_refresh_needs_the_users_id() -> None:
    fake = FakeSpotify()
    with pytest.raises(ValueError, match="user's id"):
        save(fake, replace_playlist_id="p" * 22)
    assert fake.calls == []


# -- a marked playlist another save may be filling: wait, do not write alongside -----------------
@pytest.fixture
def separate_containers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each save gets its own lock, as saves on two Lambda containers do."""
    monkeypatch.setattr(saving, "_lock_for", lambda key: saving._KeyLock())


@pytest.fixture
def first_save_pauses_after_its_first_chunk():
    """Runs a save in a thread that stops before its second add until the test's own save has
    read the playlist once (``get_playlist``); ``then_fail`` makes that add fail instead."""

    class Harness:
        def __init__(self) -> None:
            self.fake = FakeSpotify()
            self.paused = threading.Event()
            self.looked = threading.Event()
            self.then_fail = False
            self.results: list = []
            real_add, real_get = self.fake.add_items, self.fake.get_playlist

            def add_items(playlist_id, uris):
                if self.fake.add_calls == 1 and not self.looked.is_set():
                    self.paused.set()
                    assert self.looked.wait(5)
                    if self.then_fail:
                        raise SpotifyUnavailable("the first save's second add failed")
                return real_add(playlist_id, uris)

            def get_playlist(playlist_id):
                summary = real_get(playlist_id)
                self.looked.set()
                return summary

            self.fake.add_items = add_items  # type: ignore[method-assign]
            self.fake.get_playlist = get_playlist  # type: ignore[method-assign]

        def start_first_save(self) -> threading.Thread:
            def run() -> None:
                try:
                    self.results.append(save(self.fake))
                except SpotifyUnavailable as exc:
                    self.results.append(exc)

            thread = threading.Thread(target=run)
            thread.start()
            assert self.paused.wait(5)
            return thread

    return Harness()


def test_a_playlist_another_save_is_still_filling_is_waited_for_not_written_twice(
    separate_containers, first_save_pauses_after_its_first_chunk
) -> None:
    harness = first_save_pauses_after_its_first_chunk
    first = harness.start_first_save()
    second = save(harness.fake)  # finds the first save's playlist holding 100 of 250
    first.join(5)
    assert len(harness.fake.playlists) == 1
    assert harness.fake.playlists[0]["items"] == URIS  # each item once, in order
    assert second.id == harness.results[0].id == harness.fake.playlists[0]["id"]
    assert second.item_count == 250
    assert "replace_items" not in harness.fake.names()


def test_when_the_save_filling_it_fails_and_removes_it_this_save_fails_too(
    separate_containers, first_save_pauses_after_its_first_chunk
) -> None:
    harness = first_save_pauses_after_its_first_chunk
    harness.then_fail = True
    first = harness.start_first_save()
    with pytest.raises(SpotifyUnavailable):
        save(harness.fake)
    first.join(5)
    assert isinstance(harness.results[0], SpotifyUnavailable)
    assert harness.fake.playlists == []  # nothing half-made left; saving again starts afresh


def test_a_marked_playlist_left_half_filled_is_finished_after_about_one_time_out(clock) -> None:
    fake = FakeSpotify()
    marker = idempotency_marker("alex:abc")
    fake.create_playlist("Mix", description=f"old {marker}")
    fake.playlists[0]["items"] = URIS[:100] + URIS[:30]  # a crash left it half-filled
    saved = save(fake)
    assert len(fake.playlists) == 1 and fake.playlists[0]["items"] == URIS
    assert saved.item_count == 250
    assert "replace_items" in fake.names()
    assert clock.now == pytest.approx(saving.LATE_WRITE_PATIENCE * fake.request_timeout)


def test_a_complete_marked_playlist_is_returned_without_waiting_or_writing(clock) -> None:
    fake = FakeSpotify()
    marker = idempotency_marker("alex:abc")
    fake.create_playlist("Mix", description=f"old {marker}")
    fake.playlists[0]["items"] = list(URIS)
    saved = save(fake)
    assert saved.id == fake.playlists[0]["id"] and saved.item_count == 250
    assert clock.sleeps == []
    assert not {"add_items", "replace_items", "create_playlist"} & set(fake.names()[1:])
