"""A process-wide TTL cache for PUBLIC catalogue data (releases, albums, searches).

Warm Lambda containers serve many users whose favourite artists overlap, and the save step
regenerates the preview the user just saw, which then costs only the user's own data.  User
data never goes in here.  ``MOODYSTREAM_CATALOGUE_CACHE=off`` (benchmarks, fault suite) or the
gateway's ``use_catalogue_cache=False`` bypass it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Hashable
from typing import Any

import cachetools


class TTLCache:
    """``cachetools.TTLCache`` under a lock (it is not thread-safe on its own)."""

    def __init__(self, *, ttl_seconds: float = 6 * 3600, max_entries: int = 4096) -> None:
        self._entries: cachetools.TTLCache[Hashable, Any] = cachetools.TTLCache(
            maxsize=max_entries, ttl=ttl_seconds)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            return self._entries.get(key)

    def set(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value


def cache_enabled_by_default() -> bool:
    return os.environ.get("MOODYSTREAM_CATALOGUE_CACHE", "on").lower() not in {"0", "off", "no"}


CATALOGUE_CACHE = TTLCache()
