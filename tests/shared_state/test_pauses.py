"""An app's pauses: per endpoint, the whole app, or its quota; read once, noted for all."""

from __future__ import annotations

from shared_state.memory import MemoryState
from shared_state.pauses import AppPauses

ALBUMS = "GET /artists/{id}/albums"


def test_a_pause_noted_by_one_container_is_seen_by_the_next(clock) -> None:
    store = MemoryState(clock)
    AppPauses(store, "spotify-app:abc").note(ALBUMS, 86_000, quota_exceeded=False)
    other_container = AppPauses(store, "spotify-app:abc")
    assert other_container.remaining(ALBUMS) == (86_000, False)
    assert other_container.remaining("GET /search") == (0.0, False)  # search still works
    assert AppPauses(store, "spotify-app:other").remaining(ALBUMS) == (0.0, False)
    clock.advance(86_001)
    assert AppPauses(store, "spotify-app:abc").remaining(ALBUMS) == (0.0, False)


def test_quota_stops_every_endpoint_and_says_it_is_quota(clock) -> None:
    store = MemoryState(clock)
    AppPauses(store, "spotify-app:abc").note("GET /search", 7200, quota_exceeded=True)
    assert AppPauses(store, "spotify-app:abc").remaining(ALBUMS) == (7200, True)


def test_a_store_that_does_not_answer_pauses_nobody(clock) -> None:
    from shared_state.store import SharedStateUnavailable

    class Down(MemoryState):
        def pauses(self, group: str) -> dict[str, float]:
            raise SharedStateUnavailable("down")

        def pause_until(self, group: str, name: str, until: float) -> None:
            raise SharedStateUnavailable("down")

    pauses = AppPauses(Down(clock), "spotify-app:abc")
    assert pauses.remaining(ALBUMS) == (0.0, False)
    pauses.note(ALBUMS, 60, quota_exceeded=False)  # kept for this container at least
    assert pauses.remaining(ALBUMS) == (60, False)
