"""The look-up pool: chains of waves on one bounded pool, never more threads than
``max_workers``."""

from __future__ import annotations

import threading
import time

import pytest

from playlists.services.generation import generate
from playlists.services.lookup_pool import Chain, both, run
from playlists.services.options import GenerationOptions

from .fakes import FakeSpotify


def pool_threads() -> int:
    return sum(t.name.startswith("spotify") for t in threading.enumerate())


def test_a_run_never_uses_more_threads_than_max_workers() -> None:
    """Chains three waves deep (like artists → searches → albums), ten at once: every look-up
    runs, on at most ``max_workers`` threads, and no look-up waits for another."""
    seen_threads: set[str] = set()
    most = 0
    lock = threading.Lock()

    def look_up(n: int) -> int:
        nonlocal most
        with lock:
            seen_threads.add(threading.current_thread().name)
            most = max(most, pool_threads())
        time.sleep(0.002)
        return n

    def chain(depth: int = 0) -> Chain[int]:
        results = yield [lambda d=depth: look_up(d)] * 6
        if depth == 2:
            return sum(results)
        return (yield from chain(depth + 1))

    def everything() -> Chain[list[int]]:
        return (yield [chain() for _ in range(10)])

    before = pool_threads()
    assert run(everything(), max_workers=4, name="spotify-ceiling") == [12] * 10
    assert len(seen_threads) <= 4 and most - before <= 4
    assert pool_threads() == before  # the pool is gone with the run


def test_a_wave_gives_every_result_once_in_its_order() -> None:
    waves: list[list[object]] = []

    def chain() -> Chain[str]:
        slow_first = [lambda i=i: (time.sleep(0.01 * (5 - i)), i)[1] for i in range(5)]
        waves.append((yield slow_first))
        waves.append((yield []))  # nothing to wait for
        waves.append((yield [inner()]))
        return "done"

    def inner() -> Chain[str]:
        (one,) = yield [lambda: 1]
        return f"inner {one}"

    assert run(chain(), max_workers=5) == "done"
    assert waves == [[0, 1, 2, 3, 4], [], ["inner 1"]]


def test_the_first_failure_ends_the_run_without_waiting_for_the_rest() -> None:
    started: list[int] = []

    def slow() -> None:
        time.sleep(0.5)

    def failing() -> None:
        raise RuntimeError("Spotify said no")

    def chain() -> Chain[None]:
        yield [slow, failing]
        yield [lambda: started.append(1)] * 20

    began = time.monotonic()
    with pytest.raises(RuntimeError, match="said no"):
        run(chain(), max_workers=2)
    assert time.monotonic() - began < 0.45
    assert started == []  # the wave after the failure never started


def test_one_worker_runs_the_look_ups_in_turn_on_the_callers_thread() -> None:
    order: list[str] = []

    def look_up(name: str) -> str:
        order.append(f"{name}@{threading.current_thread() is threading.main_thread()}")
        return name

    def chain(first: str, then: str) -> Chain[None]:
        yield [lambda: look_up(first)]
        yield [lambda: look_up(then)]

    def everything() -> Chain[None]:
        yield [chain("a", "c"), chain("b", "d")]

    run(everything(), max_workers=1)
    assert order == ["a@True", "b@True", "c@True", "d@True"]


def test_both_returns_both_results() -> None:
    assert both(lambda: 1, lambda: "two") == (1, "two")


def test_a_generation_runs_on_at_most_max_workers_threads() -> None:
    fake = FakeSpotify(max_workers=3)
    threads: set[int] = set()
    in_flight = most = 0
    lock = threading.Lock()
    original = fake.search_track_page  # every search the generation makes

    def counting_search(*args, **kwargs):
        nonlocal in_flight, most
        with lock:
            threads.add(threading.get_ident())
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.005)
        with lock:
            in_flight -= 1
        return original(*args, **kwargs)

    fake.search_track_page = counting_search  # type: ignore[method-assign]
    fake.top = [fake.simple_artist(f"Artist {i}") for i in range(8)]
    generation = generate(fake, GenerationOptions(artist_count=8, track_count=40, seed=1))
    assert generation.preview.track_count == 40
    assert len(threads) <= 3 and 2 <= most <= 3
    assert threading.get_ident() not in threads  # the caller's thread only hands out steps
    assert generation.playlists == ()
