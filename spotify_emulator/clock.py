"""An injectable clock so tests can move time forward (token expiry, rate-limit windows)
without sleeping."""

from __future__ import annotations

import threading
import time


class Clock:
    """Wall-clock seconds plus a test-controlled offset."""

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset
        self._lock = threading.Lock()

    def now(self) -> float:
        """Current emulator time as a Unix timestamp."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Jump forward by ``seconds`` and return the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now()

    @property
    def offset(self) -> float:
        return self._offset

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0
