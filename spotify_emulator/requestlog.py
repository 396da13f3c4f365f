"""A bounded log of handled requests so tests can assert what the app asked Spotify."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass


@dataclass
class RequestRecord:
    method: str
    path: str  # below the mount, e.g. "/v1/me/top/artists"
    query: str
    status: int
    duration_ms: float
    client_id: str | None
    user_id: str | None
    fault: str | None = None  # the injected fault kind, if any
    started: float = 0.0  # time.perf_counter() when it arrived: lets tests see overlap

    def to_dict(self) -> dict:
        return asdict(self)


class RequestLog:
    def __init__(self, maxlen: int = 10_000) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def entries(self, path_prefix: str | None = None) -> list[RequestRecord]:
        with self._lock:
            records = list(self._records)
        if path_prefix:
            records = [r for r in records if r.path.startswith(path_prefix)]
        return records

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def peak_in_flight(self) -> int:
        """The most requests that were being handled at the same moment."""
        edges = sorted(
            edge for r in self.entries()
            for edge in ((r.started, 1), (r.started + r.duration_ms / 1000, -1))
        )
        peak = current = 0
        for _, step in edges:
            current += step
            peak = max(peak, current)
        return peak

    def __len__(self) -> int:
        return len(self._records)
