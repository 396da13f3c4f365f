"""Run a generation's Spotify look-ups on one bounded pool, as chains of waves.

A *chain* is a generator that reads as the round trips it makes: each ``yield`` hands over a
*wave* — the look-ups that can run at once (functions of no arguments, each one request or a
short fixed sequence of them) and chains to run beside them — and gets back their results in
the same order once the last of them is done (a chain's result is what it returns).  Chains
compose with ``yield from``.

Only look-ups run on the pool; the caller's thread advances the chains between waves and hands
out the look-ups.  No look-up ever waits for another, so one pool of ``max_workers`` threads
runs everything: never more threads than that, no nesting, no deadlock.  The first failure ends
the run: look-ups not started are dropped and its error is raised (look-ups still running
finish on their own; nothing waits for them).  With ``max_workers=1`` the look-ups run one
after another on the caller's thread.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

type Lookup = Callable[[], Any]
type Wave = Sequence[Lookup | Chain[Any]]
type Chain[R] = Generator[Wave, list[Any], R]


class _Running:
    """A chain waiting for its wave: the results so far, and where its own result goes."""

    def __init__(self, chain: Chain[Any], parent: _Running | None, slot: int) -> None:
        self.chain, self.parent, self.slot = chain, parent, slot
        self.results: list[Any] = []
        self.left = 0


class _Run:
    """One run: the chains in progress and the look-ups handed out, all on the caller's thread."""

    def __init__(self, submit: Callable[[Lookup, _Running, int], None]) -> None:
        self.submit = submit
        self.result: Any = None

    def start(self, chain: Chain[Any], parent: _Running | None = None, slot: int = 0) -> None:
        self.advance(_Running(chain, parent, slot), None)

    def advance(self, running: _Running, sent: list[Any] | None) -> None:
        """Send ``running`` its wave's results and hand out its next wave."""
        while True:
            try:
                wave = next(running.chain) if sent is None else running.chain.send(sent)
            except StopIteration as finished:
                self.done(running.parent, running.slot, finished.value)
                return
            if wave:
                break
            sent = []  # an empty wave has nothing to wait for
        running.results, running.left = [None] * len(wave), len(wave)
        for slot, item in enumerate(wave):
            if isinstance(item, Generator):
                self.start(item, running, slot)
            else:
                self.submit(item, running, slot)

    def done(self, running: _Running | None, slot: int, value: Any) -> None:
        """A look-up's or a chain's result, for the chain waiting for it (``None``: the run)."""
        if running is None:
            self.result = value
            return
        running.results[slot] = value
        running.left -= 1
        if running.left == 0:
            self.advance(running, running.results)


def run[R](chain: Chain[R], max_workers: int, *, name: str = "spotify") -> R:
    """Run ``chain`` and every look-up and chain it leads to; its result."""
    if max_workers <= 1:
        todo: deque[tuple[Lookup, _Running, int]] = deque()
        in_turn = _Run(lambda lookup, running, slot: todo.append((lookup, running, slot)))
        in_turn.start(chain)
        while todo:
            lookup, running, slot = todo.popleft()
            in_turn.done(running, slot, lookup())
        result: R = in_turn.result
        return result
    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name)
    waiting: dict[Future[Any], tuple[_Running, int]] = {}

    def submit(lookup: Lookup, running: _Running, slot: int) -> None:
        waiting[pool.submit(lookup)] = (running, slot)

    at_once = _Run(submit)
    try:
        at_once.start(chain)
        while waiting:
            finished, _ = wait(waiting, return_when=FIRST_COMPLETED)
            for future in finished:
                at_once.done(*waiting.pop(future), future.result())
    finally:
        pool.shutdown(wait=not waiting, cancel_futures=True)
    result = at_once.result
    return result


def both[A, B](first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """``first()`` and ``second()`` at once, on two threads of their own."""

    def pair() -> Chain[tuple[A, B]]:
        a, b = yield [first, second]
        return a, b

    return run(pair(), 2)
