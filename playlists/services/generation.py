"""Generate a preview: choose artists, fetch what ranking needs, rank, filter, mix.

Pure orchestration over a ``ports.CatalogueSource``: the user's artists, top tracks, playlists
and (if asked) saved tracks in one concurrent round, then every artist's catalogue at once
(``fetching``), then ranking and mixing in memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Sequence
from typing import cast

from playlists.spotify.errors import SpotifyForbidden, SpotifyNotFound
from playlists.spotify.models import Artist, Track

from .catalogue_plan import ArtistNeed
from .fetching import fetch_materials
from .filters import SavedLibrary, TrackFilter
from .generation_error import GenerationError
from .mixing import deep_cut_target, mix, shares
from .options import GenerationOptions, default_description, default_playlist_name
from .ports import CatalogueSource
from .preview import Preview
from .ranking import rank_artist

USER_TOP_TRACKS = 50
MAX_SAVED_TRACKS = 2500
_SPOTIFY_ID = re.compile(
    r"^(?:spotify:artist:|https://open\.spotify\.com/artist/)?([0-9A-Za-z]{22})(?:\?\S*)?$"
)


def generate_preview(
    gateway: CatalogueSource,
    options: GenerationOptions,
    *,
    removed_track_ids: frozenset[str] = frozenset(),
    today: dt.date | None = None,
) -> Preview:
    """The playlist for ``options`` (same options and seed → same preview).

    ``removed_track_ids``: songs the user took out of the preview; each is replaced by the
    next candidate of the same artist and role.
    """
    notes: list[str] = []
    chosen, top, library, _ = gateway.gather(
        lambda: _choose_artists(gateway, options, notes),
        lambda: _user_top_tracks(gateway, options),
        lambda: _saved_tracks(gateway) if options.exclude_saved else [],
        lambda: _warm_playlists(gateway),
    )
    # gather hands back the thunks' results in order; their types are the thunks'.
    artists = cast(list[Artist], chosen)
    user_top = cast(Sequence[Track], top)
    saved = cast(Sequence[Track], library)
    materials = fetch_materials(gateway, artists, _needs(len(artists), options), options)
    rankings = [rank_artist(m, user_top) for m in materials]
    track_filter = TrackFilter(
        exclude_versions=options.exclude_versions,
        allow_explicit=options.allow_explicit,
        saved=SavedLibrary.from_tracks(saved) if options.exclude_saved else None,
        removed_track_ids=frozenset(removed_track_ids),
    )
    result = mix(
        rankings,
        track_count=options.track_count,
        deep_cut_percent=options.deep_cut_percent,
        seed=options.seed,
        track_filter=track_filter,
    )
    names = [a.name for a in artists]
    return Preview(
        entries=result.entries,
        artists=tuple(artists),
        notes=tuple(notes) + result.notes,
        options=options,
        name=options.name or default_playlist_name(names, today or dt.date.today()),
        description=options.description
        or default_description(names, options.deep_cut_percent),
    )


def _needs(artist_count: int, options: GenerationOptions) -> list[ArtistNeed]:
    slots = shares(options.track_count, [1] * artist_count)
    deep = shares(deep_cut_target(options.track_count, options.deep_cut_percent), slots)
    return [ArtistNeed(top=s - d, deep=d) for s, d in zip(slots, deep, strict=True)]


# -- artists ----------------------------------------------------------------------------------
def _choose_artists(
    gateway: CatalogueSource, options: GenerationOptions, notes: list[str]
) -> list[Artist]:
    if options.artist_source == "top":
        artists = list(gateway.top_artists(options.time_range, options.artist_count))
        if not artists:
            raise GenerationError(
                "Spotify has no top artists for you in this period yet. Try a longer period, "
                "the artists you follow, or pick artists by name."
            )
        return artists
    if options.artist_source == "followed":
        artists = list(gateway.followed_artists(options.artist_count))
        if not artists:
            raise GenerationError(
                "You don't follow any artists on Spotify yet. Use your top artists or pick "
                "artists by name."
            )
        return artists
    found = gateway.map(lambda entry: _find_artist(gateway, entry), options.picked_artists)
    picked: list[Artist] = []
    for entry, artist in zip(options.picked_artists, found, strict=True):
        if artist is None:
            notes.append(f"Spotify has no artist called “{entry}”.")
        elif artist.id not in {a.id for a in picked}:
            picked.append(artist)
    if not picked:
        raise GenerationError("Spotify found none of the artists you picked. Check the spelling.")
    return picked


def _find_artist(gateway: CatalogueSource, entry: str) -> Artist | None:
    match = _SPOTIFY_ID.match(entry)
    if match:
        try:
            return gateway.artist(match.group(1))
        except SpotifyNotFound:
            pass  # perhaps a 22-letter name after all
    query = entry.replace('"', " ").strip()
    results = list(gateway.search_artists(query, limit=5))
    wanted = query.casefold()
    return next((a for a in results if a.name.casefold() == wanted), None) or (
        results[0] if results else None
    )


def _user_top_tracks(gateway: CatalogueSource, options: GenerationOptions) -> Sequence[Track]:
    """A ranking signal only: without the scope, rank without it."""
    try:
        return gateway.user_top_tracks(options.time_range, USER_TOP_TRACKS)
    except SpotifyForbidden:
        return []


def _warm_playlists(gateway: CatalogueSource) -> None:
    """The user's playlists ride along in the first round: the preview page lists the earlier
    MoodyStream ones and saving checks them for duplicates, so neither waits for them later."""
    with contextlib.suppress(SpotifyForbidden):
        gateway.current_user_playlists()


def _saved_tracks(gateway: CatalogueSource) -> Sequence[Track]:
    try:
        return gateway.saved_tracks(MAX_SAVED_TRACKS)
    except SpotifyForbidden:
        raise GenerationError(
            "MoodyStream may not read your saved songs. Connect Spotify again to allow it, or "
            "switch off “leave out songs I've saved”."
        ) from None
