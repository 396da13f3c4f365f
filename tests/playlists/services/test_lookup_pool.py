"""The fetch plan: steps on one bounded pool, never more threads than ``max_workers``."""

from __future__ import annotations

import threading
import time

import pytest

from playlists.services.generation import generate
from playlists.services.lookup_pool import Steps, both, fan_out, run_plan
from playlists.services.options import GenerationOptions

from .fakes import FakeSpotify


def plan_threads() -> int:
    return sum(t.name.startswith("spotify") for t in threading.enumerate())


def test_a_plan_never_runs_on_more_threads_than_max_workers() -> None:
    """Steps fan out three levels deep (like artists → searches → albums): every step runs,
    on at most ``max_workers`` threads, and no step waits for another."""
    seen_threads: set[str] = set()
    most = 0
    ran: list[int] = []
    lock = threading.Lock()

    def look_up(n: int) -> int:
        nonlocal most
        with lock:
            seen_threads.add(threading.current_thread().name)
            most = max(most, plan_threads())
        time.sleep(0.002)
        return n

    def level(depth: int) -> Steps:
        if depth == 3:
            ran.append(look_up(depth))
            return ()
        return fan_out([lambda d=depth: look_up(d)] * 6, lambda _: [lambda: level(depth + 1)])

    before = plan_threads()
    run_plan([lambda: level(0) for _ in range(10)], max_workers=4, name="spotify-ceiling")
    assert len(ran) == 10
    assert len(seen_threads) <= 4 and most - before <= 4
    assert plan_threads() == before  # the pool is gone with the plan


def test_fan_out_continues_once_with_every_result_in_order() -> None:
    got: list[list[int]] = []

    def keep(results: list[int]) -> Steps:
        got.append(results)
        return ()

    run_plan(fan_out([lambda i=i: (time.sleep(0.01 * (5 - i)), i)[1] for i in range(5)], keep),
             max_workers=5)
    assert got == [[0, 1, 2, 3, 4]]


def test_the_first_failure_ends_the_plan_without_waiting_for_the_rest() -> None:
    started: list[int] = []

    def slow() -> Steps:
        time.sleep(0.5)
        return ()

    def failing() -> Steps:
        raise RuntimeError("Spotify said no")

    def more() -> Steps:
        started.append(1)
        return ()

    began = time.monotonic()
    with pytest.raises(RuntimeError, match="said no"):
        run_plan([slow, failing, *[more] * 20], max_workers=2)
    assert time.monotonic() - began < 0.45
    assert len(started) < 20  # steps not started yet were dropped


def test_one_worker_runs_the_plan_in_order_on_the_callers_thread() -> None:
    order: list[str] = []

    def step(name: str, *then: str) -> Steps:
        order.append(f"{name}@{threading.current_thread() is threading.main_thread()}")
        return [lambda t=t: step(t) for t in then]

    run_plan([lambda: step("a", "c"), lambda: step("b")], max_workers=1)
    assert order == ["a@True", "b@True", "c@True"]


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
