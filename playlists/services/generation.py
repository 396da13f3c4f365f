"""Generate a preview: choose artists, fetch what ranking needs, rank, filter, mix.

Pure orchestration over a ``ports.CatalogueReader``: one plan (``plan.py``) on one pool of
``gateway.max_workers`` threads fetches the user's artists and then every artist's catalogue
(``fetching``), and meanwhile the user's top tracks, newest playlists and (if asked) saved
tracks; then ranking and mixing in memory.  The playlists come back beside the preview
(``Generation``): the preview page lists the earlier MoodyStream ones and saving checks them
for duplicates, so neither waits for them later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from playlists.music import Artist, PlaylistSummary, Track
from playlists.spotify.errors import SpotifyForbidden, SpotifyNotFound

from .catalogue_plan import ArtistNeed
from .earlier import earlier_steps
from .fetching import material_steps
from .filters import SavedLibrary, TrackFilter
from .generation_error import GenerationError
from .mixing import deep_cut_target, mix, shares
from .options import GenerationOptions, default_description, default_playlist_name
from .plan import Step, Steps, fan_out, run_plan
from .ports import CatalogueReader
from .preview import Preview
from .ranking import ArtistMaterial, rank_artist

USER_TOP_TRACKS = 50
MAX_SAVED_TRACKS = 2500
SAVED_PAGE = 50
_SPOTIFY_ID = re.compile(
    r"^(?:spotify:artist:|https://open\.spotify\.com/artist/)?([0-9A-Za-z]{22})(?:\?\S*)?$"
)


@dataclass(frozen=True)
class Generation:
    """A preview, and the user's newest playlists as read while making it (``None`` when
    Spotify refused to list them)."""

    preview: Preview
    playlists: tuple[PlaylistSummary, ...] | None


@dataclass
class _Fetched:
    """What the plan's steps bring back, each into its own field."""

    artists: list[Artist] = field(default_factory=list)
    materials: list[ArtistMaterial] = field(default_factory=list)
    user_top: Sequence[Track] = ()
    saved: list[Track] = field(default_factory=list)
    playlists: tuple[PlaylistSummary, ...] | None = None
    earlier: frozenset[str] = frozenset()  # track ids in earlier MoodyStream playlists


def generate_preview(
    gateway: CatalogueReader,
    options: GenerationOptions,
    *,
    removed_track_ids: frozenset[str] = frozenset(),
    today: dt.date | None = None,
) -> Preview:
    """The playlist for ``options`` (same options and seed → same preview)."""
    return generate(gateway, options, removed_track_ids=removed_track_ids, today=today).preview


def generate(
    gateway: CatalogueReader,
    options: GenerationOptions,
    *,
    removed_track_ids: frozenset[str] = frozenset(),
    today: dt.date | None = None,
) -> Generation:
    """The preview for ``options`` and the user's newest playlists.

    ``removed_track_ids``: songs the user took out of the preview; each is replaced by the
    next candidate of the same artist and role.
    """
    notes: list[str] = []
    got = _Fetched()

    def with_artists(artists: list[Artist]) -> Steps:
        got.artists = artists
        needs = _needs(len(artists), options)
        return material_steps(gateway, artists, needs, options, got.materials.extend)

    def keep_user_top() -> Steps:
        got.user_top = _user_top_tracks(gateway, options)
        return ()

    def keep_playlists() -> Steps:
        try:
            got.playlists = tuple(gateway.current_user_playlists())
        except SpotifyForbidden:
            got.playlists = None
        if not options.exclude_earlier or not got.playlists:
            return ()
        return earlier_steps(gateway, got.playlists, keep_earlier)

    def keep_earlier(track_ids: frozenset[str]) -> None:
        got.earlier = track_ids

    steps: list[Step] = [
        *_artist_steps(gateway, options, notes, with_artists), keep_user_top, keep_playlists,
    ]
    if options.exclude_saved:
        steps.append(partial(_saved_steps, gateway, got.saved))
    run_plan(steps, gateway.max_workers)

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


# -- artists ----------------------------------------------------------------------------------
def _artist_steps(
    gateway: CatalogueReader,
    options: GenerationOptions,
    notes: list[str],
    then: Callable[[list[Artist]], Steps],
) -> list[Step]:
    """The steps choosing the artists; ``then(artists)`` continues the plan."""
    if options.artist_source == "top":
        return [lambda: then(_top_artists(gateway, options))]
    if options.artist_source == "followed":
        return [lambda: then(_followed_artists(gateway, options))]
    entries = options.picked_artists
    return fan_out(
        [partial(_find_artist, gateway, entry) for entry in entries],
        lambda found: then(_picked(entries, found, notes)),
    )


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


def _user_top_tracks(gateway: CatalogueReader, options: GenerationOptions) -> Sequence[Track]:
    """A ranking signal only: without the scope, rank without it."""
    try:
        return gateway.user_top_tracks(options.time_range, USER_TOP_TRACKS)
    except SpotifyForbidden:
        return []


def _saved_steps(gateway: CatalogueReader, into: list[Track]) -> Steps:
    """The first page of saved tracks, then the rest of them at once."""
    try:
        first = gateway.saved_tracks_page(0)
    except SpotifyForbidden:
        raise GenerationError(
            "MoodyStream may not read your saved songs. Connect Spotify again to allow it, or "
            "switch off “leave out songs I've saved”."
        ) from None
    offsets = range(len(first.items), min(first.total, MAX_SAVED_TRACKS), SAVED_PAGE)
    if not first.items:
        offsets = range(0)

    def keep(pages: list[Sequence[Track]]) -> Steps:
        into.extend(t for page in [first.items, *pages] for t in page)
        return ()

    return fan_out([partial(_saved_page, gateway, at) for at in offsets], keep)


def _saved_page(gateway: CatalogueReader, offset: int) -> Sequence[Track]:
    return gateway.saved_tracks_page(offset).items
