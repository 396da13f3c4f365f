"""Replacing an earlier MoodyStream playlist: which ones can be chosen, and what each is.

Replace is its own action beside Save, so nothing here is on the preview's path: the listener's
earlier MoodyStream playlists are read only when they open Replace (one page of their playlists,
then one small request per playlist, all at once on the lookup pool, at most ``MAX_CHOICES``).

Spotify tells no playlist's creation date.  What it does tell is when each item was added
(``added_at``); a save or a replace adds every item at once, so the first item's date is when
the playlist was last filled: that is the date shown, and it is labelled so ("last filled").
Two playlists with the same name are then told apart by that date and time, their track count
and the song they start with (read in the same request).  The rules for what a replace
changes (:func:`saving.details_after_replace`) and which playlists may be replaced
(:func:`saving.is_moodystream_playlist`, the user's own) are saving's; the choices and the
confirmation show them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import partial

from playlists.music import PlaylistOpening, PlaylistSummary
from playlists.spotify.errors import (
    SpotifyBadRequest,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyUnavailable,
)
from playlists.spotify.limits import PAGE_LIMIT

from .lookup_pool import Chain, run
from .ports import EarlierPlaylistReader
from .saving import RefreshRefused, RefreshTargetGone, is_moodystream_playlist

#: How many earlier playlists are offered (the newest): one small request each, all at once.
MAX_CHOICES = 10


@dataclass(frozen=True, slots=True)
class EarlierPlaylist:
    """A playlist the listener may replace, and its first item (``None``: empty, or unknown):
    when it was last filled and the song it starts with."""

    playlist: PlaylistSummary
    opening: PlaylistOpening | None

    @property
    def filled_at(self) -> dt.datetime | None:
        return self.opening.added_at if self.opening else None


def replace_choices(
    gateway: EarlierPlaylistReader, *, user_id: str, recently_saved: Collection[str] = ()
) -> list[EarlierPlaylist]:
    """The user's newest MoodyStream playlists (their own, at most ``MAX_CHOICES``), newest
    first, each with its last-filled date."""
    listed = gateway.current_user_playlists(limit=PAGE_LIMIT)
    ours = [p for p in listed
            if p.owner_id == user_id and is_moodystream_playlist(p, recently_saved=recently_saved)]
    ours = ours[:MAX_CHOICES]
    openings = run(_openings(gateway, [p.id for p in ours]), gateway.max_workers,
                   name="replace-choices")
    return [EarlierPlaylist(p, opening) for p, opening in zip(ours, openings, strict=True)]


def replace_target(
    gateway: EarlierPlaylistReader, playlist_id: str, *, user_id: str,
    recently_saved: Collection[str] = (),
) -> EarlierPlaylist:
    """The playlist the listener chose to replace, as the confirmation names it; refuses
    (``RefreshRefused``, ``RefreshTargetGone``) one that is not theirs to replace, as the
    replace itself would."""
    def details() -> PlaylistSummary | None:
        try:
            return gateway.get_playlist(playlist_id)
        except SpotifyNotFound:
            return None

    def target() -> Chain[tuple[PlaylistSummary | None, PlaylistOpening | None]]:
        playlist, openings = yield [details, _openings(gateway, [playlist_id])]
        return playlist, openings[0]

    playlist, opening = run(target(), gateway.max_workers, name="replace-target")
    if playlist is None:
        raise RefreshTargetGone()
    if playlist.owner_id != user_id or not is_moodystream_playlist(
        playlist, recently_saved=recently_saved
    ):
        raise RefreshRefused()
    return EarlierPlaylist(playlist, opening)


def _openings(
    gateway: EarlierPlaylistReader, playlist_ids: Sequence[str]
) -> Chain[list[PlaylistOpening | None]]:
    openings = yield [partial(_opening, gateway, pid) for pid in playlist_ids]
    return list(openings)


def _opening(gateway: EarlierPlaylistReader, playlist_id: str) -> PlaylistOpening | None:
    """The first item is a help to tell playlists apart: a playlist whose first item cannot
    be read is still offered, without it."""
    try:
        return gateway.playlist_opening(playlist_id)
    except (SpotifyNotFound, SpotifyForbidden, SpotifyBadRequest, SpotifyUnavailable):
        return None
