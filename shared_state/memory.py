"""The in-process store: ``make run``, the test suite, one process only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from .store import Record, SharedState, Value, stored_key


class MemoryState(SharedState):
    """Entries in a dict under one lock; expired ones are dropped as they are met."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[Record, float]] = {}

    def _live(self, key: str) -> Record | None:
        found = self._entries.get(key)
        if found is None:
            return None
        if found[1] <= self.clock():
            del self._entries[key]
            return None
        return found[0]

    def claim(self, key: str, value: Mapping[str, Value], ttl: int) -> bool:
        with self._lock:
            if self._live(stored_key(key)) is not None:
                return False
            self._entries[stored_key(key)] = (dict(value), self.expiry(ttl))
            return True

    def read(self, key: str) -> Record | None:
        with self._lock:
            found = self._live(stored_key(key))
            return dict(found) if found is not None else None

    def replace(self, key: str, value: Mapping[str, Value], ttl: int, *,
                expect: Mapping[str, Value]) -> bool:
        with self._lock:
            found = self._live(stored_key(key))
            if found is None or any(found.get(k) != v for k, v in expect.items()):
                return False
            self._entries[stored_key(key)] = (dict(value), self.expiry(ttl))
            return True

    def release(self, key: str, *, expect: Mapping[str, Value]) -> bool:
        with self._lock:
            found = self._live(stored_key(key))
            if found is None or any(found.get(k) != v for k, v in expect.items()):
                return False
            del self._entries[stored_key(key)]
            return True

    def _count(self, key: str) -> int:
        with self._lock:
            found = self._live(stored_key(key))
            return int(found["n"]) if found else 0

    def _add_if_at_most(self, key: str, cost: int, room: int, expires: int) -> tuple[bool, int]:
        with self._lock:
            found = self._live(stored_key(key))
            count = int(found["n"]) if found else 0
            if count > room:
                return False, count
            self._entries[stored_key(key)] = ({"n": count + cost}, expires)
            return True, count + cost

    def pause_until(self, group: str, name: str, until: float) -> None:
        key = stored_key(f"{group}#{name}")
        with self._lock:
            found = self._live(key)
            if found is None or float(found["until"]) < until:
                self._entries[key] = ({"group": stored_key(group), "name": name,
                                       "until": int(until + 0.999)}, until)

    def pauses(self, group: str) -> dict[str, float]:
        hashed = stored_key(group)
        with self._lock:
            now = self.clock()
            return {
                str(record["name"]): float(record["until"])
                for record, expires in list(self._entries.values())
                if record.get("group") == hashed and expires > now
            }
