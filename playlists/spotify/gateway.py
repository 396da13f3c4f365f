"""The Spotify gateway: the only code that talks to the Spotify Web API.

A thin adapter over spotipy's public API: a ``spotipy.Spotify`` on a ``requests.Session`` of
its own carrying the retry policy (``retry.py``); ``calls.py`` decides what spotipy's answers
and exceptions mean.  Methods return ``models`` and raise only ``errors.SpotifyError``.  The
one request spotipy 2.26 cannot make is ``_remove_from_library``.

Development Mode (late 2026): no popularity, artist top tracks or ``?ids=`` batches; search
and artist releases page by at most 10.  ``api_mode="extended"`` uses them, and falls back for
good if Spotify refuses one anyway.  Each method makes its requests one after another on the
calling thread (concurrency is the caller's plan, ``services/plan.py``), at most
``max_workers`` in flight.  Public catalogue data may go through the process cache
(``cache.py``); nothing else is remembered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from typing import Any, Self, TypeVar

import spotipy

from . import parsing
from .cache import CATALOGUE_CACHE, TTLCache, cache_enabled_by_default
from .calls import CallPolicy
from .errors import SpotifyBadRequest, SpotifyForbidden
from .models import (
    Album,
    AlbumTracks,
    ApiMode,
    Artist,
    Page,
    PlaylistSummary,
    SpotifyUser,
    TimeRange,
    Track,
)

T = TypeVar("T")
Request = Callable[[spotipy.Spotify], Any]

DEV_PAGE_LIMIT = 10  # /search and /artists/{id}/albums in Development Mode
PAGE_LIMIT = 50  # everything else that pages by offset
ITEMS_PER_WRITE = 100  # POST/PUT /playlists/{id}/items
BATCH_ALBUMS, BATCH_TRACKS = 20, 50  # GET /albums?ids=, /tracks?ids= (Extended Quota only)
ALL_GROUPS = ("album", "single", "compilation")
PLAYLIST_FIELDS = "id,name,uri,external_urls,snapshot_id,description,public,owner(id),items(total)"


class SpotifyGateway:
    """Typed access to the Web API for one user; see the module docstring."""

    def __init__(self, access_token: str, *, api_base_url: str,
                 refresh_access_token: Callable[[], str] | None = None, max_workers: int = 8,
                 request_timeout: float = 10.0, max_wait_for_rate_limit: float = 5.0,
                 max_retries: int = 3, api_mode: ApiMode = "development",
                 rate_limit_budget: float | None = None, use_catalogue_cache: bool | None = None,
                 catalogue_cache: TTLCache = CATALOGUE_CACHE, market: str | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if api_mode not in ("development", "extended"):
            raise ValueError(f"api_mode must be 'development' or 'extended', not {api_mode!r}")
        self.api_base_url = api_base_url.rstrip("/") + "/"
        self.api_mode: ApiMode = api_mode
        self.max_workers = max_workers
        self.request_timeout = request_timeout
        self.market = market
        self._calls = CallPolicy(access_token, refresh_access_token, max_workers=max_workers,
                                 max_retries=max_retries, max_wait=max_wait_for_rate_limit,
                                 rate_limit_budget=rate_limit_budget, sleep=sleep, clock=clock)
        self._sp = spotipy.Spotify(requests_session=self._calls.session,
                                   requests_timeout=request_timeout)
        self._sp.prefix = self.api_base_url
        self._calls.use(self._sp)
        if use_catalogue_cache is None:
            use_catalogue_cache = cache_enabled_by_default()
        self._cache = catalogue_cache if use_catalogue_cache else None
        self._refused: set[str] = set()  # Extended Quota features Spotify refused after all

    def close(self) -> None:
        """Release the connections; look-ups still running give up at once."""
        self._calls.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def request_count(self) -> int:  # HTTP requests sent, retries included
        return self._calls.request_count

    @property
    def token_refresh_count(self) -> int:
        return self._calls.tokens.refresh_count

    @property
    def supports_popularity(self) -> bool:  # Extended Quota: popularity, top tracks, batches
        return self.api_mode == "extended"

    @property
    def album_batch_size(self) -> int:  # albums one ``albums()`` request fetches
        return BATCH_ALBUMS if self._extended("batch_albums") else 1

    @property
    def track_batch_size(self) -> int:
        return BATCH_TRACKS if self._extended("batch_tracks") else 1

    def _extended(self, feature: str) -> bool:
        return self.api_mode == "extended" and feature not in self._refused

    def _call(self, op: str, request: Request, parse: Callable[[Any], T], **policy: bool) -> T:
        return self._calls.call(op, request, parse, **policy)

    def _cached(self, key: Hashable, fetch: Callable[[], T]) -> T:
        """Public catalogue data through the process-wide cache (when it is on)."""
        if self._cache is None:
            return fetch()
        cache_key = (self.api_base_url, self.api_mode, key)
        hit = self._cache.get(cache_key)
        if hit is None:
            hit = fetch()
            self._cache.set(cache_key, hit)
        return list(hit) if isinstance(hit, list) else hit  # type: ignore[return-value]

    def _paged(self, op: str, request: Callable[[spotipy.Spotify, int], Any],
               parse: Callable[[Iterable[Any]], Iterable[T]], *, offset: int = 0,
               max_items: int | None = None) -> list[T]:
        """An offset-paged list from ``offset``, page after page (by what Spotify returned)."""
        items: list[T] = []
        while max_items is None or len(items) < max_items:
            page = self._call(op, _at(request, offset + len(items)), partial(_page, parse=parse))
            items.extend(page.items)
            if not page.items or offset + len(items) >= page.total:
                break
        return items if max_items is None else items[:max_items]

    # -- the user -------------------------------------------------------------------------
    def current_user(self) -> SpotifyUser:
        return self._call("GET /me", lambda sp: sp.current_user(), parsing.user)

    def top_artists(self, time_range: TimeRange = "medium_term", limit: int = 50) -> list[Artist]:
        """The user's top artists, best first (``user-top-read``)."""
        return self._paged("GET /me/top/artists", lambda sp, at: sp.current_user_top_artists(
            limit=min(limit, PAGE_LIMIT), offset=at, time_range=time_range,
        ), _artists, max_items=limit)

    def user_top_tracks(self, time_range: TimeRange = "medium_term", limit: int = 50
                        ) -> list[Track]:
        """The user's own top tracks, best first (``user-top-read``)."""
        return self._paged("GET /me/top/tracks", lambda sp, at: sp.current_user_top_tracks(
            limit=min(limit, PAGE_LIMIT), offset=at, time_range=time_range,
        ), parsing.tracks, max_items=limit)

    def followed_artists(self, limit: int = 50) -> list[Artist]:
        """Artists the user follows, following the ``after`` cursor (``user-follow-read``)."""
        artists: list[Artist] = []
        after: str | None = None
        while len(artists) < limit:
            page = self._call("GET /me/following", partial(
                _followed_page, limit=min(PAGE_LIMIT, limit - len(artists)), after=after,
            ), lambda raw: raw["artists"])
            artists.extend(_artists(page.get("items") or ()))
            after = (page.get("cursors") or {}).get("after")
            if not after or not page.get("items"):
                break
        return artists[:limit]

    def saved_tracks_page(self, offset: int = 0) -> Page[Track]:
        """50 of the user's saved tracks, newest first (``user-library-read``)."""
        return self._call("GET /me/tracks", lambda sp: sp.current_user_saved_tracks(
            limit=PAGE_LIMIT, offset=offset,
        ), partial(_page, parse=_saved_tracks))

    # -- catalogue ------------------------------------------------------------------------
    def artist(self, artist_id: str) -> Artist:
        return self._call("GET /artists/{id}", lambda sp: sp.artist(artist_id), parsing.artist)

    def search_artists(self, query: str, *, limit: int = 10) -> list[Artist]:
        return self._cached(("search", "artist", query, limit, 0),
                            lambda: self._search(query, "artist", limit, 0, _artists))

    def search_tracks(self, query: str, *, limit: int = 10, offset: int = 0) -> list[Track]:
        """Tracks in Spotify's search order (relevance and, undocumented, popularity)."""
        return self._cached(("search", "track", query, limit, offset),
                            lambda: self._search(query, "track", limit, offset, parsing.tracks))

    def search_track_page(self, query: str, *, limit: int = 10, offset: int = 0) -> Page[Track]:
        """A page of ``search_tracks`` and the number of results in all: how deep the page
        sits in the artist's results (Spotify rejects offset + limit beyond 1,000)."""

        def page(raw: Any) -> Page[Track]:
            found = raw.get("tracks") or {}
            items = tuple(parsing.tracks(found.get("items") or ()))
            return Page(items, int(found.get("total") or len(items)))

        if not self._extended("search_limit"):
            limit = min(limit, DEV_PAGE_LIMIT)
        return self._cached(
            ("search", "track-page", query, limit, offset),
            lambda: self._call(
                "GET /search type=track",
                lambda sp: sp.search(
                    query, limit=limit, offset=offset, type="track", market=self.market
                ),
                page,
            ),
        )

    def _search(self, query: str, kind: str, limit: int, offset: int,
                parse: Callable[[Any], list[T]]) -> list[T]:
        if not self._extended("search_limit"):
            limit = min(limit, DEV_PAGE_LIMIT)
        return self._call(f"GET /search type={kind}", lambda sp: sp.search(
            query, limit=limit, offset=offset, type=kind, market=self.market,
        ), lambda raw: parse((raw.get(f"{kind}s") or {}).get("items") or ()))

    def artist_albums(self, artist_id: str, include_groups: Sequence[str] = ALL_GROUPS, *,
                      max_items: int | None = None, offset: int = 0) -> list[Album]:
        """The artist's releases from ``offset`` in Spotify's order (groups, then newest
        first); ``max_items`` stops paging early."""
        groups = ",".join(include_groups)

        def fetch(limit: int) -> list[Album]:
            return self._paged("GET /artists/{id}/albums", lambda sp, at: sp.artist_albums(
                artist_id, include_groups=groups, country=self.market, limit=limit, offset=at,
            ), _albums, offset=offset, max_items=max_items)

        def fetch_largest_pages() -> list[Album]:
            if self._extended("albums_limit"):
                try:
                    return fetch(PAGE_LIMIT)
                except SpotifyBadRequest:  # "Invalid limit": not Extended Quota after all
                    self._refused.add("albums_limit")
            return fetch(DEV_PAGE_LIMIT)

        return self._cached(("albums", artist_id, groups, max_items, offset), fetch_largest_pages)

    def album(self, album_id: str) -> AlbumTracks:
        """An album with all its tracks: ``GET /albums/{id}`` embeds the first 50."""

        def fetch() -> AlbumTracks:
            return self._rest_of_album(*self._call("GET /albums/{id}", lambda sp: sp.album(
                album_id, market=self.market), parsing.album_tracks))

        return self._cached(("album", album_id), fetch)

    def _rest_of_album(self, detail: AlbumTracks, page: parsing.Json) -> AlbumTracks:
        if int(page.get("total") or 0) <= len(detail.tracks):
            return detail
        rest = self._paged("GET /albums/{id}/tracks", lambda sp, at: sp.album_tracks(
            detail.album.id, limit=PAGE_LIMIT, offset=at, market=self.market,
        ), partial(parsing.tracks, on_album=detail.album), offset=len(detail.tracks))
        return AlbumTracks(detail.album, detail.tracks + tuple(rest))

    def albums(self, album_ids: Sequence[str]) -> list[AlbumTracks]:
        """Several albums with tracks: ``?ids=`` batches in Extended Quota, else one by one."""
        ids = list(dict.fromkeys(album_ids))
        if len(ids) > 1 and self._extended("batch_albums"):
            try:
                return [a for chunk in _chunks(ids, BATCH_ALBUMS) for a in self._batch(chunk)]
            except SpotifyForbidden:
                self._refused.add("batch_albums")
        return [self.album(album_id) for album_id in ids]

    def _batch(self, ids: Sequence[str]) -> list[AlbumTracks]:
        found = self._call("GET /albums?ids=", lambda sp: sp.albums(list(ids), market=self.market),
                           lambda raw: [parsing.album_tracks(a) for a in raw["albums"] if a])
        return [self._cached(("album", d.album.id), partial(self._rest_of_album, d, page))
                for d, page in found]

    def tracks(self, track_ids: Sequence[str]) -> list[Track]:
        """Full track objects (ISRC, popularity in Extended Quota)."""
        ids = list(dict.fromkeys(track_ids))
        if self._extended("batch_tracks"):
            try:
                return [t for chunk in _chunks(ids, BATCH_TRACKS) for t in self._call(
                    "GET /tracks?ids=", partial(_tracks, ids=chunk, market=self.market),
                    lambda raw: parsing.tracks(raw["tracks"]))]
            except SpotifyForbidden:
                self._refused.add("batch_tracks")
        return [self.track(track_id) for track_id in ids]

    def track(self, track_id: str) -> Track:
        return self._call("GET /tracks/{id}", lambda sp: sp.track(track_id, market=self.market),
                          parsing.track)

    def artist_top_tracks(self, artist_id: str) -> list[Track] | None:
        """Spotify's top tracks (Extended Quota only); ``None`` when not available."""
        if not self._extended("top_tracks"):
            return None
        try:
            return self._call("GET /artists/{id}/top-tracks", lambda sp: sp.artist_top_tracks(
                artist_id, country=self.market or "from_token",
            ), lambda raw: parsing.tracks(raw["tracks"]))
        except SpotifyForbidden:
            self._refused.add("top_tracks")
            return None

    # -- playlists ------------------------------------------------------------------------
    def current_user_playlists(self, *, limit: int = 50, offset: int = 0) -> list[PlaylistSummary]:
        """One page of the user's playlists, most recently added first, read now."""
        return self._call("GET /me/playlists", lambda sp: sp.current_user_playlists(
            limit=min(limit, PAGE_LIMIT), offset=offset,
        ), lambda raw: [parsing.playlist(p) for p in raw.get("items") or () if p])

    def get_playlist(self, playlist_id: str) -> PlaylistSummary:
        return self._call("GET /playlists/{id}", lambda sp: sp.playlist(
            playlist_id, fields=PLAYLIST_FIELDS), parsing.playlist)

    def playlist_item_uris(self, playlist_id: str, *, offset: int = 0) -> list[str | None]:
        """The URIs of the playlist's items from ``offset`` on, in order, read now (``None``
        for an item without one): how a save checks an add whose answer was lost."""
        return self._paged("GET /playlists/{id}/items", lambda sp, at: sp.playlist_items(
            playlist_id, limit=PAGE_LIMIT, offset=at, additional_types=("track",),
        ), lambda items: [_item_uri(entry) for entry in items], offset=offset)

    def create_playlist(self, name: str, *, description: str = "",
                        public: bool = False) -> PlaylistSummary:
        """POST /me/playlists (spotipy 2.26's ``current_user_playlist_create``)."""
        return self._call("POST /me/playlists", lambda sp: sp.current_user_playlist_create(
            name, public=public, collaborative=False, description=description,
        ), parsing.playlist, idempotent=False)

    def add_items(self, playlist_id: str, uris: Sequence[str]) -> str | None:
        """Append in order, ≤ 100 per POST; returns the last snapshot id."""
        snapshot: str | None = None
        for chunk in _chunks(list(uris), ITEMS_PER_WRITE):
            snapshot = self._call("POST /playlists/{id}/items", partial(
                _add_items, playlist_id=playlist_id, uris=chunk), _snapshot, idempotent=False)
        return snapshot

    def replace_items(self, playlist_id: str, uris: Sequence[str]) -> str | None:
        """Set the items: PUT the first 100 (idempotent), then POST the rest in order."""
        uris = list(uris)
        snapshot = self._call("PUT /playlists/{id}/items", lambda sp: sp.playlist_replace_items(
            playlist_id, uris[:ITEMS_PER_WRITE]), _snapshot)
        return self.add_items(playlist_id, uris[ITEMS_PER_WRITE:]) or snapshot

    def change_playlist_details(self, playlist_id: str, *, name: str | None = None,
                                description: str | None = None,
                                public: bool | None = None) -> None:
        self._call("PUT /playlists/{id}", lambda sp: sp.playlist_change_details(
            playlist_id, name=name, public=public, description=description,
        ), _ignore, expect_body=False)

    def unfollow_playlist(self, playlist_id: str) -> None:
        """How a user deletes a playlist: remove it from their library."""
        self._call("DELETE /me/library", lambda sp: self._remove_from_library(
            f"spotify:playlist:{playlist_id}"), _ignore, expect_body=False)

    def _remove_from_library(self, uri: str) -> None:
        """``DELETE /me/library?uris=``: spotipy 2.26's ``current_user_unfollow_playlist`` still
        calls the removed ``DELETE /playlists/{id}/followers``.  The one request made without
        spotipy: on its session (the same retries), failing as spotipy fails."""
        response = self._calls.session.delete(
            self.api_base_url + "me/library", params={"uris": uri},
            headers={"Authorization": f"Bearer {self._calls.tokens.current}"},
            timeout=self.request_timeout,
        )
        if response.status_code >= 400:
            raise spotipy.SpotifyException(
                response.status_code, -1, response.text[:500], headers=response.headers
            )


def _page[T](raw: Any, parse: Callable[[Iterable[Any]], Iterable[T]]) -> Page[T]:
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
        raise TypeError("not a paging object")
    return Page(tuple(parse(raw["items"])), int(raw.get("total") or 0))


def _at(request: Callable[[spotipy.Spotify, int], Any], offset: int) -> Request:
    return lambda sp: request(sp, offset)


def _followed_page(sp: spotipy.Spotify, *, limit: int, after: str | None) -> Any:
    return sp.current_user_followed_artists(limit=limit, after=after)


def _tracks(sp: spotipy.Spotify, *, ids: Sequence[str], market: str | None) -> Any:
    return sp.tracks(list(ids), market=market)


def _add_items(sp: spotipy.Spotify, *, playlist_id: str, uris: Sequence[str]) -> Any:
    return sp.playlist_add_items(playlist_id, list(uris))


def _chunks[T](items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _artists(items: Iterable[Any]) -> list[Artist]:
    return [parsing.artist(a) for a in items if a]


def _albums(items: Iterable[Any]) -> list[Album]:
    return [parsing.album(a) for a in items if a]


def _saved_tracks(items: Iterable[Any]) -> list[Track]:
    return parsing.tracks([(entry or {}).get("track") for entry in items])


def _snapshot(raw: Any) -> str | None:
    return raw.get("snapshot_id") if isinstance(raw, dict) else None


def _ignore(raw: Any) -> None:
    return None


def _item_uri(entry: Any) -> str | None:
    """``item`` since February 2026, ``track`` before."""
    item = entry.get("item") or entry.get("track") if isinstance(entry, dict) else None
    uri = item.get("uri") if isinstance(item, dict) else None
    return uri if isinstance(uri, str) else None
