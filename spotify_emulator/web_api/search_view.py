"""``GET /v1/search``: validates parameters like Spotify, then asks the search engine."""

from __future__ import annotations

import datetime as dt

from werkzeug.wrappers import Response

from ..paging import offset_page, parse_limit, parse_offset
from ..responses import ApiError, json_response
from ..search import QueryError, SearchEngine, parse_query
from . import shapes
from .context import ApiContext

SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
MAX_OFFSET = 1000


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
    offset = parse_offset(ctx.args, maximum=MAX_OFFSET)
    try:
        query = parse_query(q)
    except QueryError as err:
        raise ApiError(400, str(err)) from None
    engine = _engine(ctx)
    today = dt.datetime.fromtimestamp(ctx.app.clock.now(), dt.UTC).date()
    url = ctx.url("/search")
    extra = ctx.extra_args()
    result: dict[str, dict] = {}
    for t in dict.fromkeys(types):
        if t == "track":
            items, shape = engine.tracks(query), shapes.track_full
        elif t == "artist":
            items, shape = engine.artists(query), shapes.artist_full
        elif t == "album":
            items, shape = engine.albums(query, today), shapes.album_simple
        else:
            items, shape = [], None  # no playlists/podcasts/audiobooks in the emulator
        result[f"{t}s"] = offset_page(items, offset, limit, url,
                                      (lambda i, s=shape: s(ctx, i)), extra)
    return json_response(result)


def _engine(ctx: ApiContext) -> SearchEngine:
    """One engine (and so one index) per app: the catalogue never changes after start-up."""
    engine = getattr(ctx.app, "_search_engine", None)
    if engine is None or engine.cat is not ctx.catalogue:
        engine = SearchEngine(ctx.catalogue, ctx.app.config.search_noise)
        ctx.app._search_engine = engine
    return engine
