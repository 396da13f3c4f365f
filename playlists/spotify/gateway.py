"""The Spotify gateway: the only code that talks to the Spotify Web API.

A thin adapter over spotipy's public API: a ``spotipy.Spotify`` with a ``requests.Session`` of
its own that carries the retry policy (``retry.py``); ``calls.py`` turns answers and
exceptions into models and the app's errors.  Every method returns models from ``models.py``
and raises only ``errors.SpotifyError`` subclasses.  Where spotipy 2.26 calls an endpoint
Spotify removed, ``_remove_from_library`` is the one helper that goes to the session directly.

Written for Spotify as it is in late 2026.  In Development Mode there is no popularity, no
artist top tracks and no ``?ids=`` batch look-ups, and search and artist releases page by at
most 10.  ``api_mode="extended"`` uses those when the app has Extended Quota; if Spotify answers
403 anyway, the gateway remembers and falls back to the Development Mode path.

Every method makes its requests one after another, on the calling thread: running look-ups
concurrently is the caller's plan (``services/plan.py``).  At most ``max_workers`` requests are
in flight at once.  Public catalogue data (searches, releases, albums) goes through an optional
process-wide cache (``cache.py``); nothing else is remembered.  Close the gateway (or use
``with``) to release its connections.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from typing import Any, Self, TypeVar

import requests
import spotipy

from . import calls, parsing
from .cache import CATALOGUE_CACHE, TTLCache, cache_enabled_by_default
from .errors import (
    SpotifyBadRequest,
    SpotifyForbidden,
    SpotifyRateLimited,
    SpotifyUnavailable,
    SpotifyWriteUnconfirmed,
)
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
from .retry import SpotifyRetry, backoff_delay, retrying_session

T = TypeVar("T")

DEV_PAGE_LIMIT = 10  # /search and /artists/{id}/albums in Development Mode
PAGE_LIMIT = 50  # everything else that pages by offset
ITEMS_PER_WRITE = 100  # POST/PUT /playlists/{id}/items
BATCH_ALBUMS = 20  # GET /albums?ids= (Extended Quota only)
BATCH_TRACKS = 50  # GET /tracks?ids= (Extended Quota only)
ALL_GROUPS = ("album", "single", "compilation")
MAX_RATE_LIMIT_RETRIES = 5  # 429s waited out within one call
PLAYLIST_FIELDS = (
    "id,name,uri,external_urls,snapshot_id,description,public,owner(id),items(total)"
)


def _same(raw: Any) -> Any:
    return raw


class SpotifyGateway:
    """Typed access to the Web API for one user; see the module docstring."""

    def __init__(
        self,
        access_token: str,
        *,
        api_base_url: str,
        refresh_access_token: Callable[[], str] | None = None,
        max_workers: int = 8,
        request_timeout: float = 10.0,
        max_wait_for_rate_limit: float = 5.0,
        max_retries: int = 3,
        api_mode: ApiMode = "development",
        rate_limit_budget: float | None = None,
        use_catalogue_cache: bool | None = None,
        catalogue_cache: TTLCache = CATALOGUE_CACHE,
        market: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if api_mode not in ("development", "extended"):
            raise ValueError(f"api_mode must be 'development' or 'extended', not {api_mode!r}")
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.api_base_url = api_base_url.rstrip("/") + "/"
        self.api_mode: ApiMode = api_mode
        self.max_workers = max_workers
        self.request_timeout = request_timeout
        self.market = market
        self._sleep = sleep
        self._rng = random.Random()  # noqa: S311 - jitter, not security
        self._max_retries = max_retries
        self._count_lock = threading.Lock()
        self.request_count = 0
        retry = SpotifyRetry.policy(max_retries, sleep=sleep, rng=self._rng, on_retry=self._sent)
        self._session = retrying_session(retry, pool_size=max_workers)
        self._sp = spotipy.Spotify(requests_session=self._session, requests_timeout=request_timeout)
        self._sp.prefix = self.api_base_url
        self._tokens = calls.TokenHolder(self._sp, access_token, refresh_access_token)
        budget = rate_limit_budget
        if budget is None:
            budget = max(10.0, 2 * max_wait_for_rate_limit)
        self._gate = calls.RateGate(max_wait_for_rate_limit, budget, clock, sleep)
        self._in_flight = threading.BoundedSemaphore(max_workers)
        if use_catalogue_cache is None:
            use_catalogue_cache = cache_enabled_by_default()
        self._cache = catalogue_cache if use_catalogue_cache else None
        self._refused: set[str] = set()  # Extended Quota features Spotify refused after all
        self.closed = False

    # -- lifecycle and bookkeeping -------------------------------------------------------
    def close(self) -> None:
        """Release the connections; look-ups still running give up at once."""
        self.closed = True
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def token_refresh_count(self) -> int:
        return self._tokens.refresh_count

    @property
    def supports_popularity(self) -> bool:
        """Extended Quota mode: popularity, artist top tracks and batch look-ups."""
        return self.api_mode == "extended"

    @property
    def album_batch_size(self) -> int:
        """How many albums one ``albums()`` call fetches with one request."""
        return BATCH_ALBUMS if self._extended("batch_albums") else 1

    @property
    def track_batch_size(self) -> int:
        return BATCH_TRACKS if self._extended("batch_tracks") else 1

    def _sent(self) -> None:
        with self._count_lock:
            self.request_count += 1

    def _extended(self, feature: str) -> bool:
        return self.api_mode == "extended" and feature not in self._refused

    # -- the call policy (calls.py) -------------------------------------------------------
    def _call(
        self,
        op: str,
        request: Callable[[spotipy.Spotify], Any],
        parse: Callable[[Any], T] = _same,
        *,
        idempotent: bool = True,
        expect_body: bool = True,
    ) -> T:
        malformed = rate_limited = 0
        refreshed = False
        while True:
            if self.closed:
                raise SpotifyUnavailable(f"{op}: the gateway is closed")
            self._gate.wait()
            token = self._tokens.current
            try:
                with self._in_flight:
                    self._sent()
                    raw = request(self._sp)
            except spotipy.SpotifyException as exc:
                if exc.http_status == 401 and not refreshed and self._tokens.can_refresh:
                    calls.logger.info("Spotify %s: token expired, refreshing", op)
                    self._tokens.refresh(token)
                    refreshed = True
                    continue
                if exc.http_status == 429:
                    wait = calls.retry_after(exc)
                    calls.logger.warning("Spotify %s: 429, Retry-After %.1fs", op, wait)
                    rate_limited += 1
                    if rate_limited > MAX_RATE_LIMIT_RETRIES:
                        raise SpotifyRateLimited(max(1, math.ceil(wait))) from None
                    self._gate.hold(wait, quota_exceeded=calls.is_quota(exc))
                    continue
                raise calls.mapped(op, exc) from None
            except requests.RequestException as exc:
                raise calls.transport_failure(op, exc, idempotent=idempotent) from exc
            try:
                if expect_body and raw is None:
                    raise ValueError("a 2xx answer without a JSON body")
                return parse(raw)
            except (KeyError, TypeError, ValueError) as exc:
                if not idempotent:
                    raise SpotifyWriteUnconfirmed(
                        f"{op}: applied but the answer was unreadable; not repeated",
                        applied=True,
                    ) from exc
                if malformed >= self._max_retries:
                    raise SpotifyUnavailable(f"{op}: unreadable answer") from exc
                malformed += 1
                self._sleep(backoff_delay(malformed, 0.2, self._rng))

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

    def _pages(
        self, fetch_page: Callable[[int], Page[T]], *, offset: int = 0, max_items: int | None
    ) -> list[T]:
        """Items of an offset-paged list from ``offset``, page after page."""
        items: list[T] = []
        while max_items is None or len(items) < max_items:
            page = fetch_page(offset + len(items))
            items.extend(page.items)
            if not page.items or offset + len(items) >= page.total:
                break
        return items[:max_items] if max_items is not None else items

    # -- the user -------------------------------------------------------------------------
    def current_user(self) -> SpotifyUser:
        return self._call("GET /me", lambda sp: sp.current_user(), parsing.user)

    def top_artists(self, time_range: TimeRange = "medium_term", limit: int = 50) -> list[Artist]:
        """The user's top artists, best first (``user-top-read``)."""
        return self._pages(
            lambda offset: self._call(
                "GET /me/top/artists",
                lambda sp: sp.current_user_top_artists(
                    limit=min(limit, PAGE_LIMIT), offset=offset, time_range=time_range
                ),
                lambda raw: _page(raw, _artists),
            ),
            max_items=limit,
        )

    def user_top_tracks(
        self, time_range: TimeRange = "medium_term", limit: int = 50
    ) -> list[Track]:
        """The user's own top tracks, best first (``user-top-read``)."""
        return self._pages(
            lambda offset: self._call(
                "GET /me/top/tracks",
                lambda sp: sp.current_user_top_tracks(
                    limit=min(limit, PAGE_LIMIT), offset=offset, time_range=time_range
                ),
                lambda raw: _page(raw, parsing.tracks),
            ),
            max_items=limit,
        )

    def followed_artists(self, limit: int = 50) -> list[Artist]:
        """Artists the user follows, following the ``after`` cursor (``user-follow-read``)."""
        artists: list[Artist] = []
        after: str | None = None
        while len(artists) < limit:
            page = self._call(
                "GET /me/following",
                partial(_followed_page, limit=min(PAGE_LIMIT, limit - len(artists)), after=after),
                lambda raw: raw["artists"],
            )
            artists.extend(_artists(page.get("items") or ()))
            after = (page.get("cursors") or {}).get("after")
            if not after or not page.get("items"):
                break
        return artists[:limit]

    def saved_tracks_page(self, offset: int = 0) -> Page[Track]:
        """50 of the user's saved tracks, newest first (``user-library-read``)."""
        return self._call(
            "GET /me/tracks",
            lambda sp: sp.current_user_saved_tracks(limit=PAGE_LIMIT, offset=offset),
            lambda raw: _page(raw, _saved_tracks),
        )

    def saved_tracks(self, max_items: int = 2500) -> list[Track]:
        return self._pages(self.saved_tracks_page, max_items=max_items)

    # -- catalogue ------------------------------------------------------------------------
    def artist(self, artist_id: str) -> Artist:
        return self._call("GET /artists/{id}", lambda sp: sp.artist(artist_id), parsing.artist)

    def search_artists(self, query: str, *, limit: int = 10) -> list[Artist]:
        return self._cached(
            ("search", "artist", query, limit, 0),
            lambda: self._search(query, "artist", limit, 0, _artists),
        )

    def search_tracks(self, query: str, *, limit: int = 10, offset: int = 0) -> list[Track]:
        """Tracks in Spotify's search order (relevance and, undocumented, popularity)."""
        return self._cached(
            ("search", "track", query, limit, offset),
            lambda: self._search(query, "track", limit, offset, parsing.tracks),
        )

    def _search(
        self, query: str, kind: str, limit: int, offset: int, parse: Callable[[Any], list[T]]
    ) -> list[T]:
        if not self._extended("search_limit"):
            limit = min(limit, DEV_PAGE_LIMIT)
        return self._call(
            f"GET /search type={kind}",
            lambda sp: sp.search(query, limit=limit, offset=offset, type=kind, market=self.market),
            lambda raw: parse((raw.get(f"{kind}s") or {}).get("items") or ()),
        )

    def artist_albums(
        self,
        artist_id: str,
        include_groups: Sequence[str] = ALL_GROUPS,
        *,
        max_items: int | None = None,
        offset: int = 0,
    ) -> list[Album]:
        """The artist's releases from ``offset`` in Spotify's order (groups, then newest
        first); ``max_items`` stops paging early."""
        groups = ",".join(include_groups)

        def fetch(limit: int) -> list[Album]:
            return self._pages(
                lambda at: self._call(
                    "GET /artists/{id}/albums",
                    lambda sp: sp.artist_albums(
                        artist_id, include_groups=groups, country=self.market, limit=limit,
                        offset=at,
                    ),
                    lambda raw: _page(raw, _albums),
                ),
                offset=offset, max_items=max_items,
            )

        def fetch_largest_pages() -> list[Album]:
            if self._extended("albums_limit"):
                try:
                    return fetch(PAGE_LIMIT)
                except SpotifyBadRequest:  # "Invalid limit": not Extended Quota after all
                    self._refused.add("albums_limit")
            return fetch(DEV_PAGE_LIMIT)

        return self._cached(
            ("artist_albums", artist_id, groups, max_items, offset), fetch_largest_pages
        )

    def album(self, album_id: str) -> AlbumTracks:
        """An album with all its tracks: ``GET /albums/{id}`` embeds the first 50."""

        def fetch() -> AlbumTracks:
            detail, page = self._call(
                "GET /albums/{id}", lambda sp: sp.album(album_id, market=self.market),
                parsing.album_tracks,
            )
            return self._rest_of_album(detail, page)

        return self._cached(("album", album_id), fetch)

    def _rest_of_album(self, detail: AlbumTracks, page: parsing.Json) -> AlbumTracks:
        if int(page.get("total") or 0) <= len(detail.tracks):
            return detail
        rest = self._pages(
            lambda offset: self._call(
                "GET /albums/{id}/tracks",
                lambda sp: sp.album_tracks(
                    detail.album.id, limit=PAGE_LIMIT, offset=offset, market=self.market
                ),
                lambda raw: _page(raw, lambda items: parsing.tracks(items, detail.album)),
            ),
            offset=len(detail.tracks), max_items=None,
        )
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
        found = self._call(
            "GET /albums?ids=", lambda sp: sp.albums(list(ids), market=self.market),
            lambda raw: [parsing.album_tracks(a) for a in raw["albums"] if a],
        )
        return [
            self._cached(("album", detail.album.id), partial(self._rest_of_album, detail, page))
            for detail, page in found
        ]

    def tracks(self, track_ids: Sequence[str]) -> list[Track]:
        """Full track objects (ISRC, popularity in Extended Quota)."""
        ids = list(dict.fromkeys(track_ids))
        if self._extended("batch_tracks"):
            try:
                batches = _chunks(ids, BATCH_TRACKS)
                return [t for chunk in batches for t in self._batch_tracks(chunk)]
            except SpotifyForbidden:
                self._refused.add("batch_tracks")
        return [self.track(track_id) for track_id in ids]

    def _batch_tracks(self, ids: Sequence[str]) -> list[Track]:
        return self._call(
            "GET /tracks?ids=", lambda sp: sp.tracks(list(ids), market=self.market),
            lambda raw: parsing.tracks(raw["tracks"]),
        )

    def track(self, track_id: str) -> Track:
        return self._call(
            "GET /tracks/{id}", lambda sp: sp.track(track_id, market=self.market), parsing.track
        )

    def artist_top_tracks(self, artist_id: str) -> list[Track] | None:
        """Spotify's top tracks (Extended Quota only); ``None`` when not available."""
        if not self._extended("top_tracks"):
            return None
        try:
            return self._call(
                "GET /artists/{id}/top-tracks",
                lambda sp: sp.artist_top_tracks(artist_id, country=self.market or "from_token"),
                lambda raw: parsing.tracks(raw["tracks"]),
            )
        except SpotifyForbidden:
            self._refused.add("top_tracks")
            return None

    # -- playlists ------------------------------------------------------------------------
    def current_user_playlists(self, *, limit: int = 50, offset: int = 0) -> list[PlaylistSummary]:
        """One page of the user's playlists, most recently added first, read now."""
        return self._call(
            "GET /me/playlists",
            lambda sp: sp.current_user_playlists(limit=min(limit, PAGE_LIMIT), offset=offset),
            lambda raw: [parsing.playlist(p) for p in raw.get("items") or () if p],
        )

    def get_playlist(self, playlist_id: str) -> PlaylistSummary:
        return self._call(
            "GET /playlists/{id}",
            lambda sp: sp.playlist(playlist_id, fields=PLAYLIST_FIELDS),
            parsing.playlist,
        )

    def playlist_item_uris(self, playlist_id: str, *, offset: int = 0) -> list[str | None]:
        """The URIs of the playlist's items from ``offset`` to the end, in order, read now;
        ``None`` for an item without one.  How a save checks an add whose answer was lost."""
        return self._pages(
            lambda at: self._call(
                "GET /playlists/{id}/items",
                lambda sp: sp.playlist_items(
                    playlist_id, limit=PAGE_LIMIT, offset=at, additional_types=("track",)
                ),
                lambda raw: _page(raw, lambda items: [_item_uri(e) for e in items]),
            ),
            offset=offset, max_items=None,
        )

    def create_playlist(
        self, name: str, *, description: str = "", public: bool = False
    ) -> PlaylistSummary:
        """POST /me/playlists (``current_user_playlist_create`` in spotipy 2.26)."""
        return self._call(
            "POST /me/playlists",
            lambda sp: sp.current_user_playlist_create(
                name, public=public, collaborative=False, description=description
            ),
            parsing.playlist,
            idempotent=False,
        )

    def add_items(self, playlist_id: str, uris: Sequence[str]) -> str | None:
        """Append in order, ≤ 100 per POST; returns the last snapshot id."""
        snapshot: str | None = None
        for chunk in _chunks(list(uris), ITEMS_PER_WRITE):
            snapshot = self._add_chunk(playlist_id, chunk)
        return snapshot

    def _add_chunk(self, playlist_id: str, uris: Sequence[str]) -> str | None:
        return self._call(
            "POST /playlists/{id}/items",
            lambda sp: sp.playlist_add_items(playlist_id, list(uris)),
            _snapshot,
            idempotent=False,
        )

    def replace_items(self, playlist_id: str, uris: Sequence[str]) -> str | None:
        """Set the items: PUT the first 100 (idempotent), then POST the rest in order."""
        uris = list(uris)
        snapshot = self._call(
            "PUT /playlists/{id}/items",
            lambda sp: sp.playlist_replace_items(playlist_id, uris[:ITEMS_PER_WRITE]),
            _snapshot,
        )
        if len(uris) > ITEMS_PER_WRITE:
            snapshot = self.add_items(playlist_id, uris[ITEMS_PER_WRITE:])
        return snapshot

    def change_playlist_details(
        self,
        playlist_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        public: bool | None = None,
    ) -> None:
        self._call(
            "PUT /playlists/{id}",
            lambda sp: sp.playlist_change_details(
                playlist_id, name=name, public=public, description=description
            ),
            expect_body=False,
        )

    def unfollow_playlist(self, playlist_id: str) -> None:
        """How a user deletes a playlist: remove it from their library."""
        self._call(
            "DELETE /me/library",
            lambda sp: self._remove_from_library(f"spotify:playlist:{playlist_id}"),
            expect_body=False,
        )

    def _remove_from_library(self, uri: str) -> None:
        """``DELETE /me/library?uris=``: spotipy 2.26's ``current_user_unfollow_playlist`` still
        calls ``DELETE /playlists/{id}/followers``, gone in Development Mode.  The one request
        made without spotipy: the same session (so the same retries), errors raised as spotipy
        raises them."""
        response = self._session.delete(
            self.api_base_url + "me/library",
            params={"uris": uri},
            headers={"Authorization": f"Bearer {self._tokens.current}"},
            timeout=self.request_timeout,
        )
        if response.status_code >= 400:
            raise spotipy.SpotifyException(
                response.status_code, -1, response.text[:500], headers=response.headers
            )


def _followed_page(sp: spotipy.Spotify, *, limit: int, after: str | None) -> Any:
    return sp.current_user_followed_artists(limit=limit, after=after)


def _page[T](raw: Any, parse: Callable[[Any], Iterable[T]]) -> Page[T]:
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
        raise TypeError("not a paging object")
    return Page(tuple(parse(raw["items"])), int(raw.get("total") or 0))


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


def _item_uri(entry: Any) -> str | None:
    """``item`` since February 2026, ``track`` before."""
    if not isinstance(entry, dict):
        return None
    item = entry.get("item") or entry.get("track")
    uri = item.get("uri") if isinstance(item, dict) else None
    return uri if isinstance(uri, str) else None
