"""Run a plan of Spotify look-ups on one bounded pool: steps that return the steps after them.

A step makes one look-up (or a short fixed sequence of them), keeps what it got, and returns
the steps that depend on it; ``fan_out`` runs several at once and continues when the last one
is done.  No step ever waits for another, so one pool of ``max_workers`` threads runs the whole
plan: never more threads than that, no nesting, no deadlock.  The caller's thread only hands
out steps.  The first failure ends the plan: steps not started are dropped and its error is
raised.  With ``max_workers=1`` the steps run one after another on the caller's thread.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

Steps = Iterable["Step"]
Step = Callable[[], Steps]


def run_plan(steps: Steps, max_workers: int, *, name: str = "spotify") -> None:
    """Run ``steps`` and everything they lead to; returns when all are done."""
    if max_workers <= 1:
        todo = deque(steps)
        while todo:
            todo.extend(todo.popleft()())
        return
    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name)
    running: set[Future[Steps]] = set()
    try:
        running = {pool.submit(_listed, step) for step in steps}
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                running.update(pool.submit(_listed, step) for step in future.result())
    finally:
        # On failure the look-ups still running finish on their own; nothing waits for them.
        pool.shutdown(wait=not running, cancel_futures=True)


def _listed(step: Step) -> Steps:
    return list(step())


def join(branches: int, then: Callable[[], Steps]) -> Callable[[], Steps]:
    """What each of ``branches`` parallel branches calls when it is done: the last call
    continues with ``then()``, the others with nothing."""
    left = branches
    lock = threading.Lock()

    def branch_done() -> Steps:
        nonlocal left
        with lock:
            left -= 1
            last = left == 0
        return then() if last else ()

    return branch_done


def fan_out[T](
    thunks: Sequence[Callable[[], T]], then: Callable[[list[T]], Steps] = lambda _: ()
) -> list[Step]:
    """Steps running ``thunks`` at once; the last to finish continues with ``then(results)``
    (results in the order of ``thunks``)."""
    results: list[Any] = [None] * len(thunks)
    if not thunks:
        return [lambda: then(results)]
    branch_done = join(len(thunks), lambda: then(results))

    def step(index: int) -> Step:
        def run() -> Steps:
            results[index] = thunks[index]()
            return branch_done()

        return run

    return [step(i) for i in range(len(thunks))]


def both[A, B](first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """``first()`` and ``second()`` at once, on two threads of their own."""
    results: list[Any] = [None, None]

    def keep(index: int, thunk: Callable[[], object]) -> Step:
        def run() -> Steps:
            results[index] = thunk()
            return ()

        return run

    run_plan([keep(0, first), keep(1, second)], 2)
    return results[0], results[1]
