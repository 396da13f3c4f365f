"""An in-memory Spotify for service tests: hand-made catalogues, no HTTP, no Django.

Like Development Mode Spotify, it hides popularity (kept in ``FakeSpotify.popularity``) and
orders ``artist:"Name"`` track searches by it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from playlists.music import (
    Album,
    AlbumTracks,
    Artist,
    Page,
    PlaylistOpening,
    PlaylistSummary,
    Track,
)
from playlists.spotify.errors import SpotifyForbidden, SpotifyNotFound, SpotifyUnavailable

_ids = itertools.count(1)


def _bare(title: str) -> str:
    return title.split(" (")[0].split(" - ")[0]


def _id(prefix: str) -> str:
    return f"{prefix}{next(_ids):0>{22 - len(prefix)}}"


class FakeSpotify:
    def __init__(self, *, supports_popularity: bool = False, max_workers: int = 1) -> None:
        self.supports_popularity = supports_popularity
        self.max_workers = max_workers  # 1: the services' plans run in order, on this thread
        self.request_timeout = 0.5
        self.artists: dict[str, Artist] = {}
        self.album_data: dict[str, AlbumTracks] = {}
        self.releases: dict[str, list[Album]] = {}
        self.popularity: dict[str, int] = {}
        self.top: list[Artist] = []
        self.followed: list[Artist] = []
        self.user_top: list[Track] = []
        self.saved: list[Track] = []
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.playlists: list[dict[str, Any]] = []  # newest first, like /me/playlists
        self.fail_add_on_call: int | None = None
        self.fail_replace = False  # the next PUT of items fails (once)
        self.add_calls = 0
        self.now = dt.datetime(2026, 12, 3, 19, 30, tzinfo=dt.UTC)  # when items are added

    # -- building the catalogue ---------------------------------------------------------
    def add_artist(self, name: str) -> Artist:
        artist = Artist(_id("ar"), name, f"spotify:artist:{name}")
        artist = dataclasses.replace(artist, uri=f"spotify:artist:{artist.id}")
        self.artists[artist.id] = artist
        self.releases[artist.id] = []
        return artist

    def add_album(
        self,
        artist: Artist,
        name: str,
        songs: Sequence[tuple[str, int] | tuple[str, int, dict[str, Any]]],
        *,
        album_type: str = "album",
        year: int = 2000,
        isrc_from: AlbumTracks | None = None,
    ) -> AlbumTracks:
        """``songs``: (title, popularity[, track fields]); ``isrc_from`` reuses ISRCs by title."""
        album = Album(
            id=_id("al"),
            name=name,
            uri="",
            album_type=album_type,
            release_date=f"{year}-01-01",
            total_tracks=len(songs),
            artists=(artist.ref,),
            album_group=album_type,
        )
        album = dataclasses.replace(album, uri=f"spotify:album:{album.id}")
        reuse = {_bare(t.name): t.isrc for t in (isrc_from.tracks if isrc_from else ())}
        tracks = []
        for number, spec in enumerate(songs, start=1):
            title, pop = spec[0], spec[1]
            extra: dict[str, Any] = dict(spec[2]) if len(spec) > 2 else {}
            artists = extra.pop("artists", (artist.ref,))
            isrc = extra.pop("isrc", None) or reuse.get(_bare(title)) or _id("IS")
            track = Track(
                id=_id("tr"),
                uri="",
                name=title,
                artists=tuple(artists),
                album=album,
                isrc=isrc,
                duration_ms=200_000,
                track_number=number,
                **extra,
            )
            track = dataclasses.replace(track, uri=f"spotify:track:{track.id}")
            self.popularity[track.id] = pop
            tracks.append(track)
        detail = AlbumTracks(album, tuple(tracks))
        self.album_data[album.id] = detail
        self.releases[artist.id].append(album)
        return detail

    def simple_artist(self, name: str, songs: int = 12, *, base: int = 80) -> Artist:
        """An artist with one studio album of ``songs`` tracks, popularity falling with order."""
        artist = self.add_artist(name)
        self.add_album(
            artist, f"{name} LP", [(f"{name} Song {i + 1}", base - 5 * i) for i in range(songs)]
        )
        return artist

    # -- CatalogueReader ------------------------------------------------------------------
    def _log(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))

    @property
    def album_batch_size(self) -> int:
        return 20 if self.supports_popularity else 1

    @property
    def track_batch_size(self) -> int:
        return 50 if self.supports_popularity else 1

    def top_artists(self, time_range: str = "medium_term", limit: int = 50) -> list[Artist]:
        self._log("top_artists", time_range, limit)
        return self.top[:limit]

    def followed_artists(self, limit: int = 50) -> list[Artist]:
        self._log("followed_artists", limit)
        return self.followed[:limit]

    def artist(self, artist_id: str) -> Artist:
        self._log("artist", artist_id)
        if artist_id not in self.artists:
            raise SpotifyNotFound("no such artist")
        return self.artists[artist_id]

    def search_artists(self, query: str, *, limit: int = 10) -> list[Artist]:
        self._log("search_artists", query)
        q = query.casefold()
        return [a for a in self.artists.values() if q in a.name.casefold()][:limit]

    def _all_tracks(self, artist_id: str) -> list[Track]:
        return [
            t
            for album in self.album_data.values()
            for t in album.tracks
            if any(a.id == artist_id for a in t.artists)
        ]

    def search_tracks(self, query: str, *, limit: int = 10, offset: int = 0) -> list[Track]:
        return list(self.search_track_page(query, limit=limit, offset=offset).items)

    def search_track_page(self, query: str, *, limit: int = 10, offset: int = 0) -> Page[Track]:
        """Like Spotify: the page and how many results there are in all."""
        self._log("search_tracks", query, offset)
        ranked = self._search_order(query)
        return Page(tuple(self._hide(ranked[offset : offset + limit])), len(ranked))

    def _search_order(self, query: str) -> list[Track]:
        name = query.split('"')[1]
        artist = next((a for a in self.artists.values() if a.name == name), None)
        if artist is None:
            return []
        return sorted(self._all_tracks(artist.id), key=lambda t: (-self.popularity[t.id], t.id))

    def artist_albums(
        self,
        artist_id: str,
        include_groups: Sequence[str] = ("album", "single", "compilation"),
        *,
        max_items: int | None = None,
        offset: int = 0,
    ) -> list[Album]:
        self._log("artist_albums", artist_id, tuple(include_groups))
        found = [a for a in self.releases.get(artist_id, []) if a.group in include_groups]
        return found[offset:][:max_items]

    def albums(self, album_ids: Sequence[str]) -> list[AlbumTracks]:
        self._log("albums", tuple(album_ids))
        out = []
        for album_id in album_ids:
            detail = self.album_data[album_id]
            out.append(AlbumTracks(detail.album, tuple(self._hide(detail.tracks, isrc=False))))
        return out

    def user_top_tracks(self, time_range: str = "medium_term", limit: int = 50) -> list[Track]:
        self._log("user_top_tracks", time_range)
        return self._hide(self.user_top[:limit])

    def saved_tracks_page(self, offset: int = 0) -> Page[Track]:
        self._log("saved_tracks", offset)
        return Page(tuple(self._hide(self.saved[offset : offset + 50])), len(self.saved))

    def artist_top_tracks(self, artist_id: str) -> list[Track] | None:
        self._log("artist_top_tracks", artist_id)
        if not self.supports_popularity:
            return None
        ranked = sorted(self._all_tracks(artist_id), key=lambda t: -self.popularity[t.id])
        return self._hide(ranked[:10])

    def tracks(self, track_ids: Sequence[str]) -> list[Track]:
        self._log("tracks", tuple(track_ids))
        if not self.supports_popularity:
            raise SpotifyForbidden("dev mode")
        by_id = {t.id: t for a in self.album_data.values() for t in a.tracks}
        return self._hide([by_id[i] for i in track_ids])

    def _hide(self, tracks: Iterable[Track], *, isrc: bool = True) -> list[Track]:
        """What the API would show: popularity only with Extended Quota; no ISRC on albums."""
        out = []
        for t in tracks:
            pop = self.popularity.get(t.id) if self.supports_popularity else None
            out.append(dataclasses.replace(t, popularity=pop, isrc=t.isrc if isrc else None))
        return out

    # -- PlaylistWriter -----------------------------------------------------------------------
    def _summary(self, p: dict[str, Any]) -> PlaylistSummary:
        return PlaylistSummary(
            id=p["id"],
            name=p["name"],
            uri=f"spotify:playlist:{p['id']}",
            external_url=None,
            snapshot_id=str(p["version"]),
            description=p["description"],
            item_count=len(p["items"]),
            public=p["public"],
            owner_id="me",
        )

    def _find(self, playlist_id: str) -> dict[str, Any]:
        for p in self.playlists:
            if p["id"] == playlist_id:
                return p
        raise SpotifyNotFound("no such playlist")

    def current_user_playlists(
        self, *, limit: int = 50, offset: int = 0
    ) -> list[PlaylistSummary]:
        self._log("current_user_playlists", offset)
        return [self._summary(p) for p in self.playlists[offset : offset + limit]]

    def playlist_item_uris(self, playlist_id: str, *, offset: int = 0) -> list[str | None]:
        self._log("playlist_item_uris", playlist_id, offset)
        return list(self._find(playlist_id)["items"][offset:])

    def get_playlist(self, playlist_id: str) -> PlaylistSummary:
        self._log("get_playlist", playlist_id)
        return self._summary(self._find(playlist_id))

    def playlist_opening(self, playlist_id: str) -> PlaylistOpening | None:
        self._log("playlist_opening", playlist_id)
        p = self._find(playlist_id)
        if not p["items"]:
            return None
        return PlaylistOpening(p.get("filled_at"), f"Song {p['items'][0][-3:]}", "Hazel Wren")

    def create_playlist(
        self, name: str, *, description: str = "", public: bool = False
    ) -> PlaylistSummary:
        self._log("create_playlist", name)
        p = {
            "id": _id("pl"),
            "name": name,
            "description": description,
            "public": public,
            "items": [],
            "version": 1,
        }
        self.playlists.insert(0, p)
        return self._summary(p)

    def add_items(self, playlist_id: str, uris: Sequence[str]) -> str:
        self._log("add_items", playlist_id, len(uris))
        assert len(uris) <= 100
        self.add_calls += 1
        if self.fail_add_on_call is not None and self.add_calls == self.fail_add_on_call:
            raise SpotifyUnavailable("injected")
        p = self._find(playlist_id)
        if not p["items"]:
            p["filled_at"] = self.now
        p["items"].extend(uris)
        p["version"] += 1
        return str(p["version"])

    def replace_items(self, playlist_id: str, uris: Sequence[str]) -> str:
        self._log("replace_items", playlist_id, len(uris))
        assert len(uris) <= 100
        p = self._find(playlist_id)
        if self.fail_replace:
            self.fail_replace = False
            raise SpotifyUnavailable("injected")
        p["items"] = list(uris)
        p["filled_at"] = self.now
        p["version"] += 1
        return str(p["version"])

    def change_playlist_details(
        self,
        playlist_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        public: bool | None = None,
    ) -> None:
        self._log("change_playlist_details", playlist_id)
        p = self._find(playlist_id)
        for key, value in (("name", name), ("description", description), ("public", public)):
            if value is not None:
                p[key] = value

    def unfollow_playlist(self, playlist_id: str) -> None:
        self._log("unfollow_playlist", playlist_id)
        self.playlists.remove(self._find(playlist_id))

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]

