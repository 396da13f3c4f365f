"""The Spotify gateway: spotipy's public methods, each call made by its ``calls.CallPolicy``,
returning ``playlists.music`` types and raising only ``errors.SpotifyError``.

Development Mode (late 2026): no popularity, artist top tracks or ``?ids=`` batches; search
and artist releases page by at most 10.  ``api_mode="extended"`` uses them, and falls back for
good if Spotify refuses one anyway.  Requests run one after another on the calling thread
(concurrency is the caller's: ``services/lookup_pool``), at most ``max_workers`` in flight;
nothing is remembered.
"""

import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, Self

from playlists import music

from . import parsing
from .calls import AccessTokens, CallPolicy, SharedPauses
from .errors import SpotifyBadRequest, SpotifyError, SpotifyForbidden
from .limits import BATCH_ALBUMS, BATCH_TRACKS, DEV_PAGE_LIMIT, ITEMS_PER_WRITE, PAGE_LIMIT
from .types import ApiMode

ALL_GROUPS = ("album", "single", "compilation")
PLAYLIST_FIELDS = "id,name,uri,external_urls,snapshot_id,description,public,owner(id),items(total)"
#: A playlist item's date and song: ``item`` since February 2026, ``track`` before.
OPENING_FIELDS = "items(added_at,item(name,artists(name)),track(name,artists(name)))"


class SpotifyGateway:
    """Typed access to the Web API for one user; see the module docstring.  ``auth``: the
    user's tokens (``accounts.UserAuth``, renewed when Spotify refuses one) or a fixed access
    token."""

    def __init__(self, auth: str | AccessTokens, *, api_base_url: str, max_workers: int = 8,
                 request_timeout: float = 10.0, max_wait_for_rate_limit: float = 5.0,
                 max_retries: int = 3, api_mode: ApiMode = "development",
                 rate_limit_budget: float | None = None, market: str | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 pauses: SharedPauses | None = None) -> None:
        if api_mode not in ("development", "extended"):
            raise ValueError(f"api_mode must be 'development' or 'extended', not {api_mode!r}")
        self.api_mode: ApiMode = api_mode
        self.max_workers, self.request_timeout, self.market = max_workers, request_timeout, market
        self._policy = CallPolicy(
            auth, api_base_url=api_base_url, request_timeout=request_timeout,
            max_workers=max_workers, max_retries=max_retries, max_wait=max_wait_for_rate_limit,
            rate_limit_budget=rate_limit_budget, sleep=sleep, clock=clock, pauses=pauses)
        self._call, self._spotify = self._policy.call, self._policy.client
        self._refused: set[str] = set()  # Extended Quota features Spotify refused after all

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._policy.close()

    @property
    def request_count(self) -> int:  # HTTP requests sent, retries included
        return self._policy.request_count

    @property
    def token_refresh_count(self) -> int:  # access tokens renewed after Spotify refused one
        return self._policy.token_refresh_count

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

    def _extended_or[T](self, feature: str, refusal: type[SpotifyError],
                        extended: Callable[[], T], fallback: Callable[[], T]) -> T:
        """``extended()`` while ``feature`` is on; after Spotify's ``refusal``, ``fallback()``."""
        if self._extended(feature):
            try:
                return extended()
            except refusal:
                self._refused.add(feature)
        return fallback()

    def _paged[T](self, op: str, request: Callable[..., Any],
                  parse: Callable[[Iterable[Any]], Iterable[T]], *, offset: int = 0,
                  max_items: int | None = None, limit: int = PAGE_LIMIT) -> list[T]:
        """An offset-paged list from ``offset``, page after page (by what Spotify returned);
        ``request`` is a bound spotipy method with every argument but ``offset`` and ``limit``."""
        items: list[T] = []
        while max_items is None or len(items) < max_items:
            page = self._call(op, partial(request, limit=limit, offset=offset + len(items)),
                              partial(parsing.page, parse=parse))
            items.extend(page.items)
            if not page.items or offset + len(items) >= page.total:
                break
        return items if max_items is None else items[:max_items]

    def current_user(self) -> music.SpotifyUser:
        return self._call("GET /me", self._spotify.current_user, parsing.user)

    def top_artists(self, time_range: music.TimeRange = "medium_term", limit: int = 50
                    ) -> list[music.Artist]:
        """The user's top artists, best first (``user-top-read``)."""
        return self._paged("GET /me/top/artists", partial(
            self._spotify.current_user_top_artists, time_range=time_range), parsing.artists,
            max_items=limit, limit=min(limit, PAGE_LIMIT))

    def user_top_tracks(self, time_range: music.TimeRange = "medium_term", limit: int = 50
                        ) -> list[music.Track]:
        """The user's own top tracks, best first (``user-top-read``)."""
        return self._paged("GET /me/top/tracks", partial(
            self._spotify.current_user_top_tracks, time_range=time_range), parsing.tracks,
            max_items=limit, limit=min(limit, PAGE_LIMIT))

    def followed_artists(self, limit: int = 50) -> list[music.Artist]:
        """Artists the user follows, following the ``after`` cursor (``user-follow-read``)."""
        artists: list[music.Artist] = []
        after: str | None = None
        while len(artists) < limit:
            page = self._call("GET /me/following", partial(
                self._spotify.current_user_followed_artists,
                limit=min(PAGE_LIMIT, limit - len(artists)), after=after,
            ), lambda raw: raw["artists"])
            artists.extend(parsing.artists(page.get("items") or ()))
            after = (page.get("cursors") or {}).get("after")
            if not after or not page.get("items"):
                break
        return artists[:limit]

    def saved_tracks_page(self, offset: int = 0) -> music.Page[music.Track]:
        """50 of the user's saved tracks, newest first (``user-library-read``)."""
        return self._call("GET /me/tracks", partial(
            self._spotify.current_user_saved_tracks, limit=PAGE_LIMIT, offset=offset,
        ), partial(parsing.page, parse=parsing.saved_tracks))

    def artist(self, artist_id: str) -> music.Artist:
        return self._call("GET /artists/{id}", partial(self._spotify.artist, artist_id),
                          parsing.artist)

    def search_artists(self, query: str, *, limit: int = 10) -> list[music.Artist]:
        return list(self._search(query, "artist", limit, 0, parsing.artists).items)

    def search_tracks(self, query: str, *, limit: int = 10, offset: int = 0) -> list[music.Track]:
        """Tracks in Spotify's search order (relevance and, undocumented, popularity)."""
        return list(self.search_track_page(query, limit=limit, offset=offset).items)

    def search_track_page(self, query: str, *, limit: int = 10, offset: int = 0
                          ) -> music.Page[music.Track]:
        """A page of ``search_tracks`` and the number of results in all: how deep the page
        sits in the artist's results (Spotify rejects offset + limit beyond 1,000)."""
        return self._search(query, "track", limit, offset, parsing.tracks)

    def _search[T](self, query: str, kind: str, limit: int, offset: int,
                   parse: Callable[[Iterable[Any]], list[T]]) -> music.Page[T]:
        if not self._extended("search_limit"):
            limit = min(limit, DEV_PAGE_LIMIT)

        def page(raw: Any) -> music.Page[T]:
            found = raw.get(f"{kind}s") or {}
            items = tuple(parse(found.get("items") or ()))
            return music.Page(items, int(found.get("total") or len(items)))

        return self._call(f"GET /search type={kind}", partial(
            self._spotify.search, q=query, limit=limit, offset=offset, type=kind,
            market=self.market,
        ), page)

    def artist_albums(self, artist_id: str, include_groups: Sequence[str] = ALL_GROUPS, *,
                      max_items: int | None = None, offset: int = 0) -> list[music.Album]:
        """The artist's releases from ``offset`` in Spotify's order (groups, newest first)."""
        fetch = partial(self._paged, "GET /artists/{id}/albums", partial(
            self._spotify.artist_albums, artist_id, include_groups=",".join(include_groups),
            country=self.market), parsing.albums, offset=offset, max_items=max_items)
        return self._extended_or(  # SpotifyBadRequest "Invalid limit": not Extended Quota
            "albums_limit", SpotifyBadRequest, partial(fetch, limit=PAGE_LIMIT),
            partial(fetch, limit=DEV_PAGE_LIMIT))

    def album(self, album_id: str) -> music.AlbumTracks:
        """An album with all its tracks: ``GET /albums/{id}`` embeds the first 50."""
        return self._rest_of_album(*self._call("GET /albums/{id}", partial(
            self._spotify.album, album_id=album_id, market=self.market), parsing.album_tracks))

    def _rest_of_album(self, detail: music.AlbumTracks, page: parsing.Json) -> music.AlbumTracks:
        if int(page.get("total") or 0) <= len(detail.tracks):
            return detail
        rest = self._paged("GET /albums/{id}/tracks", partial(
            self._spotify.album_tracks, album_id=detail.album.id, market=self.market,
        ), partial(parsing.tracks, on_album=detail.album), offset=len(detail.tracks))
        return music.AlbumTracks(detail.album, detail.tracks + tuple(rest))

    def albums(self, album_ids: Sequence[str]) -> list[music.AlbumTracks]:
        """Several albums with tracks: ``?ids=`` batches in Extended Quota, else one by one."""
        ids = list(dict.fromkeys(album_ids))
        if len(ids) < 2:  # one album is one request either way
            return [self.album(album_id) for album_id in ids]
        return self._extended_or("batch_albums", SpotifyForbidden, lambda: [
            self._rest_of_album(*found) for chunk in _chunks(ids, BATCH_ALBUMS)
            for found in self._call("GET /albums?ids=", partial(
                self._spotify.albums, albums=chunk, market=self.market), parsing.album_batch)
        ], lambda: [self.album(album_id) for album_id in ids])

    def tracks(self, track_ids: Sequence[str]) -> list[music.Track]:
        """Full track objects (ISRC, popularity in Extended Quota)."""
        ids = list(dict.fromkeys(track_ids))
        return self._extended_or("batch_tracks", SpotifyForbidden, lambda: [
            t for chunk in _chunks(ids, BATCH_TRACKS) for t in self._call(
                "GET /tracks?ids=", partial(self._spotify.tracks, tracks=chunk, market=self.market),
                parsing.track_batch)
        ], lambda: [self._call("GET /tracks/{id}", partial(
            self._spotify.track, track_id=track_id, market=self.market), parsing.track)
            for track_id in ids])

    def artist_top_tracks(self, artist_id: str) -> list[music.Track] | None:
        """Spotify's top tracks (Extended Quota only); ``None`` when not available."""
        return self._extended_or("top_tracks", SpotifyForbidden, lambda: self._call(
            "GET /artists/{id}/top-tracks", partial(
                self._spotify.artist_top_tracks, artist_id, country=self.market or "from_token",
            ), parsing.track_batch), lambda: None)

    def current_user_playlists(self, *, limit: int = 50, offset: int = 0
                               ) -> list[music.PlaylistSummary]:
        """One page of the user's playlists, most recently added first, read now."""
        return self._call("GET /me/playlists", partial(
            self._spotify.current_user_playlists, limit=min(limit, PAGE_LIMIT), offset=offset,
        ), lambda raw: [parsing.playlist(p) for p in raw.get("items") or () if p])

    def get_playlist(self, playlist_id: str) -> music.PlaylistSummary:
        return self._call("GET /playlists/{id}", partial(
            self._spotify.playlist, playlist_id, fields=PLAYLIST_FIELDS), parsing.playlist)

    def playlist_item_uris(self, playlist_id: str, *, offset: int = 0) -> list[str | None]:
        """The URIs of the playlist's items from ``offset`` on, in order, read now (``None``
        for an item without one): how a save checks an add whose answer was lost."""
        return self._paged("GET /playlists/{id}/items", partial(
            self._spotify.playlist_items, playlist_id=playlist_id, additional_types=("track",),
        ), parsing.item_uris, offset=offset)

    def playlist_opening(self, playlist_id: str) -> music.PlaylistOpening | None:
        """The playlist's first item, read now in one small request: when it was added
        (``added_at``) and which song it is; ``None`` for an empty playlist.  Spotify tells no
        playlist's creation date, but a save or a replace adds every item at once, so this is
        when it was last filled."""
        return self._call("GET /playlists/{id}/items", partial(
            self._spotify.playlist_items, playlist_id, fields=OPENING_FIELDS, limit=1,
            additional_types=("track",),
        ), parsing.playlist_opening)

    def create_playlist(self, name: str, *, description: str = "",
                        public: bool = False) -> music.PlaylistSummary:
        """POST /me/playlists (spotipy 2.26's ``current_user_playlist_create``)."""
        return self._call("POST /me/playlists", partial(
            self._spotify.current_user_playlist_create, name, public=public,
            collaborative=False, description=description,
        ), parsing.playlist, idempotent=False)

    def add_items(self, playlist_id: str, uris: Sequence[str]) -> str | None:
        """Append in order, ≤ 100 per POST; returns the last snapshot id."""
        snapshot: str | None = None
        for chunk in _chunks(list(uris), ITEMS_PER_WRITE):
            snapshot = self._call("POST /playlists/{id}/items", partial(
                self._spotify.playlist_add_items, playlist_id=playlist_id, items=chunk,
            ), parsing.snapshot, idempotent=False)
        return snapshot

    def replace_items(self, playlist_id: str, uris: Sequence[str]) -> str | None:
        """Set the items: PUT the first 100 (idempotent), then POST the rest in order."""
        uris = list(uris)
        snapshot = self._call("PUT /playlists/{id}/items", partial(
            self._spotify.playlist_replace_items, playlist_id, uris[:ITEMS_PER_WRITE],
        ), parsing.snapshot)
        return self.add_items(playlist_id, uris[ITEMS_PER_WRITE:]) or snapshot

    def change_playlist_details(self, playlist_id: str, *, name: str | None = None,
                                description: str | None = None, public: bool | None = None
                                ) -> None:
        self._call("PUT /playlists/{id}", partial(
            self._spotify.playlist_change_details, playlist_id, name=name, public=public,
            description=description,
        ), lambda _: None, expect_body=False)

    def unfollow_playlist(self, playlist_id: str) -> None:
        """How a user deletes a playlist: ``DELETE /me/library`` with its URI, which spotipy 2.26
        sends as its saved-albums delete (its unfollow calls the removed ``/followers``)."""
        self._call("DELETE /me/library", partial(
            self._spotify.current_user_saved_albums_delete, [f"spotify:playlist:{playlist_id}"],
        ), lambda _: None, expect_body=False)


def _chunks[T](items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
