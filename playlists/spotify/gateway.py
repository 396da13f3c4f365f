"""The Spotify gateway: the only code that talks to the Spotify Web API.

Built on spotipy for requests and error bodies; ``transport.Transport`` owns the retry, rate
limit and token-refresh policy.  Every method returns models from ``models.py`` and raises only
``errors.SpotifyError`` subclasses.

Written for Spotify as it is in late 2026.  In Development Mode there is no popularity, no
artist top tracks and no ``?ids=`` batch look-ups, and search and artist releases page by at
most 10.  ``api_mode="extended"`` uses those when the app has Extended Quota; if Spotify answers
403 anyway, the gateway remembers and falls back to the Development Mode path.

One gateway serves one user for one generation (or one save): it memoises every read, so
nothing is fetched twice, and fans look-ups out over a bounded pool sharing one
``requests.Session``.  Close it (or use ``with``) to release the threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

import requests
import spotipy
from requests.adapters import HTTPAdapter

from . import parsing
from .cache import CATALOGUE_CACHE, TTLCache, cache_enabled_by_default
from .concurrency import LayeredPool, Memo
from .errors import SpotifyBadRequest, SpotifyForbidden
from .models import (
    Album,
    AlbumTracks,
    ApiMode,
    Artist,
    PlaylistSummary,
    SpotifyUser,
    TimeRange,
    Track,
)
from .transport import Transport, _ResponseTap

T = TypeVar("T")
R = TypeVar("R")

DEV_PAGE_LIMIT = 10  # /search and /artists/{id}/albums in Development Mode
PAGE_LIMIT = 50  # everything else that pages by offset
ITEMS_PER_WRITE = 100  # POST/PUT /playlists/{id}/items
BATCH_ALBUMS = 20  # GET /albums?ids= (Extended Quota only)
BATCH_TRACKS = 50  # GET /tracks?ids= (Extended Quota only)
ALL_GROUPS = ("album", "single", "compilation")


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
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if api_mode not in ("development", "extended"):
            raise ValueError(f"api_mode must be 'development' or 'extended', not {api_mode!r}")
        self.api_base_url = api_base_url.rstrip("/") + "/"
        self.api_mode: ApiMode = api_mode
        self.max_workers = max_workers
        self.market = market
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max_workers, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        tap = _ResponseTap()
        self._session.hooks["response"].append(tap.hook)
        client = spotipy.Spotify(
            auth=access_token,
            requests_session=self._session,
            requests_timeout=request_timeout,
            retries=0,
            status_retries=0,
        )
        client.prefix = self.api_base_url
        self._sp = client
        extra: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        if clock is not None:  # tests: a virtual clock that ``sleep`` advances
            extra["clock"] = clock
        self._transport = Transport(
            client,
            tap,
            access_token=access_token,
            refresh_access_token=refresh_access_token,
            max_retries=max_retries,
            max_in_flight=max_workers,
            max_wait_for_rate_limit=max_wait_for_rate_limit,
            rate_limit_budget=(
                rate_limit_budget if rate_limit_budget is not None
                else max(10.0, 2 * max_wait_for_rate_limit)
            ),
            **extra,
        )
        self._pool = LayeredPool(max_workers)
        self._memo = Memo()
        if use_catalogue_cache is None:
            use_catalogue_cache = cache_enabled_by_default()
        self._cache = catalogue_cache if use_catalogue_cache else None
        self._extended_lock = threading.Lock()
        self._extended_refused: set[str] = set()

    # -- lifecycle and bookkeeping -------------------------------------------------------
    def close(self) -> None:
        """Release threads and connections; look-ups still running give up at once."""
        self._transport.closed = True
        self._pool.close()
        self._session.close()

    def __enter__(self) -> SpotifyGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def request_count(self) -> int:
        """HTTP requests sent by this gateway (retries included)."""
        return self._transport.request_count

    @property
    def token_refresh_count(self) -> int:
        return self._transport.refresh_count

    @property
    def supports_popularity(self) -> bool:
        """Extended Quota mode: popularity, artist top tracks and batch look-ups."""
        return self.api_mode == "extended"

    # -- concurrency ----------------------------------------------------------------------
    def gather(self, *thunks: Callable[[], T]) -> list[T]:
        """Run independent look-ups concurrently; results in order, first error raised."""
        return self._pool.gather(thunks)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        return self._pool.map(fn, items)

    # -- plumbing -------------------------------------------------------------------------
    def _call(
        self,
        op: str,
        request: Callable[[spotipy.Spotify], Any],
        parse: Callable[[Any], T] = lambda raw: raw,
        **policy: bool,
    ) -> T:
        return self._transport.call(op, request, parse, **policy)

    def _get(self, op: str, path: str, parse: Callable[[Any], T], **params: Any) -> T:
        params = {k: v for k, v in params.items() if v is not None}
        return self._call(op, lambda sp: sp._get(path, **params), parse)

    def _memoised(self, key: Hashable, compute: Callable[[], T], *, public: bool = False) -> T:
        """Once per gateway; public catalogue data also goes through the process cache.

        Lists come back as copies: the memoised (and cached) one is shared.
        """
        if public and self._cache is not None:
            cache, cache_key = self._cache, (self.api_base_url, self.api_mode, key)

            def compute_cached() -> T:
                hit = cache.get(cache_key)
                if hit is not None:
                    return hit
                value = compute()
                cache.set(cache_key, value)
                return value

            value = self._memo.get(key, compute_cached)
        else:
            value = self._memo.get(key, compute)
        return list(value) if isinstance(value, list) else value  # type: ignore[return-value]

    def _offset_pages(
        self,
        op: str,
        path: str,
        parse_items: Callable[[Sequence[Any]], list[T]],
        *,
        limit: int,
        max_items: int | None = None,
        first_page: dict[str, Any] | None = None,
        memoise_pages: bool = True,
        **params: Any,
    ) -> list[T]:
        """All items of an offset-paged list: page one, then the rest concurrently."""

        def fetch(offset: int) -> dict[str, Any]:
            def get() -> dict[str, Any]:
                return self._get(op, path, _page, limit=limit, offset=offset, **params)

            if not memoise_pages:
                return get()
            # One by one, so that a later, longer read reuses the pages already fetched.
            return self._memo.get(("page", path, tuple(sorted(params.items())), limit, offset), get)

        first = first_page if first_page is not None else fetch(0)
        raw_items = first.get("items") or ()
        items = parse_items(raw_items)
        total = int(first.get("total") or 0)
        if max_items is not None:
            total = min(total, max_items)
        # Step by what Spotify actually returned, in case it clamps ``limit``.
        step = len(raw_items)
        if step:
            for page in self.map(fetch, range(step, total, step)):
                items.extend(parse_items(page.get("items") or ()))
        return items[:max_items] if max_items is not None else items

    def _extended(self, feature: str) -> bool:
        with self._extended_lock:
            return self.api_mode == "extended" and feature not in self._extended_refused

    def _refused(self, feature: str) -> None:
        with self._extended_lock:
            self._extended_refused.add(feature)

    # -- the user -------------------------------------------------------------------------
    def current_user(self) -> SpotifyUser:
        return self._memoised(("me",), lambda: self._get("GET /me", "me", parsing.user))

    def top_artists(self, time_range: TimeRange = "medium_term", limit: int = 50) -> list[Artist]:
        """The user's top artists, best first (``user-top-read``)."""
        return self._memoised(
            ("top_artists", time_range, limit),
            lambda: self._offset_pages(
                "GET /me/top/artists", "me/top/artists", _artists,
                limit=min(limit, PAGE_LIMIT), max_items=limit, time_range=time_range,
            ),
        )

    def user_top_tracks(
        self, time_range: TimeRange = "medium_term", limit: int = 50
    ) -> list[Track]:
        """The user's own top tracks, best first (``user-top-read``)."""
        return self._memoised(
            ("top_tracks", time_range, limit),
            lambda: self._offset_pages(
                "GET /me/top/tracks", "me/top/tracks", parsing.tracks,
                limit=min(limit, PAGE_LIMIT), max_items=limit, time_range=time_range,
            ),
        )

    def followed_artists(self, limit: int = 50) -> list[Artist]:
        """Artists the user follows, following the ``after`` cursor (``user-follow-read``)."""

        def fetch() -> list[Artist]:
            artists: list[Artist] = []
            after: str | None = None
            while len(artists) < limit:
                page = self._get(
                    "GET /me/following", "me/following",
                    lambda raw: raw["artists"], type="artist",
                    limit=min(PAGE_LIMIT, limit - len(artists)), after=after,
                )
                artists.extend(_artists(page.get("items") or ()))
                after = (page.get("cursors") or {}).get("after")
                if not after or not page.get("items"):
                    break
            return artists[:limit]

        return self._memoised(("followed", limit), fetch)

    def saved_tracks(self, max_items: int = 2500) -> list[Track]:
        """The user's saved tracks, newest first, up to ``max_items`` (``user-library-read``)."""
        return self._memoised(
            ("saved", max_items),
            lambda: self._offset_pages(
                "GET /me/tracks", "me/tracks", _saved_tracks,
                limit=PAGE_LIMIT, max_items=max_items,
            ),
        )

    # -- catalogue ------------------------------------------------------------------------
    def artist(self, artist_id: str) -> Artist:
        return self._memoised(
            ("artist", artist_id),
            lambda: self._get("GET /artists/{id}", f"artists/{artist_id}", parsing.artist),
        )

    def search_artists(self, query: str, *, limit: int = 10) -> list[Artist]:
        return self._memoised(
            ("search", "artist", query, limit, 0),
            lambda: self._search(query, "artist", limit, 0, _artists),
            public=True,
        )

    def search_tracks(self, query: str, *, limit: int = 10, offset: int = 0) -> list[Track]:
        """Tracks in Spotify's search order (relevance and, undocumented, popularity)."""
        return self._memoised(
            ("search", "track", query, limit, offset),
            lambda: self._search(query, "track", limit, offset, parsing.tracks),
            public=True,
        )

    def search_albums(self, query: str, *, limit: int = 10, offset: int = 0) -> list[Album]:
        """Albums; ``tag:hipster`` in the query keeps the least popular 10 %."""
        return self._memoised(
            ("search", "album", query, limit, offset),
            lambda: self._search(query, "album", limit, offset, _albums),
            public=True,
        )

    def _search(
        self, query: str, kind: str, limit: int, offset: int, parse: Callable[[Any], list[T]]
    ) -> list[T]:
        if not self._extended("search_limit"):
            limit = min(limit, DEV_PAGE_LIMIT)
        return self._get(
            f"GET /search type={kind}", "search",
            lambda raw: parse((raw.get(f"{kind}s") or {}).get("items") or ()),
            q=query, type=kind, limit=limit, offset=offset, market=self.market,
        )

    def artist_albums(
        self,
        artist_id: str,
        include_groups: Sequence[str] = ALL_GROUPS,
        *,
        max_items: int | None = None,
    ) -> list[Album]:
        """The artist's releases in Spotify's order (groups, then newest first).

        ``max_items`` stops paging early; asking again for more reuses the pages fetched.
        """
        groups = ",".join(include_groups)

        def fetch(limit: int) -> list[Album]:
            return self._offset_pages(
                "GET /artists/{id}/albums", f"artists/{artist_id}/albums", _albums,
                limit=limit, max_items=max_items, include_groups=groups, market=self.market,
            )

        def fetch_largest_pages() -> list[Album]:
            if self._extended("albums_limit"):
                try:
                    return fetch(PAGE_LIMIT)
                except SpotifyBadRequest:  # "Invalid limit": not Extended Quota after all
                    self._refused("albums_limit")
            return fetch(DEV_PAGE_LIMIT)

        return self._memoised(
            ("artist_albums", artist_id, groups, max_items), fetch_largest_pages, public=True
        )

    def album(self, album_id: str) -> AlbumTracks:
        """An album with all its tracks: ``GET /albums/{id}`` embeds the first 50."""

        def fetch() -> AlbumTracks:
            detail, page = self._get(
                "GET /albums/{id}", f"albums/{album_id}", parsing.album_tracks, market=self.market
            )
            return self._rest_of_album(detail, page)

        return self._memoised(("album", album_id), fetch, public=True)

    def _rest_of_album(self, detail: AlbumTracks, page: dict[str, Any]) -> AlbumTracks:
        if int(page.get("total") or 0) <= len(detail.tracks):
            return detail
        tracks = self._offset_pages(
            "GET /albums/{id}/tracks", f"albums/{detail.album.id}/tracks",
            lambda items: parsing.tracks(items, detail.album),
            limit=PAGE_LIMIT, first_page=page, market=self.market,
        )
        return AlbumTracks(detail.album, tuple(tracks))

    def album_tracks(self, album_id: str) -> list[Track]:
        return list(self.album(album_id).tracks)

    def albums(self, album_ids: Sequence[str]) -> list[AlbumTracks]:
        """Several albums with tracks: ``?ids=`` batches in Extended Quota, else one by one."""
        ids = list(dict.fromkeys(album_ids))
        if self._extended("batch_albums"):
            missing = [i for i in ids if not self._have_album(i)]
            try:
                for chunk in _chunks(missing, BATCH_ALBUMS):
                    self._batch_albums(chunk)
            except SpotifyForbidden:
                self._refused("batch_albums")
        return self.map(self.album, ids)

    def _have_album(self, album_id: str) -> bool:
        key = ("album", album_id)
        return self._memo.has(key) or (
            self._cache is not None
            and self._cache.get((self.api_base_url, self.api_mode, key)) is not None
        )

    def _batch_albums(self, ids: Sequence[str]) -> None:
        raw_albums = self._get(
            "GET /albums?ids=", "albums",
            lambda raw: [a for a in raw["albums"] if a], ids=",".join(ids), market=self.market,
        )
        for raw in raw_albums:
            detail, page = parsing.album_tracks(raw)
            full = self._rest_of_album(detail, page)
            self._memoised(("album", full.album.id), lambda full=full: full, public=True)

    def tracks(self, track_ids: Sequence[str]) -> list[Track]:
        """Full track objects (ISRC, popularity in Extended Quota)."""
        ids = list(dict.fromkeys(track_ids))
        if self._extended("batch_tracks"):
            try:
                chunks = _chunks(ids, BATCH_TRACKS)
                found = [t for chunk in self.map(self._batch_tracks, chunks) for t in chunk]
                return found
            except SpotifyForbidden:
                self._refused("batch_tracks")
        return self.map(self.track, ids)

    def _batch_tracks(self, ids: Sequence[str]) -> list[Track]:
        found = self._get(
            "GET /tracks?ids=", "tracks",
            lambda raw: parsing.tracks(raw["tracks"]), ids=",".join(ids), market=self.market,
        )
        for track in found:
            self._memoised(("track", track.id), lambda track=track: track)
        return found

    def track(self, track_id: str) -> Track:
        return self._memoised(
            ("track", track_id),
            lambda: self._get(
                "GET /tracks/{id}", f"tracks/{track_id}", parsing.track, market=self.market
            ),
        )

    def artist_top_tracks(self, artist_id: str) -> list[Track] | None:
        """Spotify's top tracks (Extended Quota only); ``None`` when not available."""
        if not self._extended("top_tracks"):
            return None

        def fetch() -> list[Track] | None:
            try:
                return self._get(
                    "GET /artists/{id}/top-tracks", f"artists/{artist_id}/top-tracks",
                    lambda raw: parsing.tracks(raw["tracks"]), market=self.market or "from_token",
                )
            except SpotifyForbidden:
                self._refused("top_tracks")
                return None

        return self._memoised(("artist_top_tracks", artist_id), fetch)

    # -- playlists ------------------------------------------------------------------------
    def current_user_playlists(self, *, limit: int = 50, offset: int = 0) -> list[PlaylistSummary]:
        """One page of the user's playlists, most recently added first.

        Memoised until this gateway next writes a playlist, so the page fetched alongside a
        preview also serves the save's duplicate check.
        """
        return self._memoised(
            ("playlists", limit, offset),
            lambda: self._get(
                "GET /me/playlists", "me/playlists",
                lambda raw: [parsing.playlist(p) for p in raw.get("items") or () if p],
                limit=min(limit, PAGE_LIMIT), offset=offset,
            ),
        )

    def _write(
        self,
        op: str,
        request: Callable[[spotipy.Spotify], Any],
        parse: Callable[[Any], T] = lambda raw: raw,
        **policy: bool,
    ) -> T:
        """A playlist write: afterwards the memoised playlist pages are stale."""
        try:
            return self._call(op, request, parse, **policy)
        finally:
            self._memo.forget(lambda key: isinstance(key, tuple) and key[0] == "playlists")

    def get_playlist(self, playlist_id: str) -> PlaylistSummary:
        return self._get(
            "GET /playlists/{id}", f"playlists/{playlist_id}", parsing.playlist,
            fields="id,name,uri,external_urls,snapshot_id,description,public,owner(id),"
            "items(total)",
        )

    def playlist_item_uris(self, playlist_id: str) -> list[str]:
        """Every item URI in order (``GET /playlists/{id}/items``; owner or collaborator)."""

        def parse(items: Sequence[Any]) -> list[str]:
            return parsing.playlist_item_uris({"items": items})

        return self._offset_pages(
            "GET /playlists/{id}/items", f"playlists/{playlist_id}/items", parse,
            limit=PAGE_LIMIT, memoise_pages=False, additional_types="track",
        )

    def create_playlist(
        self, name: str, *, description: str = "", public: bool = False
    ) -> PlaylistSummary:
        """POST /me/playlists (``current_user_playlist_create`` in spotipy 2.26)."""
        return self._write(
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
            snapshot = self._write(
                "POST /playlists/{id}/items",
                lambda sp, chunk=chunk: sp._post(
                    f"playlists/{playlist_id}/items", payload={"uris": list(chunk)}
                ),
                _snapshot,
                idempotent=False,
            )
        return snapshot

    def replace_items(self, playlist_id: str, uris: Sequence[str]) -> str | None:
        """Set the items: PUT the first 100 (idempotent), then POST the rest in order."""
        uris = list(uris)
        snapshot = self._write(
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
        self._write(
            "PUT /playlists/{id}",
            lambda sp: sp.playlist_change_details(
                playlist_id, name=name, public=public, description=description
            ),
            expect_body=False,
        )

    def unfollow_playlist(self, playlist_id: str) -> None:
        """How a user deletes a playlist: remove it from their library.

        ``DELETE /playlists/{id}/followers`` (what spotipy's ``current_user_unfollow_playlist``
        calls) is deprecated and gone in Development Mode; ``DELETE /me/library`` replaces it.
        """
        self._write(
            "DELETE /me/library",
            lambda sp: sp._delete("me/library", uris=f"spotify:playlist:{playlist_id}"),
            expect_body=False,
        )


def _page(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("items", []), list):
        raise TypeError("not a paging object")
    return raw


def _snapshot(raw: Any) -> str | None:
    return raw.get("snapshot_id") if isinstance(raw, dict) else None


def _artists(items: Iterable[Any]) -> list[Artist]:
    return [parsing.artist(a) for a in items if a]


def _albums(items: Iterable[Any]) -> list[Album]:
    return [parsing.album(a) for a in items if a]


def _saved_tracks(items: Iterable[Any]) -> list[Track]:
    return parsing.tracks([(entry or {}).get("track") for entry in items])


def _chunks[T](items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
