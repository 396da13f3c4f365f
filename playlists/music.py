"""Artists, albums, tracks and playlists as the app reasons about them: typed and immutable.

The Spotify layer fills them from JSON (``spotify/parsing.py``) and the services work on them,
so this module imports neither (the services stay free of Spotify, the Spotify layer of the
services).  Fields that Development Mode apps no longer receive (``popularity``, ``genres``,
``album_group``, ISRCs on simplified album tracks) are optional rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

#: The periods Spotify keeps a listener's top artists and tracks for.
TimeRange = Literal["short_term", "medium_term", "long_term"]
#: A Spotify id (base-62, 22 characters): artists, albums, tracks and playlists alike.
SPOTIFY_ID = r"[0-9A-Za-z]{22}"


def is_spotify_id(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(SPOTIFY_ID, value) is not None


@dataclass(frozen=True, slots=True)
class SpotifyUser:
    id: str
    display_name: str | None = None
    country: str | None = None
    product: str | None = None
    account_id: str | None = None  # /me since May 2026: the stable key to link accounts with


@dataclass(frozen=True, slots=True)
class ArtistRef:
    """An artist as credited on a track or album: just enough to link and display."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Artist:
    id: str
    name: str
    uri: str
    genres: tuple[str, ...] = ()
    image_url: str | None = None  # the smallest picture Spotify has: the suggestions' thumbnail
    popularity: int | None = None

    @property
    def ref(self) -> ArtistRef:
        return ArtistRef(self.id, self.name)


@dataclass(frozen=True, slots=True)
class Album:
    id: str
    name: str
    uri: str
    album_type: str  # album | single | compilation
    release_date: str = ""
    total_tracks: int = 0
    artists: tuple[ArtistRef, ...] = ()
    image_urls: tuple[str, ...] = ()
    album_group: str | None = None  # album | single | compilation | appears_on (deprecated)

    @property
    def release_year(self) -> int | None:
        head = self.release_date[:4]
        return int(head) if head.isdigit() else None

    @property
    def image_url(self) -> str | None:
        return self.image_urls[0] if self.image_urls else None

    @property
    def group(self) -> str:
        """The artist's relation to the release, falling back to its type in dev mode."""
        return self.album_group or self.album_type


@dataclass(frozen=True, slots=True)
class Track:
    id: str
    uri: str
    name: str
    artists: tuple[ArtistRef, ...]
    album: Album | None = None
    isrc: str | None = None
    explicit: bool = False
    duration_ms: int = 0
    disc_number: int = 1
    track_number: int = 1
    popularity: int | None = None
    is_playable: bool | None = None

    @property
    def lead_artist(self) -> ArtistRef | None:
        return self.artists[0] if self.artists else None


@dataclass(frozen=True, slots=True)
class AlbumTracks:
    """An album with all its tracks; each track's ``album`` is this album."""

    album: Album
    tracks: tuple[Track, ...]


@dataclass(frozen=True, slots=True)
class PlaylistSummary:
    """A playlist as Spotify has it; also what a save hands back (``SavedPlaylist``)."""

    id: str
    name: str
    uri: str
    external_url: str | None = None
    snapshot_id: str | None = None
    description: str = ""
    item_count: int = 0
    public: bool | None = None
    owner_id: str | None = None


@dataclass(frozen=True, slots=True)
class PlaylistOpening:
    """A playlist's first item: when it was added (UTC; ``None`` when Spotify does not say)
    and which song it is (empty when unknown)."""

    added_at: dt.datetime | None
    title: str = ""
    artist: str = ""


SavedPlaylist = PlaylistSummary


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of an offset-paged list, and how many items the whole list holds."""

    items: tuple[T, ...]
    total: int
