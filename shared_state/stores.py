"""The store the settings choose, one per process, made on first use (never at import)."""

from __future__ import annotations

import threading

from .store import SharedState

_lock = threading.Lock()
_store: SharedState | None = None


def shared_state() -> SharedState:
    """``MOODYSTREAM_STATE_BACKEND``: ``dynamodb`` (the table ``MOODYSTREAM_STATE_TABLE``) or
    ``memory`` (this process only)."""
    global _store
    with _lock:
        if _store is None:
            _store = _from_settings()
        return _store


def use(store: SharedState | None) -> None:
    """Replace this process's store (tests); ``None``: the settings' again on next use."""
    global _store
    with _lock:
        _store = store


def _from_settings() -> SharedState:
    from django.conf import settings

    if settings.MOODYSTREAM_STATE_BACKEND == "dynamodb":
        from .dynamodb import DynamoDBState

        return DynamoDBState(
            settings.MOODYSTREAM_STATE_TABLE, region=settings.MOODYSTREAM_STATE_REGION,
            endpoint_url=settings.MOODYSTREAM_STATE_ENDPOINT_URL or None,
            timeout=settings.MOODYSTREAM_STATE_TIMEOUT,
        )
    from .memory import MemoryState

    return MemoryState()
