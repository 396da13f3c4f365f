"""Fetch what ranking needs for every artist: its best-known tracks and its deepest songs.

Per artist, one chain of two round trips, all artists concurrently:

1. the hits: Development Mode, the first search page for ``artist:"Name"`` (more pages only
   for many top picks); Extended Quota, the artist's top tracks and a 50-result search page;
2. the deep end: the last page(s) of the same search, placed by the first page's total — the
   artist's least played songs across the whole catalogue, whatever album they are on
   (``ranking``: the search depth is the strongest deep-cut signal measured).

Only when the deep end cannot supply the artist's deep cuts (few results by the artist there,
or all of them excluded versions), or the top picks need more songs than search gave, are
albums fetched: the release list, then albums with no hits first (``catalogue_needs``), with
their tracks' popularity in Extended Quota.

The chain is a plan (``lookup_pool.py``): each step returns the steps that follow it, so every
artist's look-ups run on the generation's one pool without any step waiting for another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from playlists.music import Album, AlbumTracks, Artist, Page, Track

from .catalogue_needs import (
    EXTENDED_SEARCH_PAGE,
    EXTENDED_TOP_COVER,
    FALLBACK_GROUPS,
    MAX_DEEP_END_PAGES,
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
from .lookup_pool import Step, Steps, fan_out, join, run_plan
from .options import GenerationOptions
from .ports import CatalogueReader
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
    pages: list[Page[Track]] = field(default_factory=list)  # from offset 0, in order
    deep_pages: list[tuple[int, Page[Track]]] = field(default_factory=list)  # (offset, page)

    @property
    def hits(self) -> list[Track]:
        return [t for page in self.pages for t in page.items]

    @property
    def total(self) -> int:
        return max((p.total for p in self.pages), default=0)

    def material(self) -> ArtistMaterial:
        deep = tuple(
            (offset + i, t) for offset, page in self.deep_pages for i, t in enumerate(page.items)
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
    """One artist's look-ups: hits → deep end → (releases → albums → popularity)."""

    def __init__(self, gateway: CatalogueReader, f: _Fetch, options: GenerationOptions) -> None:
        self.gateway, self.f, self.options = gateway, f, options
        self.extended = gateway.supports_popularity
        self.query = _query(f.artist)
        self.page_size = SEARCH_PAGE
        self.done: Callable[[], Steps] = lambda: ()

    def start(self, done: Callable[[], Steps]) -> Steps:
        self.done = done
        if not self.extended:
            return self.search_hits()
        f = self.f

        def top_tracks() -> None:
            f.top_tracks = self.gateway.artist_top_tracks(f.artist.id)  # None: refused

        def first_page() -> None:
            f.pages = [self._page(0, EXTENDED_SEARCH_PAGE)]

        return fan_out([top_tracks, first_page], lambda _: self.extended_hits())

    def extended_hits(self) -> Steps:
        if self.f.top_tracks is None:  # refused after all: the Development Mode way
            self.extended = False
            return self.search_hits()
        self.page_size = EXTENDED_SEARCH_PAGE
        return self.deep_end()

    def search_hits(self) -> Steps:
        offsets = range(0, self.f.need.search_pages * SEARCH_PAGE, SEARCH_PAGE)
        return fan_out([partial(self._page, o, SEARCH_PAGE) for o in offsets], self.searched)

    def searched(self, pages: list[Page[Track]]) -> Steps:
        self.f.pages = pages
        return self.deep_end()

    def deep_end(self) -> Steps:
        f = self.f
        seen_until = sum(len(p.items) for p in f.pages)
        windows = deep_end_pages(f.total, seen_until, f.need, self.page_size)

        def read(pages: list[Page[Track]]) -> Steps:
            f.deep_pages = [(offset, page) for (offset, _), page in zip(windows, pages,
                                                                       strict=True)]
            return self.deep_end_read(seen_until)

        if not windows:
            return self.deep_end_read(seen_until)
        return fan_out([partial(self._page, o, n) for o, n in windows], read)

    def deep_end_read(self, seen_until: int) -> Steps:
        f, options = self.f, self.options
        deep_end = [t for _, page in f.deep_pages for t in page.items]
        # Extended Quota: popularity ranks every song seen, so all but the top tracks may be deep.
        known = f.top_tracks if self.extended and f.top_tracks is not None else f.hits
        if self.extended:
            deep_end = [*f.hits, *deep_end]
        usable = usable_deep_end(
            f.artist.id, deep_end, known, options.exclude_versions, options.allow_explicit
        )
        # Short of songs: the page above, then albums — unless search showed everything (a
        # page not full: the artist has no more).
        everything_seen = f.total <= seen_until and any(
            len(p.items) < self.page_size for p in f.pages
        )
        short = max(0, f.need.deep - usable) if f.need.deep and not everything_seen else 0
        higher = min((offset for offset, _ in f.deep_pages), default=seen_until)
        if short and higher > seen_until and len(f.deep_pages) < MAX_DEEP_END_PAGES:
            # Copies and excluded versions filled the deep end: the page above, up to five.
            offset = max(seen_until, higher - self.page_size)

            def read(pages: list[Page[Track]]) -> Steps:
                f.deep_pages.insert(0, (offset, pages[0]))
                return self.deep_end_read(seen_until)

            return fan_out([partial(self._page, offset, higher - offset)], read)
        top_cover = EXTENDED_TOP_COVER if self.extended else 0
        need = ArtistNeed(top=max(0, f.need.top - top_cover), deep=short)
        if not need.songs_from_albums:
            return self.done()
        return [partial(self.read_releases, need)]

    def read_releases(self, need: ArtistNeed) -> Steps:
        f = self.f
        hit_albums = [
            t.album for t in [*(f.top_tracks or ()), *f.hits]
            if t.album and t.lead_artist and t.lead_artist.id == f.artist.id
        ]
        f.releases = _releases(self.gateway, f.artist, need, self.options)
        chosen = choose_albums(
            f.releases, need, exclude_versions=self.options.exclude_versions,
            hit_albums=hit_albums,
        )
        return self.fetch_albums(chosen)

    def fetch_albums(self, chosen: list[Album]) -> Steps:
        ids = [a.id for a in chosen]
        size = max(1, self.gateway.album_batch_size)
        batches = [ids[i : i + size] for i in range(0, len(ids), size)]

        def fetched(found: list[Sequence[AlbumTracks]]) -> Steps:
            self.f.albums = [a for batch in found for a in batch]
            return self.popularity(self.f.albums) if self.extended else self.done()

        if not batches:
            return self.done()
        return fan_out([partial(self.gateway.albums, b) for b in batches], fetched)

    def popularity(self, albums: list[AlbumTracks]) -> Steps:
        ids = [t.id for album in albums for t in album.tracks if t.popularity is None]
        size = max(1, self.gateway.track_batch_size)

        def fetched(found: list[Sequence[Track]]) -> Steps:
            for track in (t for batch in found for t in batch):
                if track.popularity is not None:
                    self.f.popularity[track.id] = track.popularity
            return self.done()

        batches = [ids[i : i + size] for i in range(0, len(ids), size)]
        if not batches:
            return self.done()
        return fan_out([partial(self.gateway.tracks, b) for b in batches], fetched)

    def _page(self, offset: int, limit: int) -> Page[Track]:
        return self.gateway.search_track_page(self.query, limit=limit, offset=offset)


def _query(artist: Artist) -> str:
    name = artist.name.replace('"', " ").strip()
    return f'artist:"{name}"'


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
