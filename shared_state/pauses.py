"""Spotify's "wait until …" for one Spotify app, shared by every container.

When Spotify answers 429 with a Retry-After longer than a request can wait (a rolling-window
limit, an endpoint locked for a day, ``QUOTA_EXCEEDED``), the container that saw it notes the
pause here; every container's gateway for that app reads the app's pauses once, when it is made,
and does not call a paused endpoint (or, for "*", anything) until the pause ends. Endpoints are
named as the gateway names its calls ("GET /artists/{id}/albums"); the app's key is hashed by
the store.
"""

from __future__ import annotations

import logging
import threading

from .store import SharedState, SharedStateUnavailable

logger = logging.getLogger("shared_state.pauses")

WHOLE_APP = "*"
QUOTA = "quota"


class AppPauses:
    """The pauses of one app (``group``), read once, kept up to date with what we note."""

    def __init__(self, state: SharedState, group: str) -> None:
        self._state, self._group, self._clock = state, group, state.clock
        self._lock = threading.Lock()
        self._known: dict[str, float] | None = None

    def _pauses(self) -> dict[str, float]:
        with self._lock:
            if self._known is None:
                try:
                    self._known = self._state.pauses(self._group)
                except SharedStateUnavailable as exc:
                    logger.warning("Spotify's pauses not read: %s", exc)
                    self._known = {}
            return self._known

    def remaining(self, op: str) -> tuple[float, bool]:
        """Seconds ``op`` must still wait (0 if none), and whether it is the app's quota."""
        pauses, now = self._pauses(), self._clock()
        quota = pauses.get(QUOTA, 0.0) - now
        left = max(pauses.get(op, 0.0), pauses.get(WHOLE_APP, 0.0)) - now
        if quota > 0 and quota >= left:
            return quota, True
        return max(0.0, left), False

    def note(self, op: str, seconds: float, *, quota_exceeded: bool) -> None:
        """Spotify asked ``op`` (the whole app, with ``quota_exceeded``) to wait ``seconds``."""
        name = QUOTA if quota_exceeded else op
        until = self._clock() + seconds
        pauses = self._pauses()
        with self._lock:
            pauses[name] = max(pauses.get(name, 0.0), until)
        try:
            self._state.pause_until(self._group, name, until)
        except SharedStateUnavailable as exc:
            logger.warning("Spotify's pause not shared: %s", exc)

    def paused_endpoints(self) -> dict[str, float]:
        """Every pause still running: name -> seconds left."""
        now = self._clock()
        return {name: until - now for name, until in self._pauses().items() if until > now}
