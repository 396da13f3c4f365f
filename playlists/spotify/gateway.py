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

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from . import parsing
from .errors import SpotifyBadRequest, SpotifyForbidden
from .gateway_core import DEV_PAGE_LIMIT, PAGE_LIMIT, chunks
from .models import Album, AlbumTracks, Artist, SpotifyUser, TimeRange, Track
from .playlist_endpoints import PlaylistEndpoints

T = TypeVar("T")

BATCH_ALBUMS = 20  # GET /albums?ids= (Extended Quota only)
BATCH_TRACKS = 50  # GET /tracks?ids= (Extended Quota only)
ALL_GROUPS = ("album", "single", "compilation")


class SpotifyGateway(PlaylistEndpoints):
    """Typed access to the Web API for one user; see the module docstring.

    ``SpotifyGateway(access_token, *, api_base_url, refresh_access_token=None, max_workers=8,
    request_timeout=10.0, max_wait_for_rate_limit=5.0, max_retries=3, api_mode="development",
    rate_limit_budget=None, use_catalogue_cache=None, market=None)`` (``gateway_core``).
    """

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

    def _rest_of_album(self, detail: AlbumTracks, page: Mapping[str, Any]) -> AlbumTracks:
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
                for chunk in chunks(missing, BATCH_ALBUMS):
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
            self._memoised(("album", full.album.id), functools.partial(_same, full), public=True)

    def tracks(self, track_ids: Sequence[str]) -> list[Track]:
        """Full track objects (ISRC, popularity in Extended Quota)."""
        ids = list(dict.fromkeys(track_ids))
        if self._extended("batch_tracks"):
            try:
                batches = self.map(self._batch_tracks, chunks(ids, BATCH_TRACKS))
                return [t for batch in batches for t in batch]
            except SpotifyForbidden:
                self._refused("batch_tracks")
        return self.map(self.track, ids)

    def _batch_tracks(self, ids: Sequence[str]) -> list[Track]:
        found = self._get(
            "GET /tracks?ids=", "tracks",
            lambda raw: parsing.tracks(raw["tracks"]), ids=",".join(ids), market=self.market,
        )
        for track in found:
            self._memoised(("track", track.id), functools.partial(_same, track))
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


def _artists(items: Iterable[Any]) -> list[Artist]:
    return [parsing.artist(a) for a in items if a]


def _albums(items: Iterable[Any]) -> list[Album]:
    return [parsing.album(a) for a in items if a]


def _saved_tracks(items: Iterable[Any]) -> list[Track]:
    return parsing.tracks([(entry or {}).get("track") for entry in items])


def _same[V](value: V) -> V:
    """What a memo computes for a value already in hand (a batch fetched it)."""
    return value
