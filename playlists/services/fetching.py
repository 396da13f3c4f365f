"""Fetch every artist's catalogue material at once, critical requests first.

One flat, concurrent round for all artists.  Each artist's release list comes first and its
albums follow at once (a chain of two round trips); the search pages (one round trip each) are
queued behind all the release lists, so the requests in flight always include the ones the
playlist waits longest for.  With Extended Quota the searches are replaced by the artists' top
tracks and the album tracks' popularity is looked up in batches; if Spotify refuses top tracks
after all, those artists are searched instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from playlists.spotify.models import Album, AlbumTracks, Artist, Track

from .catalogue_plan import (
    FALLBACK_GROUPS,
    RELEASES_FIRST_PAGE,
    SEARCH_PAGE,
    STUDIO_GROUPS,
    ArtistNeed,
    choose_albums,
    covers,
    needs_fallback,
)
from .options import GenerationOptions
from .ports import CatalogueSource
from .ranking import ArtistMaterial

Albums = tuple[list[Album], list[AlbumTracks], dict[str, int]]


@dataclass
class _Fetch:
    """What one artist's requests brought back."""

    artist: Artist
    need: ArtistNeed
    albums: Albums = ([], [], {})
    top_tracks: Sequence[Track] | None = None
    pages: list[Sequence[Track]] = field(default_factory=list)

    def material(self) -> ArtistMaterial:
        releases, albums, popularity = self.albums
        if self.top_tracks is not None:
            return ArtistMaterial(
                self.artist, releases=tuple(releases), albums=tuple(albums),
                top_tracks=tuple(self.top_tracks), popularity=popularity,
            )
        return ArtistMaterial(
            self.artist, search_hits=tuple(t for page in self.pages for t in page),
            releases=tuple(releases), albums=tuple(albums),
        )


def fetch_materials(
    gateway: CatalogueSource,
    artists: Sequence[Artist],
    needs: Sequence[ArtistNeed],
    options: GenerationOptions,
) -> list[ArtistMaterial]:
    extended = gateway.supports_popularity
    todo = {a.id: _Fetch(a, n) for a, n in zip(artists, needs, strict=True) if n.top + n.deep}
    chains = [
        partial(_albums_for, gateway, f.artist, _album_need(f.need, extended), options, extended)
        for f in todo.values()
    ]
    leaves: list[tuple[_Fetch, Callable[[], Any]]] = (
        [(f, partial(gateway.artist_top_tracks, f.artist.id)) for f in todo.values()]
        if extended
        else [job for f in todo.values() for job in _searches(gateway, f)]
    )
    results = gateway.gather(*chains, *(thunk for _, thunk in leaves))
    for f, albums in zip(todo.values(), results[: len(chains)], strict=True):
        f.albums = albums
    for (f, _), result in zip(leaves, results[len(chains) :], strict=True):
        if extended:
            f.top_tracks = result
        else:
            f.pages.append(result)
    refused = [job for f in todo.values() if extended and f.top_tracks is None
               for job in _searches(gateway, f)]
    if refused:  # Spotify refused top tracks after all: rank these artists by search
        for (f, _), page in zip(refused, gateway.gather(*(t for _, t in refused)), strict=True):
            f.pages.append(page)
    return [todo[a.id].material() if a.id in todo else ArtistMaterial(a) for a in artists]


def _album_need(need: ArtistNeed, extended: bool) -> ArtistNeed:
    """Extended Quota: top tracks cover ten top picks, albums supply the rest and deep cuts."""
    return ArtistNeed(top=max(0, need.top - 10), deep=max(need.deep, 1)) if extended else need


def _searches(
    gateway: CatalogueSource, f: _Fetch
) -> list[tuple[_Fetch, Callable[[], Sequence[Track]]]]:
    name = f.artist.name.replace('"', " ").strip()
    query = f'artist:"{name}"'
    return [
        (f, partial(gateway.search_tracks, query, limit=SEARCH_PAGE, offset=offset))
        for offset in range(0, f.need.search_pages * SEARCH_PAGE, SEARCH_PAGE)
    ]


def _albums_for(
    gateway: CatalogueSource,
    artist: Artist,
    need: ArtistNeed,
    options: GenerationOptions,
    with_popularity: bool,
) -> Albums:
    """The release list, the albums ``need`` asks for, and (Extended Quota) their tracks'
    popularity."""
    if not need.songs_from_albums:
        return [], [], {}
    releases = _releases(gateway, artist, need, options)
    chosen = choose_albums(releases, need, exclude_versions=options.exclude_versions)
    albums = list(gateway.albums([a.id for a in chosen])) if chosen else []
    popularity: dict[str, int] = {}
    if with_popularity:
        ids = [t.id for album in albums for t in album.tracks if t.popularity is None]
        for track in gateway.tracks(ids) if ids else ():
            if track.popularity is not None:
                popularity[track.id] = track.popularity
    return releases, albums, popularity


def _releases(
    gateway: CatalogueSource, artist: Artist, need: ArtistNeed, options: GenerationOptions
) -> list[Album]:
    """Studio albums — the first page when it holds enough — and, only for artists without
    usable ones, singles and compilations."""
    releases = list(
        gateway.artist_albums(artist.id, STUDIO_GROUPS, max_items=RELEASES_FIRST_PAGE)
    )
    if len(releases) >= RELEASES_FIRST_PAGE and not covers(
        choose_albums(releases, need, exclude_versions=options.exclude_versions), need
    ):
        releases = list(gateway.artist_albums(artist.id, STUDIO_GROUPS))
    if needs_fallback(releases, options.exclude_versions):
        releases += gateway.artist_albums(artist.id, FALLBACK_GROUPS)
    return releases
