"""Typed, immutable views of what the Spotify Web API returns.

The gateway turns JSON into these so that nothing above ``playlists/spotify`` handles raw
dictionaries.  Fields that Development Mode apps no longer receive (``popularity``, ``genres``,
``album_group``, ISRCs on simplified album tracks) are optional rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

ApiMode = Literal["development", "extended"]
TimeRange = Literal["short_term", "medium_term", "long_term"]


@dataclass(frozen=True, slots=True)
class SpotifyUser:
    id: str
    display_name: str | None
    country: str | None = None
    product: str | None = None


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
    image_url: str | None = None
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
    id: str
    name: str
    uri: str
    external_url: str | None
    snapshot_id: str | None
    description: str
    item_count: int
    public: bool | None = None
    owner_id: str | None = None


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of an offset-paged list, and how many items the whole list holds."""

    items: tuple[T, ...]
    total: int


# What the save service hands back: the playlist as Spotify has it after saving.
SavedPlaylist = PlaylistSummary


# -- the accounts service (accounts.py) ----------------------------------------------------
@dataclass(frozen=True)
class SpotifyApp:
    """A Spotify application: ``client_secret`` is ``""`` for a public client (PKCE only)."""

    client_id: str
    client_secret: str
    redirect_uri: str
    accounts_base_url: str = "https://accounts.spotify.com/"

    def url(self, path: str) -> str:
        return self.accounts_base_url.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: int
    scope: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.access_token, "r": self.refresh_token, "e": self.expires_at,
                "s": self.scope}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TokenSet:
        return cls(str(data["a"]), str(data["r"]), int(data["e"]), str(data.get("s", "")))
