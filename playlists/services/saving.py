"""Save a preview as a Spotify playlist: exactly once, completely, or not at all.

* **Once.**  A double click, a browser retry or two Lambda containers may save the same preview
  at the same time.  The description carries a short marker derived from the idempotency key
  ("… [ms:1a2b3c4d]").  Under a process-local lock per key we look for that marker in the
  user's playlists before creating (``recent_playlists``, the page read with the preview,
  serves, so this costs no round trip); while the first items go in we look again, and if
  another container created one too, the oldest wins and ours is removed.  A marked playlist
  found short may be one another save is still filling: we wait for it (about one request
  time-out) rather than write items alongside it, and finish it only if it stays short.
* **Never twice.**  The gateway does not repeat a create or an add whose answer was lost (a
  time-out, a connection dropped after sending, a 2xx with an unreadable body): it raises
  ``SpotifyWriteUnconfirmed`` and we find out from Spotify instead.  A lost create is looked for
  by its marker, again and again with short pauses for about one request time-out, since
  Spotify may apply it a moment after we gave up.  A lost add is checked by reading the
  playlist's items back: if they are exactly the ones expected, the save goes on.
* **Completely.**  Items go in with POST /playlists/{id}/items, 100 at a time, in order.  If
  filling fails after the gateway's retries, the half-made playlist is removed (unfollowed)
  before the error is raised.  A marked playlist found incomplete (one an earlier save left, or
  the oldest one kept when saves raced) is finished by replacing its items.
* **Refresh.**  ``replace_playlist_id`` updates a playlist MoodyStream made earlier (name,
  description, items) instead of creating a new one; any other playlist (no MoodyStream marker,
  or not the user's own) is refused with ``RefreshRefused`` and left untouched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import threading
import time
import weakref
from collections.abc import Callable, Sequence

from playlists.music import PlaylistSummary, SavedPlaylist
from playlists.spotify.errors import (
    SpotifyError,
    SpotifyNotFound,
    SpotifyUnavailable,
    SpotifyWriteUnconfirmed,
)
from playlists.spotify.limits import ITEMS_PER_WRITE

from .generation_error import GenerationError
from .lookup_pool import both
from .options import SPOTIFY_MAX_DESCRIPTION
from .ports import PlaylistWriter
from .preview import Preview

logger = logging.getLogger("playlists.services.saving")

MAX_ITEMS = 10_000
MARKER_PAGES = 2  # pages of 50 playlists searched for the marker (new ones come first)
# A write we cannot see yet (a create whose answer was lost, a marked playlist another save is
# still filling) is looked for again for this many request time-outs, with pauses growing from
# LATE_WRITE_FIRST_PAUSE seconds.
LATE_WRITE_PATIENCE = 1.25
LATE_WRITE_FIRST_PAUSE = 0.1
_MARKER = re.compile(r"\s*\[ms:[0-9a-f]{8}\]")

CHOOSE_A_MOODYSTREAM_PLAYLIST = "Choose one of your MoodyStream playlists to refresh."
REFRESH_TARGET_GONE = (
    "The playlist you chose to refresh is no longer on Spotify (it was deleted meanwhile). "
    "Save this one as a new playlist, or choose another to refresh."
)

Progress = Callable[[int, int], None]

# Patched by tests (a virtual clock); looked up at call time.
_sleep: Callable[[float], None] = time.sleep
_clock: Callable[[], float] = time.monotonic


class RefreshRefused(GenerationError):
    """``replace_playlist_id`` is not one of the user's own MoodyStream playlists."""

    def __init__(self, user_message: str = CHOOSE_A_MOODYSTREAM_PLAYLIST) -> None:
        super().__init__(user_message)


class RefreshTargetGone(RefreshRefused):
    """The MoodyStream playlist to refresh was deleted meanwhile (Spotify: unfollowed by its
    owner, so it is no longer in their library, or it is gone altogether)."""

    def __init__(self) -> None:
        super().__init__(REFRESH_TARGET_GONE)


#: How many pages of the user's playlists a refresh looks through for its target (50 each).
MAX_LIBRARY_PAGES = 40


def idempotency_marker(idempotency_key: str) -> str:
    """The mark in the description; with its space it is SAVE_MARKER_LENGTH characters long,
    the room options.MAX_DESCRIPTION leaves in Spotify's 300."""
    return f"[ms:{hashlib.sha256(idempotency_key.encode()).hexdigest()[:8]}]"


def save_key(user_id: str, preview: Preview) -> str:
    """The idempotency key of saving ``preview`` for this user, from the web or the terminal.

    The same user saving the same tracks from the same options and seed gets one playlist.
    """
    return f"{user_id}:{preview.digest}:{preview.options.seed}"


def is_moodystream_playlist(playlist: PlaylistSummary) -> bool:
    return bool(_MARKER.search(playlist.description))


def description_with_marker(description: str, marker: str) -> str:
    text = _MARKER.sub("", description).strip()
    room = SPOTIFY_MAX_DESCRIPTION - len(marker) - 1
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
    preview: Preview,
    *,
    idempotency_key: str,
    replace_playlist_id: str | None = None,
    user_id: str | None = None,
    on_progress: Progress | None = None,
    recent_playlists: Sequence[PlaylistSummary] | None = None,
) -> SavedPlaylist:
    """Create (or refresh) the playlist the preview shows and fill it; see the module docstring.

    The preview holds everything saved: its tracks, name, description and visibility
    (``preview.options.public``). ``idempotency_key`` identifies the user and the preview
    (:func:`save_key`).  ``replace_playlist_id`` needs ``user_id``, the
    Spotify id of the signed-in user: only their own MoodyStream playlists are refreshed, any
    other raises ``RefreshRefused``.  ``on_progress(done, total)`` is called after each write of
    items.  ``recent_playlists``: the user's newest playlists as read with the preview
    (``Generation.playlists``); without them the first look for the marker reads them.
    """
    uris = _uris(preview)
    name, description, public = preview.name, preview.description, preview.options.public
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    if replace_playlist_id and not user_id:
        raise ValueError("refreshing a playlist needs the user's id")
    owner = user_id or ""
    marker = idempotency_marker(idempotency_key)
    full_description = description_with_marker(description, marker)
    key_lock = _lock_for(idempotency_key)
    with key_lock.lock:
        if replace_playlist_id:
            return _refresh(
                gateway, replace_playlist_id, owner, uris, name, full_description, public,
                on_progress,
            )
        existing = find_marked_playlist(gateway, marker, recent=recent_playlists)
        if existing is not None:
            logger.info("playlist for this save exists already (%s)", existing.id)
            return _finish(gateway, _when_filled(gateway, existing, uris), uris, on_progress)
        try:
            created = gateway.create_playlist(name, description=full_description, public=public)
        except SpotifyUnavailable as exc:
            # The create may have happened; never create a second one blindly.
            answer_lost = isinstance(exc, SpotifyWriteUnconfirmed)
            found = _find_after_failed_create(gateway, marker, patient=answer_lost)
            if found is None:
                raise
            logger.info("the create's answer was lost; its playlist %s found by marker", found.id)
            return _finish(gateway, found, uris, on_progress, remove_on_failure=True)
        try:
            # Fill, and meanwhile look whether a concurrent save elsewhere created one too.
            snapshot, winner = both(
                lambda: _add(gateway, created.id, uris, 0),
                lambda: _oldest_marked(gateway, marker, created),
            )
            if winner.id == created.id:
                if on_progress:
                    on_progress(min(len(uris), ITEMS_PER_WRITE), len(uris))
                if len(uris) > ITEMS_PER_WRITE:
                    snapshot = _write(
                        gateway, created.id, uris, replace=False, on_progress=on_progress,
                        offset=ITEMS_PER_WRITE,
                    )
                return dataclasses.replace(created, item_count=len(uris), snapshot_id=snapshot)
        except BaseException:
            _remove_quietly(gateway, created.id)
            raise
        logger.info("another save created %s first; removing %s", winner.id, created.id)
        _remove_quietly(gateway, created.id)
        # Whoever created it is probably filling it now; if it stopped half-way (or a create of
        # ours that Spotify applied late is the older one, still empty), it is finished here.
        return _finish(gateway, _when_filled(gateway, winner, uris), uris, on_progress)


def find_marked_playlist(
    gateway: PlaylistWriter, marker: str, *, recent: Sequence[PlaylistSummary] | None = None
) -> PlaylistSummary | None:
    """The oldest of the user's recent playlists carrying ``marker`` (``recent``: the first
    page, if already read)."""
    found = _marked(gateway, marker, recent=recent)
    return found[-1] if found else None


def _marked(
    gateway: PlaylistWriter, marker: str, *, recent: Sequence[PlaylistSummary] | None = None
) -> list[PlaylistSummary]:
    found: list[PlaylistSummary] = []
    for page in range(MARKER_PAGES):
        playlists = (
            recent if page == 0 and recent is not None
            else gateway.current_user_playlists(limit=50, offset=50 * page)
        )
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


def _find_after_failed_create(
    gateway: PlaylistWriter, marker: str, *, patient: bool
) -> PlaylistSummary | None:
    """Look for the playlist of a create that failed.

    A create that failed with an error status is looked for once.  One whose answer was lost
    (``patient``) may be applied by Spotify a moment after the gateway gave up, so we keep
    looking for about one request time-out: a quarter more, so that a create Spotify applies as
    long after we gave up as we waited for it is still seen.  A look that fails counts as not
    found.
    """
    looks = 0

    def look() -> PlaylistSummary | None:
        nonlocal looks
        looks += 1
        try:
            return find_marked_playlist(gateway, marker)
        except SpotifyUnavailable as exc:
            if not patient:
                raise
            logger.info("looking for a created playlist failed: %s", exc)
            return None

    found = _keep_looking(look, _late_write_window(gateway) if patient else 0.0)
    if found is None and patient:
        logger.warning("no playlist for a create whose answer was lost (%d looks)", looks)
    return found


def _when_filled(
    gateway: PlaylistWriter, playlist: PlaylistSummary, uris: list[str]
) -> PlaylistSummary:
    """``playlist`` (marked for this save) once it holds as many items as ``uris``, or as it
    stands after about one request time-out.

    Another save of the same preview (a second Lambda container) may be filling it right now.
    Writing alongside it would add items twice (Spotify has no conditional add), so we wait for
    it; only a playlist whose writer stopped half-way is still short afterwards, and ``_finish``
    completes that one.  If the other save failed and removed it, so does this one: nothing is
    left, and saving again starts afresh.
    """
    if playlist.item_count == len(uris):
        return playlist
    latest = playlist

    def look() -> PlaylistSummary | None:
        nonlocal latest
        try:
            latest = gateway.get_playlist(playlist.id)
        except SpotifyNotFound as exc:
            raise SpotifyUnavailable(
                f"the save filling {playlist.id} failed and removed it"
            ) from exc
        return latest if latest.item_count == len(uris) else None

    if _keep_looking(look, _late_write_window(gateway)) is None:
        logger.warning("marked playlist %s still holds %d of %d items; finishing it",
                       playlist.id, latest.item_count, len(uris))
    return latest


def _late_write_window(gateway: PlaylistWriter) -> float:
    return LATE_WRITE_PATIENCE * float(gateway.request_timeout)


def _keep_looking[T](look: Callable[[], T | None], window: float) -> T | None:
    """``look()`` until it finds something, with pauses growing from ``LATE_WRITE_FIRST_PAUSE``
    (at most a quarter of ``window``); the last look starts after ``window`` seconds."""
    longest_pause = max(LATE_WRITE_FIRST_PAUSE, window / 4)
    deadline = _clock() + window
    pause = LATE_WRITE_FIRST_PAUSE
    while True:
        started = _clock()
        found = look()
        if found is not None or started >= deadline:
            return found
        _sleep(max(0.0, min(pause, longest_pause, deadline - _clock())))
        pause *= 2


def _finish(
    gateway: PlaylistWriter,
    playlist: PlaylistSummary,
    uris: list[str],
    on_progress: Progress | None,
    *,
    remove_on_failure: bool = False,
) -> PlaylistSummary:
    """Make a marked playlist hold ``uris`` (replacing its items unless the count is right)."""
    if playlist.item_count == len(uris):
        if on_progress:
            on_progress(len(uris), len(uris))
        return playlist
    try:
        snapshot = _write(gateway, playlist.id, uris, replace=True, on_progress=on_progress)
    except BaseException:
        if remove_on_failure:
            _remove_quietly(gateway, playlist.id)
        raise
    return dataclasses.replace(playlist, item_count=len(uris), snapshot_id=snapshot)


def _in_library(gateway: PlaylistWriter, playlist_id: str) -> bool:
    """Whether the user still has ``playlist_id`` among their playlists (paged, bounded)."""
    offset = 0
    for _ in range(MAX_LIBRARY_PAGES):
        page = gateway.current_user_playlists(limit=50, offset=offset)
        if any(p.id == playlist_id for p in page):
            return True
        if len(page) < 50:
            return False
        offset += len(page)
    return True  # a very large library: give the benefit of the doubt


def _refresh(
    gateway: PlaylistWriter,
    playlist_id: str,
    user_id: str,
    uris: list[str],
    name: str,
    description: str,
    public: bool,
    on_progress: Progress | None,
) -> PlaylistSummary:
    try:
        current = gateway.get_playlist(playlist_id)
    except SpotifyNotFound:
        raise RefreshTargetGone() from None
    if not is_moodystream_playlist(current) or current.owner_id != user_id:
        logger.warning("refresh refused: %s is not one of the user's MoodyStream playlists",
                       playlist_id)
        raise RefreshRefused()
    if not _in_library(gateway, playlist_id):
        # Deleting a playlist in Spotify unfollows it: it still answers, but writing to it
        # would fill a playlist the user no longer sees.
        raise RefreshTargetGone()
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
    for at in range(offset, len(uris), ITEMS_PER_WRITE):
        if replace and at == 0:
            snapshot = gateway.replace_items(playlist_id, uris[:ITEMS_PER_WRITE])
        else:
            snapshot = _add(gateway, playlist_id, uris, at)
        if on_progress:
            on_progress(min(at + ITEMS_PER_WRITE, len(uris)), len(uris))
    return snapshot


def _add(gateway: PlaylistWriter, playlist_id: str, uris: list[str], at: int) -> str | None:
    """POST the (up to) 100 items from ``at``, which follow ``at`` items already in place;
    returns the new snapshot id (``None`` if unknown).

    If the answer is lost the POST is not repeated: the items from ``at`` on are read back, and
    if they are exactly this chunk (once, nothing after it) the save goes on; otherwise the
    error stands.
    """
    chunk = uris[at : at + ITEMS_PER_WRITE]
    try:
        return gateway.add_items(playlist_id, chunk)
    except SpotifyUnavailable as exc:
        answer_lost = isinstance(exc, SpotifyWriteUnconfirmed)
        if not answer_lost or not _holds(gateway, playlist_id, at, chunk):
            raise
        logger.info("items %d-%d went into %s although the answer was lost",
                    at + 1, at + len(chunk), playlist_id)
        return None


def _holds(gateway: PlaylistWriter, playlist_id: str, at: int, chunk: list[str]) -> bool:
    try:
        return gateway.playlist_item_uris(playlist_id, offset=at) == chunk
    except SpotifyError as exc:
        logger.warning("could not read the items of %s back: %s", playlist_id, exc)
        return False


def _remove_quietly(gateway: PlaylistWriter, playlist_id: str) -> None:
    try:
        gateway.unfollow_playlist(playlist_id)
    except SpotifyError as exc:
        logger.error("could not remove half-made playlist %s: %s", playlist_id, exc)


def _uris(preview: Preview) -> list[str]:
    if not isinstance(preview, Preview):
        raise TypeError("save_playlist saves a Preview")
    uris = list(preview.track_uris)
    if not uris:
        raise ValueError("nothing to save: the playlist is empty")
    if len(uris) > MAX_ITEMS:
        raise ValueError(f"a playlist holds at most {MAX_ITEMS} items")
    bad = [u for u in uris if not (isinstance(u, str) and u.startswith("spotify:track:"))]
    if bad:
        raise ValueError(f"not track URIs: {bad[:3]}")
    return uris
