"""save_playlist on the fake: batches in order, exactly once, never half-made, refresh."""

from __future__ import annotations

import threading

import pytest

from playlists.services.saving import (
    description_with_marker,
    idempotency_marker,
    is_moodystream_playlist,
    save_playlist,
)
from playlists.spotify.errors import SpotifyUnavailable

from .fakes import FakeSpotify

URIS = [f"spotify:track:{i:022d}" for i in range(250)]


def save(fake: FakeSpotify, uris=URIS, key: str = "alex:abc", **kw):
    kw.setdefault("name", "Mix")
    kw.setdefault("description", "Best-known and deep cuts.")
    kw.setdefault("public", False)
    return save_playlist(fake, uris, idempotency_key=key, **kw)


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


def test_an_incomplete_marked_playlist_is_finished() -> None:
    fake = FakeSpotify()
    marker = idempotency_marker("alex:abc")
    fake.create_playlist("Mix", description=f"old {marker}")
    fake.playlists[0]["items"] = URIS[:100] + URIS[:30]  # a crash left it half-filled
    saved = save(fake)
    assert len(fake.playlists) == 1 and fake.playlists[0]["items"] == URIS
    assert saved.item_count == 250
    assert "replace_items" in fake.names()


def test_refresh_replaces_items_and_details_of_an_earlier_playlist() -> None:
    fake = FakeSpotify()
    old = save(fake, URIS[:120], key="alex:old")
    fresh = save(fake, URIS[100:], key="alex:new", name="New name",
                 replace_playlist_id=old.id, public=True)
    assert fresh.id == old.id and len(fake.playlists) == 1
    assert fake.playlists[0]["items"] == URIS[100:]
    assert fake.playlists[0]["name"] == "New name" and fake.playlists[0]["public"] is True
    assert fresh.description.endswith(idempotency_marker("alex:new"))


def test_bad_input_is_refused_before_touching_spotify() -> None:
    fake = FakeSpotify()
    for uris in ([], ["spotify:episode:1"], "spotify:track:1"):
        with pytest.raises((ValueError, TypeError)):
            save(fake, uris)
    with pytest.raises(ValueError):
        save(fake, key="")
    assert fake.calls == []


def test_marker_fits_spotify_description_limit() -> None:
    marker = idempotency_marker("k")
    text = description_with_marker("x" * 400 + f" {idempotency_marker('old')}", marker)
    assert len(text) <= 300 and text.endswith(marker) and text.count("[ms:") == 1
