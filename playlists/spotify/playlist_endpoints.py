"""Playlist endpoints: list, read (details and items), create, write items, change details, remove.

Writes go through ``_write`` so that the memoised pages of the user's playlists are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import parsing
from .gateway_core import PAGE_LIMIT, GatewayCore, chunks
from .models import PlaylistSummary

ITEMS_PER_WRITE = 100  # POST/PUT /playlists/{id}/items


class PlaylistEndpoints(GatewayCore):
    """The playlist half of ``SpotifyGateway``."""

    def current_user_playlists(
        self, *, limit: int = 50, offset: int = 0, fresh: bool = False
    ) -> list[PlaylistSummary]:
        """One page of the user's playlists, most recently added first.

        Memoised until this gateway next writes a playlist, so the page fetched alongside a
        preview also serves the save's duplicate check.  ``fresh`` reads it again anyway (to
        see a write Spotify applied after answering, or without answering).
        """
        key = ("playlists", limit, offset)
        if fresh:
            self._memo.forget(lambda k: k == key)
        return self._memoised(
            key,
            lambda: self._get(
                "GET /me/playlists", "me/playlists",
                lambda raw: [parsing.playlist(p) for p in raw.get("items") or () if p],
                limit=min(limit, PAGE_LIMIT), offset=offset,
            ),
        )

    def get_playlist(self, playlist_id: str) -> PlaylistSummary:
        return self._get(
            "GET /playlists/{id}", f"playlists/{playlist_id}", parsing.playlist,
            fields="id,name,uri,external_urls,snapshot_id,description,public,owner(id),"
            "items(total)",
        )

    def playlist_item_uris(self, playlist_id: str, *, offset: int = 0) -> list[str | None]:
        """The URIs of the playlist's items from ``offset`` to the end, in order, read now
        (never memoised); ``None`` for an item without one.  How a save checks an add whose
        answer was lost."""
        uris: list[str | None] = []
        while True:
            page = self._get(
                "GET /playlists/{id}/items", f"playlists/{playlist_id}/items", _items_page,
                limit=PAGE_LIMIT, offset=offset,
            )
            items = page["items"]
            uris.extend(_item_uri(entry) for entry in items)
            offset += len(items)
            if not items or offset >= int(page.get("total") or 0):
                return uris

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
        for chunk in chunks(list(uris), ITEMS_PER_WRITE):
            snapshot = self._write(
                "POST /playlists/{id}/items",
                # mypy cannot infer a lambda with a default argument
                lambda sp, chunk=chunk: sp._post(  # type: ignore[misc]
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


def _snapshot(raw: Any) -> str | None:
    return raw.get("snapshot_id") if isinstance(raw, dict) else None


def _items_page(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
        raise TypeError("not a page of playlist items")
    return raw


def _item_uri(entry: Any) -> str | None:
    """``item`` since February 2026, ``track`` before."""
    if not isinstance(entry, dict):
        return None
    item = entry.get("item") or entry.get("track")
    uri = item.get("uri") if isinstance(item, dict) else None
    return uri if isinstance(uri, str) else None
