"""Catalogue look-ups: artists, albums, tracks (single and the extended-mode batch calls)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from spotify_emulator.catalogue.model import GROUP_ORDER
from spotify_emulator.responses import ApiError, json_response
from spotify_emulator.web_api import shapes
from spotify_emulator.web_api.context import NON_EXISTING_ID, ApiContext
from spotify_emulator.web_api.paging import offset_page, parse_limit, parse_offset

#: Spotify's caps on the "Get Several ..." endpoints.
BATCH_LIMITS = {"tracks": 50, "albums": 20, "artists": 50}


def _lookup(table: dict, item_id: str):
    ApiContext.check_id(item_id)
    item = table.get(item_id)
    if item is None:
        raise ApiError(404, NON_EXISTING_ID)
    return item


def get_artist(ctx: ApiContext, id: str) -> Response:
    return json_response(shapes.artist_full(ctx, _lookup(ctx.catalogue.artists, id)))


def get_artist_albums(ctx: ApiContext, id: str) -> Response:
    """Discography grouped album/single/appears_on/compilation, newest first in each group.

    Development mode: default 5, max 10 (the February 2026 limits); extended: 20 / 50.
    """
    artist = _lookup(ctx.catalogue.artists, id)
    raw_groups = ctx.args.get("include_groups")
    groups = set(GROUP_ORDER)
    if raw_groups:
        groups = {g.strip() for g in raw_groups.split(",") if g.strip()}
        if not groups or not groups <= set(GROUP_ORDER):
            raise ApiError(400, "Invalid include_groups value")
    default, maximum = (20, 50) if ctx.extended else (5, 10)
    limit = parse_limit(ctx.args, default, maximum)
    offset = parse_offset(ctx.args)
    entries = [e for e in ctx.catalogue.discography[artist.id] if e[1] in groups]
    albums = ctx.catalogue.albums
    page = offset_page(entries, offset, limit, ctx.url(f"/artists/{artist.id}/albums"),
                       lambda e: shapes.album_simple(ctx, albums[e[0]], group=e[1]),
                       ctx.extra_args())
    return json_response(page)


def get_artist_top_tracks(ctx: ApiContext, id: str) -> Response:
    artist = _lookup(ctx.catalogue.artists, id)
    tracks = ctx.catalogue.top_tracks(artist.id, 10)
    return json_response({"tracks": [shapes.track_full(ctx, t) for t in tracks]})


def get_album(ctx: ApiContext, id: str) -> Response:
    return json_response(shapes.album_full(ctx, _lookup(ctx.catalogue.albums, id)))


def get_album_tracks(ctx: ApiContext, id: str) -> Response:
    album = _lookup(ctx.catalogue.albums, id)
    limit = parse_limit(ctx.args, 20, 50)
    offset = parse_offset(ctx.args)
    tracks = [ctx.catalogue.tracks[t] for t in album.track_ids]
    page = offset_page(tracks, offset, limit, ctx.url(f"/albums/{album.id}/tracks"),
                       lambda t: shapes.track_simple(ctx, t), ctx.extra_args())
    return json_response(page)


def get_track(ctx: ApiContext, id: str) -> Response:
    return json_response(shapes.track_full(ctx, _lookup(ctx.catalogue.tracks, id)))


def _batch_ids(ctx: ApiContext, kind: str) -> list[str]:
    raw = ctx.args.get("ids")
    if not raw:
        raise ApiError(400, "Missing required parameter: ids")
    ids = [i.strip() for i in raw.split(",")]
    if len(ids) > BATCH_LIMITS[kind]:
        raise ApiError(400, "Too many ids requested")
    for i in ids:
        ApiContext.check_id(i)
    return ids


def get_several(ctx: ApiContext, kind: str) -> Response:
    """``GET /tracks|albums|artists?ids=``: unknown ids come back as null, like Spotify."""
    ids = _batch_ids(ctx, kind)
    cat = ctx.catalogue
    table, shape = {
        "tracks": (cat.tracks, shapes.track_full),
        "albums": (cat.albums, shapes.album_full),
        "artists": (cat.artists, shapes.artist_full),
    }[kind]
    return json_response({kind: [shape(ctx, table[i]) if i in table else None for i in ids]})
