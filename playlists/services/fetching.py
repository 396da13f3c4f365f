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

The chain is a plan (``plan.py``): each step returns the steps that follow it, so every
artist's look-ups run on the generation's one pool without any step waiting for another.
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
from .plan import Step, Steps, fan_out, join, run_plan
from .ports import CatalogueReader
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
    gateway: CatalogueReader,
    artists: Sequence[Artist],
    needs: Sequence[ArtistNeed],
    options: GenerationOptions,
) -> list[ArtistMaterial]:
    """Every artist's material, fetched on a pool of its own."""
    into: list[ArtistMaterial] = []
    run_plan(material_steps(gateway, artists, needs, options, into.extend), gateway.max_workers)
    return into


def material_steps(
    gateway: CatalogueReader,
    artists: Sequence[Artist],
    needs: Sequence[ArtistNeed],
    options: GenerationOptions,
    done: Callable[[list[ArtistMaterial]], object],
) -> list[Step]:
    """The steps fetching every artist's material; ``done(materials)`` (in the artists'
    order) once the last artist's look-ups are in."""
    todo = {a.id: _Fetch(a, n) for a, n in zip(artists, needs, strict=True) if n.top + n.deep}

    def finish() -> Steps:
        done([todo[a.id].material() if a.id in todo else ArtistMaterial(a) for a in artists])
        return ()

    if not todo:
        return [finish]
    chain_done = join(len(todo), finish)
    return [partial(_ArtistChain(gateway, f, options).start, chain_done) for f in todo.values()]


class _ArtistChain:
    """One artist's look-ups: ranking signal → (releases) → albums → (popularity)."""

    def __init__(self, gateway: CatalogueReader, f: _Fetch, options: GenerationOptions) -> None:
        self.gateway, self.f, self.options = gateway, f, options
        self.extended = gateway.supports_popularity
        self.need = f.need
        self.done: Callable[[], Steps] = lambda: ()

    def start(self, done: Callable[[], Steps]) -> Steps:
        self.done = done
        if self.extended:
            self.f.top_tracks = self.gateway.artist_top_tracks(self.f.artist.id)
            if self.f.top_tracks is not None:  # None: refused after all
                return self.hits_known()
            self.extended = False
        return fan_out(_searches(self.gateway, self.f), self.searched)

    def searched(self, pages: list[Sequence[Track]]) -> Steps:
        self.f.pages = pages
        return self.hits_known()

    def hits_known(self) -> Steps:
        need = self.need = _album_need(self.f.need, self.extended)
        if not need.songs_from_albums:
            return self.done()
        f, options = self.f, self.options
        hits = f.top_tracks if f.top_tracks is not None else [t for p in f.pages for t in p]
        releases = list({
            t.album.id: t.album for t in hits
            if t.album and t.lead_artist and t.lead_artist.id == f.artist.id
        }.values())
        chosen = [a for a in choose_albums(releases, need,
                                           exclude_versions=options.exclude_versions)
                  if a.group == "album"]
        if covers(chosen, need):
            return self.fetch_albums(releases, chosen)
        return [self.read_releases]

    def read_releases(self) -> Steps:
        releases = _releases(self.gateway, self.f.artist, self.need, self.options)
        chosen = choose_albums(releases, self.need, exclude_versions=self.options.exclude_versions)
        return self.fetch_albums(releases, chosen)

    def fetch_albums(self, releases: list[Album], chosen: list[Album]) -> Steps:
        ids = [a.id for a in chosen]
        size = max(1, self.gateway.album_batch_size)
        batches = [ids[i : i + size] for i in range(0, len(ids), size)]

        def fetched(found: list[Sequence[AlbumTracks]]) -> Steps:
            albums = [a for batch in found for a in batch]
            self.f.albums = (releases, albums, {})
            return self.popularity(albums) if self.extended else self.done()

        return fan_out([partial(self.gateway.albums, b) for b in batches], fetched)

    def popularity(self, albums: list[AlbumTracks]) -> Steps:
        ids = [t.id for album in albums for t in album.tracks if t.popularity is None]
        size = max(1, self.gateway.track_batch_size)

        def fetched(found: list[Sequence[Track]]) -> Steps:
            popularity = self.f.albums[2]
            for track in (t for batch in found for t in batch):
                if track.popularity is not None:
                    popularity[track.id] = track.popularity
            return self.done()

        batches = [ids[i : i + size] for i in range(0, len(ids), size)]
        return fan_out([partial(self.gateway.tracks, b) for b in batches], fetched)


def _album_need(need: ArtistNeed, extended: bool) -> ArtistNeed:
    """Extended Quota: top tracks cover ten top picks, albums supply the rest and deep cuts."""
    return ArtistNeed(top=max(0, need.top - 10), deep=max(need.deep, 1)) if extended else need


def _searches(gateway: CatalogueReader, f: _Fetch) -> list[Callable[[], Sequence[Track]]]:
    name = f.artist.name.replace('"', " ").strip()
    query = f'artist:"{name}"'
    return [
        partial(gateway.search_tracks, query, limit=SEARCH_PAGE, offset=offset)
        for offset in range(0, f.need.search_pages * SEARCH_PAGE, SEARCH_PAGE)
    ]


def _releases(
    gateway: CatalogueReader, artist: Artist, need: ArtistNeed, options: GenerationOptions
) -> list[Album]:
    """Studio albums — the first page when it holds enough — and, only for artists without
    usable ones, singles and compilations."""
    releases = list(
        gateway.artist_albums(artist.id, STUDIO_GROUPS, max_items=RELEASES_FIRST_PAGE)
    )
    if len(releases) >= RELEASES_FIRST_PAGE and not covers(
        choose_albums(releases, need, exclude_versions=options.exclude_versions), need
    ):
        releases += gateway.artist_albums(artist.id, STUDIO_GROUPS, offset=len(releases))
    if needs_fallback(releases, options.exclude_versions):
        releases += gateway.artist_albums(artist.id, FALLBACK_GROUPS)
    return releases
