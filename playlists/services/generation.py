"""Generate a preview: choose artists, fetch what ranking needs, rank, filter, mix.

Pure orchestration over a ``ports.CatalogueReader``: one run of look-ups (``lookup_pool``) on
one pool of ``gateway.max_workers`` threads fetches the user's artists and then every artist's
catalogue (``fetching``), and meanwhile the user's top tracks, newest playlists (and the songs
of the newest MoodyStream ones, ``earlier``) and (if asked) saved tracks; then ranking and
mixing in memory.  The playlists come back beside the preview
(``Generation``): the preview page lists the earlier MoodyStream ones and saving checks them
for duplicates, so neither waits for them later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from playlists.music import SPOTIFY_ID, Artist, Page, PlaylistSummary, Track
from playlists.spotify.errors import SpotifyForbidden, SpotifyNotFound
from playlists.spotify.limits import PAGE_LIMIT

from .catalogue_needs import ArtistNeed
from .earlier import earlier_track_ids
from .fetching import fetch_materials
from .filters import SavedLibrary, TrackFilter
from .generation_error import GenerationError
from .lookup_pool import Chain, Lookup, run
from .mixing import deep_cut_target, mix, shares
from .options import GenerationOptions, default_description, default_playlist_name
from .ports import CatalogueReader
from .preview import Preview
from .ranking import ArtistMaterial, rank_artist

USER_TOP_TRACKS = 50
MAX_SAVED_TRACKS = 2500
#: A picked artist given by id, URI or link (with or without a query) rather than by name.
_ARTIST_REFERENCE = re.compile(
    rf"^(?:spotify:artist:|https://open\.spotify\.com/artist/)?({SPOTIFY_ID})(?:\?\S*)?$"
)


@dataclass(frozen=True)
class Generation:
    """A preview, and the user's newest playlists as read while making it (``None`` when
    Spotify refused to list them)."""

    preview: Preview
    playlists: tuple[PlaylistSummary, ...] | None


@dataclass(frozen=True)
class _Fetched:
    """What the generation's look-ups brought back."""

    artists: list[Artist]
    materials: list[ArtistMaterial]
    user_top: Sequence[Track]
    saved: list[Track]
    playlists: tuple[PlaylistSummary, ...] | None
    earlier: frozenset[str]  # track ids in the newest MoodyStream playlists (``earlier``)


def generate(
    gateway: CatalogueReader,
    options: GenerationOptions,
    *,
    removed_track_ids: frozenset[str] = frozenset(),
    own_playlist_ids: frozenset[str] = frozenset(),
    today: dt.date | None = None,
) -> Generation:
    """The preview for ``options`` and the user's newest playlists.

    ``removed_track_ids``: songs the user took out of the preview; each is replaced by the
    next candidate of the same artist and role.  ``own_playlist_ids``: the playlists this
    draft was saved as, which are not earlier playlists for it (fresh deep cuts avoid the
    songs of those), so that saving a draft does not change it.
    """
    notes: list[str] = []
    got = run(_fetch(gateway, options, notes, own_playlist_ids), gateway.max_workers)
    artists, materials = got.artists, got.materials
    rankings = [rank_artist(m, got.user_top) for m in materials]
    track_filter = TrackFilter(
        exclude_versions=options.exclude_versions,
        allow_explicit=options.allow_explicit,
        saved=SavedLibrary.from_tracks(got.saved) if options.exclude_saved else None,
        removed_track_ids=frozenset(removed_track_ids),
        earlier_track_ids=got.earlier,
    )
    result = mix(
        rankings,
        track_count=options.track_count,
        deep_cut_percent=options.deep_cut_percent,
        seed=options.seed,
        track_filter=track_filter,
    )
    names = [a.name for a in artists]
    preview = Preview(
        entries=result.entries,
        artists=tuple(artists),
        notes=tuple(notes) + result.notes,
        options=options,
        name=options.name or default_playlist_name(names, today or dt.date.today()),
        description=options.description
        or default_description(names, options.deep_cut_percent),
    )
    return Generation(preview, got.playlists)


def _needs(artist_count: int, options: GenerationOptions) -> list[ArtistNeed]:
    slots = shares(options.track_count, [1] * artist_count)
    deep = shares(deep_cut_target(options.track_count, options.deep_cut_percent), slots)
    return [ArtistNeed(top=s - d, deep=d) for s, d in zip(slots, deep, strict=True)]


# -- what the look-ups fetch ------------------------------------------------------------------
def _fetch(
    gateway: CatalogueReader, options: GenerationOptions, notes: list[str],
    own_playlist_ids: frozenset[str] = frozenset(),
) -> Chain[_Fetched]:
    """Everything at once: the artists and then their catalogues (``fetching``), the user's
    top tracks, the newest playlists and, if asked, the saved tracks."""
    wave: list[Lookup | Chain[Any]] = [
        _artists_and_catalogues(gateway, options, notes),
        partial(_user_top_tracks, gateway, options),
        _playlists_and_earlier(gateway, options, own_playlist_ids),
    ]
    if options.exclude_saved:
        wave.append(_saved_tracks(gateway))
    (artists, materials), user_top, (playlists, earlier), *saved = yield wave
    return _Fetched(
        artists, materials, user_top, saved[0] if saved else [], playlists, earlier
    )


def _artists_and_catalogues(
    gateway: CatalogueReader, options: GenerationOptions, notes: list[str]
) -> Chain[tuple[list[Artist], list[ArtistMaterial]]]:
    artists = yield from _artists(gateway, options, notes)
    needs = _needs(len(artists), options)
    materials = yield from fetch_materials(gateway, artists, needs, options, notes)
    return artists, materials


def _artists(
    gateway: CatalogueReader, options: GenerationOptions, notes: list[str]
) -> Chain[list[Artist]]:
    if options.artist_source == "top":
        (artists,) = yield [partial(_top_artists, gateway, options)]
        return list(artists)
    if options.artist_source == "followed":
        (artists,) = yield [partial(_followed_artists, gateway, options)]
        return list(artists)
    entries = options.picked_artists
    found = yield [partial(_find_artist, gateway, entry) for entry in entries]
    return _picked(entries, found, notes)


def _top_artists(gateway: CatalogueReader, options: GenerationOptions) -> list[Artist]:
    artists = list(gateway.top_artists(options.time_range, options.artist_count))
    if not artists:
        raise GenerationError(
            "Spotify has no top artists for you in this period yet. Try a longer period, "
            "the artists you follow, or pick artists by name."
        )
    return artists


def _followed_artists(gateway: CatalogueReader, options: GenerationOptions) -> list[Artist]:
    artists = list(gateway.followed_artists(options.artist_count))
    if not artists:
        raise GenerationError(
            "You don't follow any artists on Spotify yet. Use your top artists or pick "
            "artists by name."
        )
    return artists


def _picked(
    entries: Sequence[str], found: Sequence[Artist | None], notes: list[str]
) -> list[Artist]:
    artists: list[Artist] = []
    for entry, artist in zip(entries, found, strict=True):
        if artist is None:
            notes.append(f"Spotify has no artist called “{entry}”.")
        elif artist.id not in {a.id for a in artists}:
            artists.append(artist)
    if not artists:
        raise GenerationError("Spotify found none of the artists you picked. Check the spelling.")
    return artists


def _find_artist(gateway: CatalogueReader, entry: str) -> Artist | None:
    match = _ARTIST_REFERENCE.match(entry)
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


def _user_top_tracks(gateway: CatalogueReader, options: GenerationOptions) -> Sequence[Track]:
    """A ranking signal only: without the scope, rank without it."""
    try:
        return gateway.user_top_tracks(options.time_range, USER_TOP_TRACKS)
    except SpotifyForbidden:
        return []


def _newest_playlists(gateway: CatalogueReader) -> tuple[PlaylistSummary, ...] | None:
    try:
        return tuple(gateway.current_user_playlists())
    except SpotifyForbidden:
        return None


def _playlists_and_earlier(
    gateway: CatalogueReader, options: GenerationOptions, own_playlist_ids: frozenset[str]
) -> Chain[tuple[tuple[PlaylistSummary, ...] | None, frozenset[str]]]:
    """The newest playlists; then, beside the first search pages, the songs of the newest
    MoodyStream ones (but those this draft was saved as) when the deep cuts are to be new."""
    (playlists,) = yield [partial(_newest_playlists, gateway)]
    if not options.exclude_earlier or not playlists:
        return playlists, frozenset()
    others = [p for p in playlists if p.id not in own_playlist_ids]
    earlier = yield from earlier_track_ids(gateway, others)
    return playlists, earlier


def _saved_tracks(gateway: CatalogueReader) -> Chain[list[Track]]:
    """The first page of saved tracks, then the rest of them at once."""
    (first,) = yield [partial(_first_saved_page, gateway)]
    offsets = range(len(first.items), min(first.total, MAX_SAVED_TRACKS), PAGE_LIMIT)
    if not first.items:
        offsets = range(0)
    pages = yield [partial(_saved_page, gateway, at) for at in offsets]
    return [t for page in [first.items, *pages] for t in page]


def _first_saved_page(gateway: CatalogueReader) -> Page[Track]:
    try:
        return gateway.saved_tracks_page(0)
    except SpotifyForbidden:
        raise GenerationError(
            "MoodyStream may not read your saved songs. Connect Spotify again to allow it, or "
            "switch off “leave out songs I've saved”."
        ) from None


def _saved_page(gateway: CatalogueReader, offset: int) -> Sequence[Track]:
    return gateway.saved_tracks_page(offset).items
