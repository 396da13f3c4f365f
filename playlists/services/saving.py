"""Save a preview as a Spotify playlist: exactly once, completely, or not at all.

* **Once.**  A double click, a browser retry or two Lambda containers may save the same preview
  at the same time.  Before the first write to Spotify the save takes an idempotency record
  (the user, the preview's digest and seed: :func:`save_key`) with a conditional write to the
  shared store (``shared_state``: DynamoDB in production).  Exactly one save wins it and talks
  to Spotify; every other waits for the record to say "done" and returns that playlist.  The
  record notes the playlist as soon as it is created, so a save whose container died half-way
  is taken over after ``STALE_AFTER_SECONDS``: its playlist is finished, not made again.  Nothing
  shows in the playlist: the listener's description is saved as written (all 300 characters).
* **Never twice.**  The gateway does not repeat a create or an add whose answer was lost (a
  time-out, a connection dropped after sending, a 2xx with an unreadable body): it raises
  ``SpotifyWriteUnconfirmed`` and we find out from Spotify instead.  A lost create is looked
  for, again and again with short pauses for about one request time-out (Spotify may apply it a
  moment after we gave up), as a playlist that was not among the user's newest before the
  create and has exactly this name and description.  A lost add is checked by reading the
  playlist's items back: if they are exactly the ones expected, the save goes on.
* **Completely.**  Items go in with POST /playlists/{id}/items, 100 at a time, in order.  If
  filling fails after the gateway's retries, the half-made playlist is removed (unfollowed)
  and the record released before the error is raised: saving again starts afresh.
* **Replace.**  ``replace_playlist_id`` replaces the items of one of the user's MoodyStream
  playlists instead of creating a new one; any other playlist is refused with
  ``RefreshRefused`` and left untouched.  :func:`is_moodystream_playlist` says which are ours.
  The playlist keeps its name and its description unless the listener typed new ones
  (:func:`details_after_replace`): an empty field means "make one up" for a new playlist, and
  "leave it" for one the listener already has (perhaps renamed "Friday mix" in Spotify).  Its
  visibility becomes the preview's, which the preview and the confirmation show.  The old items
  are read first; if writing the new ones (or the details) fails, the old ones are put back, so
  a failed replace leaves the playlist as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable, Collection, Sequence

from playlists.music import PlaylistSummary, SavedPlaylist
from playlists.spotify.errors import (
    SpotifyError,
    SpotifyNotFound,
    SpotifyUnavailable,
    SpotifyWriteUnconfirmed,
)
from playlists.spotify.limits import ITEMS_PER_WRITE
from shared_state.store import SharedState, SharedStateUnavailable

from .generation_error import GenerationError
from .options import GenerationOptions
from .ports import PlaylistWriter
from .preview import Preview

logger = logging.getLogger("playlists.services.saving")

MAX_ITEMS = 10_000
# A write we cannot see yet (a create whose answer was lost, a playlist a save that stopped
# left short) is looked for again for this many request time-outs, with pauses growing from
# LATE_WRITE_FIRST_PAUSE seconds.
LATE_WRITE_PATIENCE = 1.25
LATE_WRITE_FIRST_PAUSE = 0.1
#: A save still "saving" after this long stopped (its container died): it is taken over.
#: Longer than a Lambda request may run (28 s), so a save that is still running is never.
STALE_AFTER_SECONDS = 60
#: How long a save waits for another save of the same preview before saying so.
WAIT_FOR_OTHER_SECONDS = 25.0
#: How long a finished save's record answers a repeat (and vouches for the playlist as ours).
DONE_TTL_SECONDS = 24 * 3600
#: What MoodyStream's own names and descriptions carry (services/options.py makes them).
OUR_NAME_PREFIX = "MoodyStream"
OUR_DESCRIPTION_LINE = "Made with MoodyStream."

CHOOSE_A_MOODYSTREAM_PLAYLIST = (
    "Only a playlist MoodyStream made for you can be replaced: choose one of yours from the list."
)
REFRESH_TARGET_GONE = (
    "The playlist you chose to replace is no longer on Spotify (it was deleted meanwhile). "
    "Save this one as a new playlist, or choose another to replace."
)
STILL_SAVING = (
    "This playlist is still being saved (from another tab or a moment ago). Wait a few seconds "
    "and save again: you will get that playlist, not a second one."
)
OTHER_SAVE_FAILED = (
    "Saving this playlist from another tab just failed, and nothing was left half-made. "
    "Save again to try once more."
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


class SaveElsewhere(GenerationError):
    """Another save of the same preview is still running, or just failed."""


#: How many pages of the user's playlists a refresh looks through for its target (50 each).
MAX_LIBRARY_PAGES = 40


def save_key(user_id: str, digest: str, options: GenerationOptions) -> str:
    """The idempotency key of saving the preview with ``digest`` (its tracks) made from
    ``options`` (seed, name, description, visibility...) for this user, web or terminal: known
    before the preview is made again, so a repeat needs no new generation.  The store keeps
    only a hash of it."""
    chosen = json.dumps(options.to_dict(), sort_keys=True, separators=(",", ":"))
    return f"{user_id}:{digest}:{hashlib.sha256(chosen.encode()).hexdigest()[:32]}"


def earlier_save(state: SharedState, idempotency_key: str) -> str | None:
    """The playlist an earlier save with this key made, waiting for one still under way
    (``SaveElsewhere`` if it stays so or fails); ``None`` when there is none to wait for."""
    record = _Record(state, f"save:{idempotency_key}")
    if state.read(record.key) is None:
        return None
    found = record.wait_for_other(take_over=False)
    return found if isinstance(found, str) else None


def is_moodystream_playlist(
    playlist: PlaylistSummary, *, recently_saved: Collection[str] = ()
) -> bool:
    """Whether MoodyStream made ``playlist``: the one rule for "ours".

    No code is hidden in a playlist, so "ours" is what the listener can see too: the name
    MoodyStream gives ("MoodyStream · …") or the line its descriptions end with ("Made with
    MoodyStream."); or, whatever the listener named it, a playlist saved within the last day
    (``recently_saved``: ids from the save records, :func:`recently_saved_ids`).
    """
    return (
        playlist.id in recently_saved
        or playlist.name.startswith(OUR_NAME_PREFIX)
        or OUR_DESCRIPTION_LINE in playlist.description
    )


def details_after_replace(
    current: PlaylistSummary, options: GenerationOptions
) -> tuple[str, str]:
    """The name and description ``current`` has once a preview made with ``options`` replaces
    its items: what the listener typed, else what it has now, never the made-up ones."""
    return options.name or current.name, options.description or current.description


def recently_saved_ids(state: SharedState, user_id: str) -> set[str]:
    """Ids of the playlists this user saved through MoodyStream within the last day."""
    found = state.read(f"saved-by:{user_id}")
    return set(str(found.get("ids", "")).split()) if found else set()


def _note_saved(state: SharedState, user_id: str, playlist_id: str) -> None:
    """Add ``playlist_id`` to the user's recent saves (last 20; best effort)."""
    key = f"saved-by:{user_id}"
    for _ in range(3):
        found = state.read(key)
        ids = str(found.get("ids", "")).split() if found else []
        value = {"ids": " ".join([playlist_id, *[i for i in ids if i != playlist_id]][:20]),
                 "v": secrets.token_hex(4)}
        if found is None and state.claim(key, value, DONE_TTL_SECONDS):
            return
        if found is not None and state.replace(key, value, DONE_TTL_SECONDS,
                                               expect={"v": found.get("v", "")}):
            return


def save_playlist(
    gateway: PlaylistWriter,
    preview: Preview,
    *,
    idempotency_key: str,
    state: SharedState,
    replace_playlist_id: str | None = None,
    user_id: str | None = None,
    on_progress: Progress | None = None,
    recent_playlists: Sequence[PlaylistSummary] | None = None,
    before_writing: Callable[[], None] | None = None,
) -> SavedPlaylist:
    """Create (or refresh) the playlist the preview shows and fill it; see the module docstring.

    The preview holds everything saved: its tracks, name, description and visibility
    (``preview.options.public``). ``idempotency_key`` identifies the user and the preview
    (:func:`save_key`); ``state`` is the shared store holding its record.
    ``replace_playlist_id`` needs ``user_id``, the Spotify id of the signed-in user: only their
    own MoodyStream playlists are refreshed, any other raises ``RefreshRefused``.
    ``on_progress(done, total)`` is called after each write of items.  ``recent_playlists``: the
    user's newest playlists as read with the preview (``Generation.playlists``).
    ``before_writing()`` runs once this save holds the record, before its first write to
    Spotify (a save that returns another's playlist never runs it); what it raises ends the
    save, releasing the record.
    """
    uris = _uris(preview)
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    if replace_playlist_id and not user_id:
        raise ValueError("refreshing a playlist needs the user's id")
    key = f"save:{idempotency_key}" + (f":refresh:{replace_playlist_id}"
                                       if replace_playlist_id else "")
    record = _Record(state, key)
    while True:
        if record.take():
            break
        found = record.wait_for_other()
        if isinstance(found, str):
            try:
                playlist = gateway.get_playlist(found)
            except SpotifyNotFound:  # deleted since: this save makes a new one
                state.release(key, expect={"state": "done", "playlist": found})
                continue
            logger.info("this save was made by another request (%s)", found)
            if on_progress:
                on_progress(len(uris), len(uris))
            return playlist
        if record.took_over:
            break  # from a save that stopped: go on below (else the record is free: take it)
    try:
        if before_writing is not None:
            before_writing()  # e.g. the listener's save budget: only a save that writes counts
        if replace_playlist_id:
            saved = _refresh(gateway, replace_playlist_id, user_id or "", uris, preview,
                             on_progress, recently_saved=recently_saved_ids(state, user_id or ""))
        else:
            saved = _create_and_fill(gateway, preview, uris, record, on_progress,
                                     recent_playlists)
    except BaseException:
        record.release()
        raise
    record.done(saved.id)
    if user_id:
        try:
            _note_saved(state, user_id, saved.id)
        except SharedStateUnavailable as exc:
            logger.warning("recent saves not updated: %s", exc)
    return saved


class _Record:
    """This save's idempotency record in the shared store (see the module docstring)."""

    def __init__(self, state: SharedState, key: str) -> None:
        self.state, self.key = state, key
        self.token = secrets.token_hex(8)
        self.took_over = False  # from a save that stopped
        self.playlist_id: str | None = None  # the playlist that save had created, if any

    def _saving(self, playlist_id: str = "") -> dict[str, str | int]:
        return {"state": "saving", "by": self.token, "at": int(self.state.clock()),
                "playlist": playlist_id}

    def take(self) -> bool:
        return self.state.claim(self.key, self._saving(), STALE_AFTER_SECONDS * 10)

    # Once this save holds the record, the store not answering must not undo a Spotify write:
    # these three are best effort (a record left "saving" is taken over when stale).
    def created(self, playlist_id: str) -> None:
        self._quietly(lambda: self.state.replace(
            self.key, self._saving(playlist_id), STALE_AFTER_SECONDS * 10,
            expect={"by": self.token}))

    def done(self, playlist_id: str) -> None:
        self._quietly(lambda: self.state.replace(
            self.key, {"state": "done", "playlist": playlist_id}, DONE_TTL_SECONDS,
            expect={"by": self.token}))

    def release(self) -> None:
        self._quietly(lambda: self.state.release(self.key, expect={"by": self.token}))

    @staticmethod
    def _quietly(write: Callable[[], bool]) -> None:
        try:
            write()
        except SharedStateUnavailable as exc:
            logger.warning("save record not updated: %s", exc)

    def wait_for_other(self, *, take_over: bool = True) -> str | None:
        """The playlist id once the other save is done; ``None`` if this save took over a
        stopped one (or, without ``take_over``, found it stopped; or the record is free again
        to take). Raises ``SaveElsewhere`` when the other failed, or is still running after
        ``WAIT_FOR_OTHER_SECONDS``."""
        deadline = _clock() + WAIT_FOR_OTHER_SECONDS
        pause = 0.05
        seen_saving = False
        while True:
            found = self.state.read(self.key)
            if found is None:
                if seen_saving:
                    raise SaveElsewhere(OTHER_SAVE_FAILED)
                return None  # gone before we looked: take it
            if found.get("state") == "done":
                return str(found["playlist"])
            seen_saving = True
            stale = self.state.clock() - int(found.get("at", 0)) > STALE_AFTER_SECONDS
            if stale and not take_over:
                return None
            if stale and self.state.replace(
                self.key, self._saving(str(found.get("playlist", ""))),
                STALE_AFTER_SECONDS * 10, expect={"by": found["by"]},
            ):
                self.took_over = True
                self.playlist_id = str(found.get("playlist", "")) or None
                logger.warning("took over a save that stopped (playlist %s)", self.playlist_id)
                return None
            if _clock() >= deadline:
                raise SaveElsewhere(STILL_SAVING)
            _sleep(pause)
            pause = min(pause * 2, 1.0)


def _create_and_fill(
    gateway: PlaylistWriter, preview: Preview, uris: list[str], record: _Record,
    on_progress: Progress | None, recent: Sequence[PlaylistSummary] | None,
) -> PlaylistSummary:
    name, description, public = preview.name, preview.description, preview.options.public
    if record.playlist_id:  # a save that stopped half-way made it: finish that one
        try:
            stopped = gateway.get_playlist(record.playlist_id)
        except SpotifyNotFound:
            stopped = None
        if stopped is not None:
            record.created(stopped.id)
            return _finish(gateway, stopped, uris, on_progress, remove_on_failure=True)
    before = {p.id for p in (recent if recent is not None
                             else gateway.current_user_playlists(limit=50))}
    try:
        created = gateway.create_playlist(name, description=description, public=public)
    except SpotifyUnavailable as exc:
        # The create may have happened; never create a second one blindly.
        answer_lost = isinstance(exc, SpotifyWriteUnconfirmed)
        found = _find_after_failed_create(gateway, before, name, description,
                                          patient=answer_lost)
        if found is None:
            raise
        logger.info("the create's answer was lost; its playlist %s was found", found.id)
        record.created(found.id)
        return _finish(gateway, found, uris, on_progress, remove_on_failure=True)
    record.created(created.id)
    try:
        snapshot = _write(gateway, created.id, uris, replace=False, on_progress=on_progress)
    except BaseException:
        _remove_quietly(gateway, created.id)
        raise
    return dataclasses.replace(created, item_count=len(uris), snapshot_id=snapshot)


def _new_playlist_like(
    gateway: PlaylistWriter, before: Collection[str], name: str, description: str
) -> PlaylistSummary | None:
    """The oldest of the user's newest playlists that was not there before the create and has
    exactly this name and description."""
    found = [p for p in gateway.current_user_playlists(limit=50)
             if p.id not in before and p.name == name and p.description == description]
    return found[-1] if found else None


def _find_after_failed_create(
    gateway: PlaylistWriter, before: Collection[str], name: str, description: str, *,
    patient: bool,
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
            return _new_playlist_like(gateway, before, name, description)
        except SpotifyUnavailable as exc:
            if not patient:
                raise
            logger.info("looking for a created playlist failed: %s", exc)
            return None

    found = _keep_looking(look, _late_write_window(gateway) if patient else 0.0)
    if found is None and patient:
        logger.warning("no playlist for a create whose answer was lost (%d looks)", looks)
    return found


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
    """Make this save's playlist hold ``uris`` (replacing its items unless the count is
    right)."""
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
    preview: Preview,
    on_progress: Progress | None,
    *,
    recently_saved: Collection[str],
) -> PlaylistSummary:
    try:
        current = gateway.get_playlist(playlist_id)
    except SpotifyNotFound:
        raise RefreshTargetGone() from None
    name, description = details_after_replace(current, preview.options)
    public = preview.options.public
    ours = is_moodystream_playlist(current, recently_saved=recently_saved)
    if not ours or current.owner_id != user_id:
        logger.warning("refresh refused: %s is not one of the user's MoodyStream playlists",
                       playlist_id)
        raise RefreshRefused()
    if not _in_library(gateway, playlist_id):
        # Deleting a playlist in Spotify unfollows it: it still answers, but writing to it
        # would fill a playlist the user no longer sees.
        raise RefreshTargetGone()
    before = [u for u in gateway.playlist_item_uris(playlist_id) if u]
    try:
        snapshot = _write(gateway, playlist_id, uris, replace=True, on_progress=on_progress)
        if (name, description, public) != (current.name, current.description, current.public):
            gateway.change_playlist_details(
                playlist_id, name=name, description=description, public=public
            )
    except BaseException:
        _put_back(gateway, playlist_id, before)
        raise
    return dataclasses.replace(
        current,
        name=name,
        description=description,
        public=public,
        item_count=len(uris),
        snapshot_id=snapshot,
    )


def _put_back(gateway: PlaylistWriter, playlist_id: str, uris: list[str]) -> None:
    """A replace failed half-way: the playlist's old items go back (best effort; the error of
    the replace is what the listener hears)."""
    try:
        if uris:
            _write(gateway, playlist_id, uris, replace=True, on_progress=None)
        else:
            gateway.replace_items(playlist_id, [])
    except SpotifyError as exc:
        logger.error("could not put the old items of %s back: %s", playlist_id, exc)


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
