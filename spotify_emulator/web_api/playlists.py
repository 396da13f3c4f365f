"""Playlists: create, read, change details, add/replace/reorder/remove items, cover image.

Only the owner may modify a playlist. Writes take at most 100 URIs and each returns a new
``snapshot_id``. Descriptions are at most 300 characters. Reads honour ``fields=``; in
development mode a playlist the user neither owns nor collaborates on comes back as its
metadata only (no items), as Spotify has answered Development Mode apps since February 2026.
"""

from __future__ import annotations

import base64
import binascii

from werkzeug.wrappers import Response

from spotify_emulator.ids import is_base62_id, parse_uri
from spotify_emulator.responses import ApiError, empty_response, json_response
from spotify_emulator.state import Playlist, PlaylistEntry, iso_now
from spotify_emulator.web_api import shapes
from spotify_emulator.web_api.context import INVALID_ID, NON_EXISTING_ID, ApiContext
from spotify_emulator.web_api.fields import filter_fields
from spotify_emulator.web_api.paging import offset_page, parse_limit, parse_offset

MAX_URIS_PER_WRITE = 100
MAX_IMAGE_BYTES = 256 * 1024
MAX_DESCRIPTION_CHARS = 300


def _playlist(ctx: ApiContext, playlist_id: str) -> Playlist:
    ApiContext.check_id(playlist_id)
    pl = ctx.state.playlists.get(playlist_id)
    if pl is None:
        raise ApiError(404, NON_EXISTING_ID)
    if not pl.public and pl.owner_id != ctx.user.id and not pl.collaborative:
        raise ApiError(404, NON_EXISTING_ID)  # private playlists of others are invisible
    return pl


def _member(ctx: ApiContext, pl: Playlist) -> bool:
    """The user owns or collaborates on ``pl`` (collaborative playlists: everyone who sees it)."""
    return pl.owner_id == ctx.user.id or pl.collaborative


def _description(value: object) -> str:
    if not isinstance(value, str):
        raise ApiError(400, "Invalid value for description")
    if len(value) > MAX_DESCRIPTION_CHARS:
        raise ApiError(400, f"Playlist description is longer than {MAX_DESCRIPTION_CHARS} "
                            "characters")
    return value


def _require_owner(ctx: ApiContext, pl: Playlist) -> None:
    if pl.owner_id != ctx.user.id:
        raise ApiError(403, "You cannot modify a playlist you don't own.")
    ctx.require_scope("playlist-modify-public" if pl.public else "playlist-modify-private")


def _bool(body: dict, key: str, default: bool | None) -> bool | None:
    value = body.get(key, default)
    if value is not None and not isinstance(value, bool):
        raise ApiError(400, f"Invalid value for {key}")
    return value


def get_my_playlists(ctx: ApiContext) -> Response:
    ctx.require_scope("playlist-read-private")
    limit = parse_limit(ctx.args, 20, 50)
    offset = parse_offset(ctx.args, maximum=100_000)
    with ctx.state.lock:
        pls = [ctx.state.playlists[p] for p in ctx.state.libraries[ctx.user.id].playlists]
        page = offset_page(pls, offset, limit, ctx.url("/me/playlists"),
                           lambda p: shapes.playlist_simple(ctx, p), ctx.extra_args())
    return json_response(page)


def _create(ctx: ApiContext) -> Response:
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid request")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "Missing required field: name")
    public = _bool(body, "public", True)
    collaborative = _bool(body, "collaborative", False)
    description = _description(body.get("description") or "")
    if collaborative and public:
        raise ApiError(400, "Collaborative playlists can only be private.")
    ctx.require_scope("playlist-modify-public" if public else "playlist-modify-private")
    pl = ctx.state.create_playlist(ctx.user.id, name, description, bool(public),
                                   bool(collaborative))
    with ctx.state.lock:
        return json_response(shapes.playlist_full(ctx, pl), status=201)


def create_my_playlist(ctx: ApiContext) -> Response:
    """``POST /me/playlists`` (the February 2026 replacement of POST /users/{id}/playlists)."""
    return _create(ctx)


def create_user_playlist(ctx: ApiContext, user_id: str) -> Response:
    """``POST /users/{id}/playlists``: extended mode only; only for the current user."""
    if user_id != ctx.user.id:
        raise ApiError(403, "You cannot create a playlist for another user.")
    return _create(ctx)


def get_playlist(ctx: ApiContext, playlist_id: str) -> Response:
    with ctx.state.lock:
        pl = _playlist(ctx, playlist_id)
        body = shapes.playlist_full(ctx, pl, with_items=ctx.extended or _member(ctx, pl))
    return json_response(filter_fields(body, ctx.args.get("fields")))


def put_playlist(ctx: ApiContext, playlist_id: str) -> Response:
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid request")
    with ctx.state.lock:
        pl = _playlist(ctx, playlist_id)
        _require_owner(ctx, pl)
        name = body.get("name", pl.name)
        if not isinstance(name, str) or not name.strip():
            raise ApiError(400, "Invalid value for name")
        description = _description(body.get("description", pl.description))
        public = _bool(body, "public", pl.public)
        collaborative = _bool(body, "collaborative", pl.collaborative)
        if collaborative and public:
            raise ApiError(400, "Collaborative playlists can only be private.")
        if public != pl.public:
            ctx.require_scope("playlist-modify-public" if public else "playlist-modify-private")
        pl.name, pl.description = name, description
        pl.public, pl.collaborative = bool(public), bool(collaborative)
        pl.touch()
    return empty_response(200)


def get_items(ctx: ApiContext, playlist_id: str) -> Response:
    limit = parse_limit(ctx.args, 20, 50)
    offset = parse_offset(ctx.args)
    with ctx.state.lock:
        pl = _playlist(ctx, playlist_id)
        if not ctx.extended and not _member(ctx, pl):
            # February 2026: Development Mode apps get items only for the owner or collaborators.
            raise ApiError(403, "Forbidden")
        if not pl.public:
            ctx.require_scope("playlist-read-private", "playlist-modify-private")
        page = shapes.playlist_items_page(ctx, pl, offset, limit, ctx.extra_args())
    return json_response(filter_fields(page, ctx.args.get("fields")))


def _uris(ctx: ApiContext, body: object, required: bool) -> list[str] | None:
    """URIs from ``?uris=`` (wins, like Spotify) or from the body (object or bare list)."""
    raw = ctx.args.get("uris")
    if raw is not None:
        uris: object = [u.strip() for u in raw.split(",") if u.strip()]
    elif isinstance(body, list):
        uris = body  # spotipy's playlist_add_items sends a bare JSON array
    elif isinstance(body, dict) and "uris" in body:
        uris = body["uris"]
    elif required:
        raise ApiError(400, "No uris provided")
    else:
        return None
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise ApiError(400, "Invalid request")
    if len(uris) > MAX_URIS_PER_WRITE:
        raise ApiError(400, "Too many ids requested")
    for uri in uris:
        _check_track_uri(ctx, uri)
    return uris


def _check_track_uri(ctx: ApiContext, uri: str) -> None:
    parts = parse_uri(uri)
    if parts is None or parts[0] not in ("track", "episode"):
        raise ApiError(400, f"Invalid track uri: {uri}")
    if not is_base62_id(parts[1]):
        raise ApiError(400, INVALID_ID)
    if parts[0] == "episode" or parts[1] not in ctx.catalogue.tracks:
        raise ApiError(400, f"Invalid track uri: {uri}")


def _position(value: object, size: int, name: str = "position") -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= size:
        raise ApiError(400, f"Invalid {name}")
    return value


def post_items(ctx: ApiContext, playlist_id: str) -> Response:
    body = ctx.json_body(required=ctx.args.get("uris") is None)
    with ctx.state.lock:
        pl = _playlist(ctx, playlist_id)
        _require_owner(ctx, pl)
        uris = _uris(ctx, body, required=True) or []
        if not uris:
            raise ApiError(400, "No uris provided")
        pos_raw = ctx.args.get("position")
        if pos_raw is None and isinstance(body, dict):
            pos_raw = body.get("position")
        position = _position(pos_raw, len(pl.entries))
        now = iso_now(ctx.clock)
        new = [PlaylistEntry(u, now, ctx.user.id) for u in uris]
        at = len(pl.entries) if position is None else position
        pl.entries[at:at] = new
        pl.touch()
        return json_response({"snapshot_id": pl.snapshot_id}, status=201)


def put_items(ctx: ApiContext, playlist_id: str) -> Response:
    """Replace (``uris``) or reorder (``range_start``/``insert_before``/``range_length``)."""
    body = ctx.json_body(required=ctx.args.get("uris") is None)
    with ctx.state.lock:
        pl = _playlist(ctx, playlist_id)
        _require_owner(ctx, pl)
        if isinstance(body, dict) and "range_start" in body and ctx.args.get("uris") is None:
            size = len(pl.entries)
            start = _position(body.get("range_start"), size - 1 if size else 0, "range_start")
            before = _position(body.get("insert_before"), size, "insert_before")
            length = body.get("range_length", 1)
            if start is None or before is None:
                raise ApiError(400, "range_start and insert_before are required")
            if not isinstance(length, int) or isinstance(length, bool) or length < 1 \
                    or start + length > size:
                raise ApiError(400, "Invalid range_length")
            moved = pl.entries[start:start + length]
            rest = pl.entries[:start] + pl.entries[start + length:]
            target = before if before <= start else before - length
            pl.entries = rest[:target] + moved + rest[target:]
        else:
            uris = _uris(ctx, body, required=True) or []
            now = iso_now(ctx.clock)
            pl.entries = [PlaylistEntry(u, now, ctx.user.id) for u in uris]
        pl.touch()
        return json_response({"snapshot_id": pl.snapshot_id})


def delete_items(ctx: ApiContext, playlist_id: str) -> Response:
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid request")
    items = body.get("items", body.get("tracks"))
    if not isinstance(items, list) or not items:
        raise ApiError(400, "Missing required field: items")
    if len(items) > MAX_URIS_PER_WRITE:
        raise ApiError(400, "Too many ids requested")
    with ctx.state.lock:
        pl = _playlist(ctx, playlist_id)
        _require_owner(ctx, pl)
        drop_all: set[str] = set()
        drop_at: set[int] = set()
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("uri"), str):
                raise ApiError(400, "Invalid request")
            _check_track_uri(ctx, item["uri"])
            positions = item.get("positions")
            if positions is None:
                drop_all.add(item["uri"])
                continue
            for p in positions if isinstance(positions, list) else [None]:
                if not isinstance(p, int) or not 0 <= p < len(pl.entries) \
                        or pl.entries[p].uri != item["uri"]:
                    raise ApiError(400, "Invalid positions")
                drop_at.add(p)
        pl.entries = [e for i, e in enumerate(pl.entries)
                      if e.uri not in drop_all and i not in drop_at]
        pl.touch()
        return json_response({"snapshot_id": pl.snapshot_id})


def get_images(ctx: ApiContext, playlist_id: str) -> Response:
    with ctx.state.lock:
        return json_response(ctx.images.playlist(ctx.catalogue, _playlist(ctx, playlist_id)))


def put_image(ctx: ApiContext, playlist_id: str) -> Response:
    """Base64 JPEG body, at most 256 KB; needs ugc-image-upload. Answers 202 with no body."""
    raw = ctx.request.get_data(cache=True)
    with ctx.state.lock:
        pl = _playlist(ctx, playlist_id)
        _require_owner(ctx, pl)
        ctx.require_scope("ugc-image-upload")
        if len(raw) > MAX_IMAGE_BYTES:
            raise ApiError(413, "Request entity too large")
        try:
            image = base64.b64decode(raw.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, "Invalid base64 image data") from None
        if not image.startswith(b"\xff\xd8\xff"):
            raise ApiError(400, "Image must be a JPEG")
        pl.touch()
        key = pl.snapshot_id.encode().hex()[:32]
        pl.images = ctx.images.uploaded(key)
    return empty_response(202)


def legacy_items(ctx: ApiContext, playlist_id: str) -> Response:
    """The old ``/playlists/{id}/tracks`` (extended mode only): same as ``/items``."""
    handler = {"GET": get_items, "POST": post_items, "PUT": put_items,
               "DELETE": delete_items}[ctx.request.method]
    return handler(ctx, playlist_id)


