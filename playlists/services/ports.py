"""What the services need from Spotify, as protocols.

``SpotifyGateway`` satisfies them all (mypy checks it, and the test fakes, against them); unit
tests pass an in-memory fake, so the services run without HTTP or Django.  Each method makes
its requests one after another; running look-ups concurrently is the services' job
(``lookup_pool.py``), within ``max_workers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from playlists.music import (
    Album,
    AlbumTracks,
    Artist,
    Page,
    PlaylistOpening,
    PlaylistSummary,
    TimeRange,
    Track,
)


class CatalogueReader(Protocol):
    """Read access for generating a preview."""

    @property
    def max_workers(self) -> int:
        """How many requests may be in flight at once."""
        ...

    @property
    def supports_popularity(self) -> bool: ...

    @property
    def album_batch_size(self) -> int:
        """How many albums one ``albums()`` call fetches in one request (1: one by one)."""
        ...

    @property
    def track_batch_size(self) -> int: ...

    def top_artists(self, time_range: TimeRange = ..., limit: int = ...) -> Sequence[Artist]: ...

    def followed_artists(self, limit: int = ...) -> Sequence[Artist]: ...

    def artist(self, artist_id: str) -> Artist: ...

    def search_artists(self, query: str, *, limit: int = ...) -> Sequence[Artist]: ...

    def search_tracks(
        self, query: str, *, limit: int = ..., offset: int = ...
    ) -> Sequence[Track]: ...

    def search_track_page(
        self, query: str, *, limit: int = ..., offset: int = ...
    ) -> Page[Track]:
        """``search_tracks`` with the number of results in all (where the deep end is)."""
        ...

    def artist_albums(
        self,
        artist_id: str,
        include_groups: Sequence[str] = ...,
        *,
        max_items: int | None = ...,
        offset: int = ...,
    ) -> Sequence[Album]: ...

    def albums(self, album_ids: Sequence[str]) -> Sequence[AlbumTracks]: ...

    def user_top_tracks(
        self, time_range: TimeRange = ..., limit: int = ...
    ) -> Sequence[Track]: ...

    def saved_tracks_page(self, offset: int = ...) -> Page[Track]: ...

    def artist_top_tracks(self, artist_id: str) -> Sequence[Track] | None: ...

    def tracks(self, track_ids: Sequence[str]) -> Sequence[Track]: ...

    def current_user_playlists(
        self, *, limit: int = ..., offset: int = ...
    ) -> Sequence[PlaylistSummary]: ...

    def playlist_item_uris(self, playlist_id: str, *, offset: int = ...) -> list[str | None]: ...


class PlaylistWriter(Protocol):
    """Write access for saving a preview, and what recovering from a lost answer needs."""

    @property
    def request_timeout(self) -> float:
        """How long a lost create may take to show up."""
        ...

    def current_user_playlists(
        self, *, limit: int = ..., offset: int = ...
    ) -> Sequence[PlaylistSummary]: ...

    def get_playlist(self, playlist_id: str) -> PlaylistSummary: ...

    def playlist_item_uris(self, playlist_id: str, *, offset: int = ...) -> list[str | None]: ...

    def create_playlist(
        self, name: str, *, description: str = ..., public: bool = ...
    ) -> PlaylistSummary: ...

    def add_items(self, playlist_id: str, uris: Sequence[str]) -> str | None: ...

    def replace_items(self, playlist_id: str, uris: Sequence[str]) -> str | None: ...

    def change_playlist_details(
        self,
        playlist_id: str,
        *,
        name: str | None = ...,
        description: str | None = ...,
        public: bool | None = ...,
    ) -> None: ...

    def unfollow_playlist(self, playlist_id: str) -> None: ...



class EarlierPlaylistReader(Protocol):
    """Read access for choosing an earlier playlist to replace (``replacing.py``)."""

    @property
    def max_workers(self) -> int:
        """How many requests may be in flight at once."""
        ...

    def current_user_playlists(
        self, *, limit: int = ..., offset: int = ...
    ) -> Sequence[PlaylistSummary]: ...

    def get_playlist(self, playlist_id: str) -> PlaylistSummary: ...

    def playlist_opening(self, playlist_id: str) -> PlaylistOpening | None: ...
