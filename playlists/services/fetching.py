"""Fetch what ranking needs for every artist: its best-known tracks, then the albums they
come from.

Per artist, one chain of two round trips, all artists concurrently: the ranking signal first
(Development Mode: the first search page for ``artist:"Name"``; Extended Quota: the artist's
top tracks), then the studio albums those hits were released on, whose other songs are the
deep-cut candidates (with Extended Quota, the album tracks' popularity follows in batches).
Only when those albums cannot supply the artist's share is the release list read (the studio
albums, then singles and compilations).  Using the hits' albums instead of always listing
releases saves a request per artist and no time: the album fetch waits on one request either
way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

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
    albums: Albums = field(default_factory=lambda: ([], [], {}))
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
    todo = {a.id: _Fetch(a, n) for a, n in zip(artists, needs, strict=True) if n.top + n.deep}
    gateway.map(lambda f: _fetch_artist(gateway, f, options), list(todo.values()))
    return [todo[a.id].material() if a.id in todo else ArtistMaterial(a) for a in artists]


def _fetch_artist(gateway: CatalogueSource, f: _Fetch, options: GenerationOptions) -> None:
    extended = gateway.supports_popularity
    if extended:
        f.top_tracks = gateway.artist_top_tracks(f.artist.id)  # None: refused after all
    if f.top_tracks is None:
        extended = False
        f.pages = list(gateway.gather(*_searches(gateway, f)))
    need = _album_need(f.need, extended)
    if not need.songs_from_albums:
        return
    hits = f.top_tracks if f.top_tracks is not None else [t for p in f.pages for t in p]
    releases = list({
        t.album.id: t.album for t in hits
        if t.album and t.lead_artist and t.lead_artist.id == f.artist.id
    }.values())
    chosen = [a for a in choose_albums(releases, need, exclude_versions=options.exclude_versions)
              if a.group == "album"]
    if not covers(chosen, need):
        releases = _releases(gateway, f.artist, need, options)
        chosen = choose_albums(releases, need, exclude_versions=options.exclude_versions)
    albums = list(gateway.albums([a.id for a in chosen])) if chosen else []
    popularity: dict[str, int] = {}
    if extended:
        ids = [t.id for album in albums for t in album.tracks if t.popularity is None]
        for track in gateway.tracks(ids) if ids else ():
            if track.popularity is not None:
                popularity[track.id] = track.popularity
    f.albums = (releases, albums, popularity)


def _album_need(need: ArtistNeed, extended: bool) -> ArtistNeed:
    """Extended Quota: top tracks cover ten top picks, albums supply the rest and deep cuts."""
    return ArtistNeed(top=max(0, need.top - 10), deep=max(need.deep, 1)) if extended else need


def _searches(gateway: CatalogueSource, f: _Fetch) -> list[Callable[[], Sequence[Track]]]:
    name = f.artist.name.replace('"', " ").strip()
    query = f'artist:"{name}"'
    return [
        partial(gateway.search_tracks, query, limit=SEARCH_PAGE, offset=offset)
        for offset in range(0, f.need.search_pages * SEARCH_PAGE, SEARCH_PAGE)
    ]


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
