"""Fetch what ranking needs for every artist: its best-known tracks and its deepest songs.

Per artist, one chain of two round trips, all artists concurrently:

1. the hits: Development Mode, the first search page for ``artist:"Name"`` (more pages only
   for many top picks); Extended Quota, the artist's top tracks and a 50-result search page;
2. the deep end: the last page(s) of the same search, whose position the first page's total
   tells — the artist's least played songs across the whole catalogue, whatever album they are
   on (ranking: the search depth is the strongest deep-cut signal measured).

Only when the deep end cannot supply the artist's deep cuts (few results by the artist there,
or all of them excluded versions), or the top picks need more songs than search gave, are
albums fetched: the release list, then albums with no hits first (``catalogue_plan``), with
their tracks' popularity in Extended Quota.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from playlists.spotify.models import Album, AlbumTracks, Artist, Track, TrackPage

from .catalogue_plan import (
    EXTENDED_SEARCH_PAGE,
    EXTENDED_TOP_COVER,
    FALLBACK_GROUPS,
    RELEASES_FIRST_PAGE,
    SEARCH_PAGE,
    STUDIO_GROUPS,
    ArtistNeed,
    choose_albums,
    covers,
    deep_end_pages,
    needs_fallback,
    usable_deep_end,
)
from .options import GenerationOptions
from .ports import CatalogueSource
from .ranking import ArtistMaterial


@dataclass
class _Fetch:
    """What one artist's requests brought back."""

    artist: Artist
    need: ArtistNeed
    releases: list[Album] = field(default_factory=list)
    albums: list[AlbumTracks] = field(default_factory=list)
    popularity: dict[str, int] = field(default_factory=dict)
    top_tracks: Sequence[Track] | None = None
    pages: list[TrackPage] = field(default_factory=list)  # from offset 0, in order
    deep_pages: list[TrackPage] = field(default_factory=list)

    @property
    def hits(self) -> list[Track]:
        return [t for page in self.pages for t in page.tracks]

    @property
    def total(self) -> int:
        return max((p.total for p in self.pages), default=0)

    def material(self) -> ArtistMaterial:
        deep = tuple(
            (page.offset + i, t) for page in self.deep_pages for i, t in enumerate(page.tracks)
        )
        return ArtistMaterial(
            self.artist,
            search_hits=tuple(self.hits),
            releases=tuple(self.releases),
            albums=tuple(self.albums),
            top_tracks=tuple(self.top_tracks) if self.top_tracks is not None else None,
            popularity=self.popularity,
            search_deep=deep,
            search_total=self.total,
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
    query = _query(f.artist)
    extended = gateway.supports_popularity
    if extended:
        f.top_tracks, first = gateway.gather(
            lambda: gateway.artist_top_tracks(f.artist.id),  # None: refused after all
            lambda: gateway.search_track_page(query, limit=EXTENDED_SEARCH_PAGE),
        )
        extended = f.top_tracks is not None
        f.pages = [first]
    if not extended:
        f.top_tracks = None
        page_size = SEARCH_PAGE
        offsets = range(0, f.need.search_pages * SEARCH_PAGE, SEARCH_PAGE)
        f.pages = list(gateway.gather(*(
            (lambda o=o: gateway.search_track_page(query, limit=SEARCH_PAGE, offset=o))
            for o in offsets
        )))
    else:
        page_size = EXTENDED_SEARCH_PAGE
    seen_until = sum(len(p.tracks) for p in f.pages)
    windows = deep_end_pages(f.total, seen_until, f.need, page_size)
    f.deep_pages = list(gateway.gather(*(
        (lambda o=o, n=n: gateway.search_track_page(query, limit=n, offset=o))
        for o, n in windows
    )))
    deep_end = [t for page in f.deep_pages for t in page.tracks]
    # Extended Quota: popularity ranks every song seen, so all but the top tracks may be deep.
    known = f.top_tracks if extended and f.top_tracks is not None else f.hits
    if extended:
        deep_end = [*f.hits, *deep_end]
    usable = usable_deep_end(
        f.artist.id, deep_end, known, options.exclude_versions, options.allow_explicit
    )
    # One candidate to spare (a song removed from the preview); short of that, albums.
    short = max(0, f.need.deep + 1 - usable) if f.need.deep and f.total > seen_until else 0
    need = ArtistNeed(top=max(0, f.need.top - (EXTENDED_TOP_COVER if extended else 0)), deep=short)
    if need.songs_from_albums:
        _fetch_albums(gateway, f, need, options, extended)


def _fetch_albums(
    gateway: CatalogueSource, f: _Fetch, need: ArtistNeed, options: GenerationOptions,
    extended: bool,
) -> None:
    """The release list, then albums without hits first (the hits' albums for many tops)."""
    hits = [*(f.top_tracks or ()), *f.hits]
    hit_albums = [
        t.album for t in hits if t.album and t.lead_artist and t.lead_artist.id == f.artist.id
    ]
    f.releases = _releases(gateway, f.artist, need, options)
    chosen = choose_albums(
        f.releases, need, exclude_versions=options.exclude_versions, hit_albums=hit_albums,
    )
    f.albums = list(gateway.albums([a.id for a in chosen])) if chosen else []
    if extended:
        ids = [t.id for album in f.albums for t in album.tracks if t.popularity is None]
        for track in gateway.tracks(ids) if ids else ():
            if track.popularity is not None:
                f.popularity[track.id] = track.popularity


def _query(artist: Artist) -> str:
    name = artist.name.replace('"', " ").strip()
    return f'artist:"{name}"'


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
