"""Save a preview as a Spotify playlist: exactly once, completely, or not at all.

* **Once.**  A double click, a browser retry or two Lambda containers may save the same preview
  at the same time.  The description carries a short marker derived from the idempotency key
  ("… [ms:1a2b3c4d]").  Under a process-local lock per key we look for that marker in the
  user's playlists before creating (the page fetched with the preview serves, so this costs no
  round trip); while the first items go in we look again, and if another container created one
  too, the oldest wins and ours is removed.
* **Completely.**  Items go in with POST /playlists/{id}/items, 100 at a time, in order.  If
  filling fails after the gateway's retries, the half-made playlist is removed (unfollowed)
  before the error is raised.  A marked playlist found incomplete is finished by replacing its
  items.
* **Refresh.**  ``replace_playlist_id`` updates a playlist MoodyStream made earlier (name,
  description, items) instead of creating a new one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import threading
import weakref
from collections.abc import Callable, Sequence

from playlists.spotify.errors import SpotifyError, SpotifyUnavailable
from playlists.spotify.models import PlaylistSummary, SavedPlaylist

from .ports import PlaylistWriter
from .preview import Preview

logger = logging.getLogger("playlists.services.saving")

ITEMS_PER_REQUEST = 100
MAX_ITEMS = 10_000
MAX_DESCRIPTION = 300  # Spotify's limit
MARKER_PAGES = 2  # pages of 50 playlists searched for the marker (new ones come first)
_MARKER = re.compile(r"\s*\[ms:[0-9a-f]{8}\]")

Progress = Callable[[int, int], None]


def idempotency_marker(idempotency_key: str) -> str:
    return f"[ms:{hashlib.sha256(idempotency_key.encode()).hexdigest()[:8]}]"


def is_moodystream_playlist(playlist: PlaylistSummary) -> bool:
    return bool(_MARKER.search(playlist.description))


def description_with_marker(description: str, marker: str) -> str:
    text = _MARKER.sub("", description).strip()
    room = MAX_DESCRIPTION - len(marker) - 1
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return f"{text} {marker}".strip()


class _KeyLock:
    __slots__ = ("__weakref__", "lock")

    def __init__(self) -> None:
        self.lock = threading.Lock()


_locks_guard = threading.Lock()
_locks: weakref.WeakValueDictionary[str, _KeyLock] = weakref.WeakValueDictionary()


def _lock_for(key: str) -> _KeyLock:
    with _locks_guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = _KeyLock()
        return lock


def save_playlist(
    gateway: PlaylistWriter,
    preview_or_uris: Preview | Sequence[str],
    *,
    name: str,
    description: str,
    public: bool,
    idempotency_key: str,
    replace_playlist_id: str | None = None,
    on_progress: Progress | None = None,
) -> SavedPlaylist:
    """Create (or refresh) the playlist and fill it; see the module docstring.

    ``idempotency_key`` should identify the user and the preview (for example
    ``f"{user_id}:{preview.digest}:{nonce}"``).  ``on_progress(done, total)`` is called after
    each write of items.
    """
    uris = _uris(preview_or_uris)
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    marker = idempotency_marker(idempotency_key)
    full_description = description_with_marker(description, marker)
    key_lock = _lock_for(idempotency_key)
    with key_lock.lock:
        if replace_playlist_id:
            return _refresh(
                gateway, replace_playlist_id, uris, name, full_description, public, on_progress
            )
        existing = find_marked_playlist(gateway, marker)
        if existing is not None:
            logger.info("playlist for this save exists already (%s)", existing.id)
            return _finish(gateway, existing, uris, on_progress)
        try:
            created = gateway.create_playlist(name, description=full_description, public=public)
        except SpotifyUnavailable:
            # A timed-out create may have happened; never create a second one blindly.
            created = find_marked_playlist(gateway, marker)
            if created is None:
                raise
        try:
            # Fill, and meanwhile look whether a concurrent save elsewhere created one too.
            snapshot, winner = gateway.gather(
                lambda: gateway.add_items(created.id, uris[:ITEMS_PER_REQUEST]),
                lambda: _oldest_marked(gateway, marker, created),
            )
            if winner.id != created.id:
                logger.info("another save created %s first; removing %s", winner.id, created.id)
                _remove_quietly(gateway, created.id)
                return winner
            if on_progress:
                on_progress(min(len(uris), ITEMS_PER_REQUEST), len(uris))
            snapshot = _write(
                gateway, created.id, uris, replace=False, on_progress=on_progress,
                offset=ITEMS_PER_REQUEST,
            ) or snapshot
        except BaseException:
            _remove_quietly(gateway, created.id)
            raise
        return dataclasses.replace(created, item_count=len(uris), snapshot_id=snapshot)


def find_marked_playlist(gateway: PlaylistWriter, marker: str) -> PlaylistSummary | None:
    """The oldest of the user's recent playlists carrying ``marker``."""
    found = _marked(gateway, marker)
    return found[-1] if found else None


def _marked(gateway: PlaylistWriter, marker: str) -> list[PlaylistSummary]:
    found: list[PlaylistSummary] = []
    for page in range(MARKER_PAGES):
        playlists = gateway.current_user_playlists(limit=50, offset=50 * page)
        found.extend(p for p in playlists if marker in p.description)
        if len(playlists) < 50:
            break
    return found  # newest first, as Spotify lists them


def _oldest_marked(
    gateway: PlaylistWriter, marker: str, created: PlaylistSummary
) -> PlaylistSummary:
    """After creating: if a concurrent save made one too, everyone keeps the oldest."""
    found = _marked(gateway, marker)
    return found[-1] if found else created


def _finish(
    gateway: PlaylistWriter,
    playlist: PlaylistSummary,
    uris: list[str],
    on_progress: Progress | None,
) -> PlaylistSummary:
    if playlist.item_count == len(uris):
        if on_progress:
            on_progress(len(uris), len(uris))
        return playlist
    snapshot = _write(gateway, playlist.id, uris, replace=True, on_progress=on_progress)
    return dataclasses.replace(playlist, item_count=len(uris), snapshot_id=snapshot)


def _refresh(
    gateway: PlaylistWriter,
    playlist_id: str,
    uris: list[str],
    name: str,
    description: str,
    public: bool,
    on_progress: Progress | None,
) -> PlaylistSummary:
    current = gateway.get_playlist(playlist_id)
    gateway.change_playlist_details(
        playlist_id, name=name, description=description, public=public
    )
    snapshot = _write(gateway, playlist_id, uris, replace=True, on_progress=on_progress)
    return dataclasses.replace(
        current,
        name=name,
        description=description,
        public=public,
        item_count=len(uris),
        snapshot_id=snapshot,
    )


def _write(
    gateway: PlaylistWriter,
    playlist_id: str,
    uris: list[str],
    *,
    replace: bool,
    on_progress: Progress | None,
    offset: int = 0,
) -> str | None:
    """Items in order from ``offset``, 100 per request; ``replace`` makes the first a PUT."""
    snapshot = None
    for at in range(offset, len(uris), ITEMS_PER_REQUEST):
        chunk = uris[at : at + ITEMS_PER_REQUEST]
        if replace and at == 0:
            snapshot = gateway.replace_items(playlist_id, chunk)
        else:
            snapshot = gateway.add_items(playlist_id, chunk)
        if on_progress:
            on_progress(at + len(chunk), len(uris))
    return snapshot


def _remove_quietly(gateway: PlaylistWriter, playlist_id: str) -> None:
    try:
        gateway.unfollow_playlist(playlist_id)
    except SpotifyError as exc:
        logger.error("could not remove half-made playlist %s: %s", playlist_id, exc)


def _uris(preview_or_uris: Preview | Sequence[str]) -> list[str]:
    if isinstance(preview_or_uris, Preview):
        uris = list(preview_or_uris.track_uris)
    elif isinstance(preview_or_uris, str):
        raise TypeError("pass a Preview or a sequence of URIs, not one string")
    else:
        uris = list(preview_or_uris)
    if not uris:
        raise ValueError("nothing to save: the playlist is empty")
    if len(uris) > MAX_ITEMS:
        raise ValueError(f"a playlist holds at most {MAX_ITEMS} items")
    bad = [u for u in uris if not (isinstance(u, str) and u.startswith("spotify:track:"))]
    if bad:
        raise ValueError(f"not track URIs: {bad[:3]}")
    return uris
