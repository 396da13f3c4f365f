"""A small process-wide TTL cache for PUBLIC catalogue data (releases, albums, searches).

Warm Lambda containers serve many users whose favourite artists overlap; their discographies
do not change by the minute, and the save step regenerates the preview the user just saw, which
then costs only the user's own data.  User data (top items, library, playlists) never goes in
here.
Set ``MOODYSTREAM_CATALOGUE_CACHE=off`` (benchmarks) or pass ``use_catalogue_cache=False`` to
the gateway to bypass it.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class TTLCache:
    def __init__(
        self,
        *,
        ttl_seconds: float = 6 * 3600,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            expires, value = entry
            if expires <= self._clock():
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return value

    def set(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = (self._clock() + self.ttl_seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def cache_enabled_by_default() -> bool:
    return os.environ.get("MOODYSTREAM_CATALOGUE_CACHE", "on").lower() not in {"0", "off", "no"}


CATALOGUE_CACHE = TTLCache()
