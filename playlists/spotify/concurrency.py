"""Bounded, deadlock-free fan-out for Spotify look-ups, and per-generation memoisation.

Generation fans out per artist, and each artist task fans out again (search pages, release
pages, albums).  A single bounded pool deadlocks when every worker waits on work queued behind
it, so each nesting level gets its own pool: a worker of layer *n* submits to layer *n + 1*,
and the last layer runs its work inline.  Waiting therefore only ever points "down" and always
finishes.

The number of requests in flight is bounded separately, by the transport's semaphore of
``max_workers``.  Threads mostly wait (an artist task waits for its look-ups), so each layer
may have ``THREADS_PER_WORKER`` times as many: ten artists on eight workers then all start at
once instead of two of them waiting for whole artists to finish.  Extra threads cost a little
memory, never extra load on Spotify.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

THREADS_PER_WORKER = 4


class LayeredPool:
    """Runs thunks concurrently: ``THREADS_PER_WORKER × max_workers`` threads per layer."""

    def __init__(self, max_workers: int, *, layers: int = 3, name: str = "spotify") -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self._max_workers = max_workers
        self._layers = layers
        self._name = name
        self._local = threading.local()
        self._pools: list[ThreadPoolExecutor | None] = [None] * layers
        self._lock = threading.Lock()
        self._closed = False

    def _pool(self, layer: int) -> ThreadPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("pool is closed")
            pool = self._pools[layer]
            if pool is None:
                pool = ThreadPoolExecutor(
                    max_workers=self._max_workers * THREADS_PER_WORKER,
                    thread_name_prefix=f"{self._name}-L{layer}",
                    initializer=self._mark_layer,
                    initargs=(layer,),
                )
                self._pools[layer] = pool
            return pool

    def _mark_layer(self, layer: int) -> None:
        self._local.layer = layer

    def gather(self, thunks: Sequence[Callable[[], T]]) -> list[T]:
        """Results in the order given; the first failure cancels what has not started."""
        next_layer = getattr(self._local, "layer", -1) + 1
        if len(thunks) <= 1 or self._max_workers == 1 or next_layer >= self._layers:
            return [thunk() for thunk in thunks]
        pool = self._pool(next_layer)
        futures = [pool.submit(thunk) for thunk in thunks]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in futures if f in done and f.exception() is not None]
        if failed:
            for future in pending:
                future.cancel()
            raise failed[0].exception()  # type: ignore[misc]
        return [f.result() for f in futures]

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        return self.gather([_bind(fn, item) for item in items])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pools, self._pools = self._pools, [None] * self._layers
        for pool in pools:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)


def _bind[T, R](fn: Callable[[T], R], item: T) -> Callable[[], R]:
    return lambda: fn(item)


class Memo:
    """Compute each key once per instance, even when several threads ask at the same time.

    Failures are not remembered: the next caller tries again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[Hashable, Future[Any]] = {}

    def forget(self, match: Callable[[Hashable], bool]) -> None:
        """Drop finished entries whose key matches (data that a write has changed)."""
        with self._lock:
            for key in [k for k, f in self._futures.items() if f.done() and match(k)]:
                del self._futures[key]

    def has(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._futures

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if owner:
                future = self._futures[key] = Future()
        assert future is not None
        if not owner:
            return cast(T, future.result())
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                self._futures.pop(key, None)
            future.set_exception(exc)
            raise
        future.set_result(value)
        return value
