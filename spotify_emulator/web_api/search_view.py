"""``GET /v1/search``: validates parameters like Spotify, then asks the search engine.

``offset + limit`` may not pass 1,000. Playlists are searched here (they are state, not
catalogue): the public playlists whose name, description or owner match the free text. Like
Spotify's, playlist pages hold ``null`` entries: a deleted playlist, and about one in four of
other users' playlists (unavailable, for reasons Spotify does not give), still count in
``total`` and fill their place on the page as ``null``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from werkzeug.wrappers import Response

from spotify_emulator.catalogue.model import normalize
from spotify_emulator.catalogue.search import Query, QueryError, parse_query
from spotify_emulator.responses import ApiError, json_response
from spotify_emulator.state import Playlist
from spotify_emulator.web_api import shapes
from spotify_emulator.web_api.context import ApiContext
from spotify_emulator.web_api.paging import offset_page, parse_limit, parse_offset

SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
MAX_OFFSET_PLUS_LIMIT = 1000
UNAVAILABLE_ONE_IN = 4


def search(ctx: ApiContext) -> Response:
    q = ctx.args.get("q", "")
    if not q.strip():
        raise ApiError(400, "No search query")
    raw_types = ctx.args.get("type")
    if not raw_types:
        raise ApiError(400, "Missing parameter type")
    types = [t.strip() for t in raw_types.split(",")]
    for t in types:
        if t not in SEARCH_TYPES:
            raise ApiError(400, f"Bad search type field {t}")
    default, maximum = (20, 50) if ctx.extended else (5, 10)
    limit = parse_limit(ctx.args, default, maximum)
    offset = parse_offset(ctx.args)
    if offset + limit > MAX_OFFSET_PLUS_LIMIT:
        raise ApiError(400, f"Invalid offset: offset + limit must not exceed "
                            f"{MAX_OFFSET_PLUS_LIMIT}")
    try:
        query = parse_query(q)
    except QueryError as err:
        raise ApiError(400, str(err)) from None
    engine = ctx.search_engine()
    today = dt.datetime.fromtimestamp(ctx.clock.now(), dt.UTC).date()
    url = ctx.url("/search")
    extra = ctx.extra_args()
    result: dict[str, dict] = {}
    for t in dict.fromkeys(types):
        items: list[Any]
        if t == "track":
            items, shape = engine.tracks_for(q, query), shapes.track_full
        elif t == "artist":
            items, shape = engine.artists(query), shapes.artist_full
        elif t == "album":
            items, shape = engine.albums(query, today), shapes.album_simple
        elif t == "playlist":
            items, shape = _playlists(ctx, query), _playlist_or_null
        else:
            items, shape = [], None  # no podcasts or audiobooks in the emulator
        result[f"{t}s"] = offset_page(items, offset, limit, url,
                                      (lambda i, s=shape: s(ctx, i)), extra)
    return json_response(result)


def _playlists(ctx: ApiContext, query: Query) -> list[Playlist]:
    """Public playlists matching the free text (field filters match no playlist), the most
    followed first."""
    if query.filters or query.tags or query.years or not query.terms:
        return []
    with ctx.state.lock:
        found = []
        for pl in ctx.state.playlists.values():
            owner = ctx.state.users.get(pl.owner_id)
            text = f"{pl.name} {pl.description} {owner.display_name if owner else ''}"
            words = f" {normalize(text)}"
            if pl.public and all(f" {term}" in words for term in query.terms):
                found.append(pl)
    found.sort(key=lambda p: (-p.followers, p.id))
    return found


def _playlist_or_null(ctx: ApiContext, pl: Playlist) -> dict | None:
    with ctx.state.lock:
        library = ctx.state.libraries.get(pl.owner_id)
        if library is None or pl.id not in library.playlists:
            return None  # deleted by its owner, still in the index
        if pl.owner_id != ctx.user.id and _unavailable(pl.id):
            return None
        return shapes.playlist_simple(ctx, pl)


def _unavailable(playlist_id: str) -> bool:
    """Deterministically about one playlist in ``UNAVAILABLE_ONE_IN``."""
    return hashlib.blake2b(playlist_id.encode(), digest_size=1).digest()[0] \
        % UNAVAILABLE_ONE_IN == 0
