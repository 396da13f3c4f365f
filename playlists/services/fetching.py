"""Fetch what ranking needs for every artist: its best-known tracks and its deepest songs.

Per artist, one chain of waves (``lookup_pool``), all artists at once:

1. **first pages** — the hits: Development Mode, the first search page for ``artist:"Name"``
   (more pages only for many top picks); Extended Quota, the artist's top tracks and a
   50-result search page;
2. **last pages** — the deep end: the last page(s) of the same search, placed by the first
   page's total: the artist's least played songs across the whole catalogue, whatever album
   they are on (``ranking``: the search depth is the strongest deep-cut signal measured);
3. **the page above** — only while copies of known songs and excluded versions leave deep
   slots unfilled: the page above the deep end, up to five deep-end pages in all;
4. **albums** — only when the deep end still cannot supply the deep cuts (or the top picks
   need more songs than search gave): the release list, then albums with no hits first
   (``catalogue_needs``), with their tracks' popularity in Extended Quota.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from playlists.music import Album, AlbumTracks, Artist, Page, Track
from playlists.spotify.errors import SpotifyRateLimited

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
from .lookup_pool import Chain, Lookup
from .options import GenerationOptions
from .ports import CatalogueReader
from .ranking import ArtistMaterial

#: The preview's note when Spotify paused album look-ups (an endpoint lockout, often a day).
ALBUMS_PAUSED = (
    "Spotify has paused MoodyStream's album look-ups for now (for about {wait}), so this "
    "playlist was made from search results only: deep cuts may be a little less deep."
)


def fetch_materials(
    gateway: CatalogueReader,
    artists: Sequence[Artist],
    needs: Sequence[ArtistNeed],
    options: GenerationOptions,
    notes: list[str] | None = None,
) -> Chain[list[ArtistMaterial]]:
    """Every artist's material, in the artists' order: their chains all at once.

    Album look-ups are the fallback: when Spotify has paused them (429 past what a page may
    wait, short of the whole quota) the playlist is made from search alone and ``notes`` says
    so; any other failure, or a paused search, still ends the generation."""
    paused: list[SpotifyRateLimited] = []
    fetches = {
        a.id: _ArtistFetch(gateway, a, n, options, paused)
        for a, n in zip(artists, needs, strict=True)
        if n.top + n.deep
    }
    materials = yield [fetch.waves() for fetch in fetches.values()]
    if paused and notes is not None:
        longest = max(p.retry_after_seconds for p in paused)
        notes.append(ALBUMS_PAUSED.format(wait=_wait(longest)))
    by_id: dict[str, ArtistMaterial] = dict(zip(fetches, materials, strict=True))
    return [by_id.get(a.id) or ArtistMaterial(a) for a in artists]


def _wait(seconds: int) -> str:
    if seconds < 2 * 3600:
        return f"{max(1, round(seconds / 60))} minutes"
    return f"{round(seconds / 3600)} hours"


def _unless_paused[T](lookup: Callable[[], T], empty: T,
                      paused: list[SpotifyRateLimited]) -> Callable[[], T]:
    """``lookup``, or ``empty`` (noted in ``paused``) when Spotify paused its endpoint."""

    def run() -> T:
        try:
            return lookup()
        except SpotifyRateLimited as exc:
            if exc.quota_exceeded:
                raise
            paused.append(exc)
            return empty

    return run


class _ArtistFetch:
    """One artist's waves of look-ups, and what they brought back."""

    def __init__(
        self, gateway: CatalogueReader, artist: Artist, need: ArtistNeed,
        options: GenerationOptions, paused: list[SpotifyRateLimited],
    ) -> None:
        self.gateway, self.artist, self.need, self.options = gateway, artist, need, options
        self.paused = paused
        self.extended = gateway.supports_popularity
        self.query = _query(artist)
        self.page_size = SEARCH_PAGE
        self.top_tracks: Sequence[Track] | None = None
        self.pages: list[Page[Track]] = []  # from offset 0, in order
        self.seen_until = 0  # the results those pages hold
        self.deep_pages: list[tuple[int, Page[Track]]] = []  # (offset, page), in order
        self.releases: list[Album] = []
        self.albums: list[AlbumTracks] = []
        self.popularity: dict[str, int] = {}

    def waves(self) -> Chain[ArtistMaterial]:
        yield from self.first_pages()
        yield from self.last_pages()
        short = yield from self.pages_above()
        yield from self.from_albums(short)
        return self.material()

    def first_pages(self) -> Chain[None]:
        """The hits (Extended Quota: the Development Mode way if top tracks are refused)."""
        if self.extended:
            self.top_tracks, first = yield [
                partial(self.gateway.artist_top_tracks, self.artist.id),
                self._page(0, EXTENDED_SEARCH_PAGE),
            ]
            if self.top_tracks is not None:
                self.pages, self.page_size = [first], EXTENDED_SEARCH_PAGE
                self.seen_until = len(first.items)
                return
            self.extended = False  # refused after all
        offsets = range(0, self.need.search_pages * SEARCH_PAGE, SEARCH_PAGE)
        self.pages = yield [self._page(offset, SEARCH_PAGE) for offset in offsets]
        self.seen_until = sum(len(p.items) for p in self.pages)

    def last_pages(self) -> Chain[None]:
        """The deep end, placed by the first page's total (none if the first pages hold all)."""
        windows = deep_end_pages(self.total, self.seen_until, self.need, self.page_size)
        if windows:
            pages = yield [self._page(offset, limit) for offset, limit in windows]
            self.deep_pages = [(o, page) for (o, _), page in zip(windows, pages, strict=True)]

    def pages_above(self) -> Chain[int]:
        """The page above the deep end, while deep slots are short of songs; how many are."""
        short = self.short_of_deep_cuts()
        higher = min((offset for offset, _ in self.deep_pages), default=self.seen_until)
        while short and higher > self.seen_until and len(self.deep_pages) < MAX_DEEP_END_PAGES:
            offset = max(self.seen_until, higher - self.page_size)
            (page,) = yield [self._page(offset, higher - offset)]
            self.deep_pages.insert(0, (offset, page))
            short, higher = self.short_of_deep_cuts(), offset
        return short

    def from_albums(self, short: int) -> Chain[None]:
        """The release list, then the chosen albums, then (Extended Quota) their popularity."""
        top_cover = EXTENDED_TOP_COVER if self.extended else 0
        need = ArtistNeed(top=max(0, self.need.top - top_cover), deep=short)
        if not need.songs_from_albums:
            return
        hit_albums = [
            t.album for t in [*(self.top_tracks or ()), *self.hits]
            if t.album and t.lead_artist and t.lead_artist.id == self.artist.id
        ]
        if self.paused:  # another artist found album look-ups paused: ask no more
            return
        (self.releases,) = yield [_unless_paused(
            partial(_releases, self.gateway, self.artist, need, self.options), [], self.paused)]
        chosen = choose_albums(
            self.releases, need, exclude_versions=self.options.exclude_versions,
            hit_albums=hit_albums,
        )
        batches = _batches([a.id for a in chosen], self.gateway.album_batch_size)
        if not batches:
            return
        found = yield [_unless_paused(partial(self.gateway.albums, batch), [], self.paused)
                       for batch in batches]
        self.albums = [album for batch in found for album in batch]
        unknown = [t.id for a in self.albums for t in a.tracks if t.popularity is None]
        batches = _batches(unknown, self.gateway.track_batch_size)
        if not self.extended or not batches:
            return
        found = yield [partial(self.gateway.tracks, batch) for batch in batches]
        for track in (t for batch in found for t in batch):
            if track.popularity is not None:
                self.popularity[track.id] = track.popularity

    def short_of_deep_cuts(self) -> int:
        """Deep slots the deep end read so far cannot fill: 0 when search showed everything
        (a page not full: the artist has no more)."""
        deep_end = [t for _, page in self.deep_pages for t in page.items]
        # Extended Quota: popularity ranks every song seen, so all but the top tracks may be deep.
        known = self.top_tracks if self.extended and self.top_tracks is not None else self.hits
        if self.extended:
            deep_end = [*self.hits, *deep_end]
        usable = usable_deep_end(
            self.artist.id, deep_end, known, self.options.exclude_versions,
            self.options.allow_explicit,
        )
        everything_seen = self.total <= self.seen_until and any(
            len(p.items) < self.page_size for p in self.pages
        )
        return max(0, self.need.deep - usable) if self.need.deep and not everything_seen else 0

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

    def _page(self, offset: int, limit: int) -> Lookup:
        return partial(self.gateway.search_track_page, self.query, limit=limit, offset=offset)


def _query(artist: Artist) -> str:
    name = artist.name.replace('"', " ").strip()
    return f'artist:"{name}"'


def _batches(ids: list[str], size: int) -> list[list[str]]:
    size = max(1, size)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


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
