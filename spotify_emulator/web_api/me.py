"""``/me`` endpoints: profile, top items, followed artists, saved tracks, library writes."""

from __future__ import annotations

from werkzeug.wrappers import Response

from spotify_emulator.catalogue.users import TIME_RANGES
from spotify_emulator.ids import is_base62_id, parse_uri
from spotify_emulator.responses import ApiError, empty_response, json_response
from spotify_emulator.state import iso_now
from spotify_emulator.web_api import shapes
from spotify_emulator.web_api.context import INVALID_ID, ApiContext
from spotify_emulator.web_api.paging import cursor_page, offset_page, parse_limit, parse_offset

LIBRARY_MAX_URIS = 40
#: URI type -> scope needed to save/remove it through /me/library.
LIBRARY_SCOPES = {
    "track": "user-library-modify", "album": "user-library-modify",
    "episode": "user-library-modify", "show": "user-library-modify",
    "audiobook": "user-library-modify", "artist": "user-follow-modify",
    "user": "user-follow-modify", "playlist": "playlist-modify-public",
}


def get_me(ctx: ApiContext) -> Response:
    return json_response(shapes.user_private(ctx, ctx.user))


def get_top(ctx: ApiContext, kind: str) -> Response:
    ctx.require_scope("user-top-read")
    time_range = ctx.args.get("time_range", "medium_term")
    if time_range not in TIME_RANGES:
        raise ApiError(400, "Invalid time range")
    limit = parse_limit(ctx.args, 20, 50)
    offset = parse_offset(ctx.args)
    hist = ctx.state.histories[ctx.user.id]
    cat = ctx.catalogue
    url = ctx.url(f"/me/top/{kind}")
    extra = ctx.extra_args()
    if kind == "artists":
        ids = hist.top_artists.get(time_range, [])
        page = offset_page(ids, offset, limit, url,
                           lambda a: shapes.artist_full(ctx, cat.artists[a]), extra)
    else:
        ids = hist.top_tracks.get(time_range, [])
        page = offset_page(ids, offset, limit, url,
                           lambda t: shapes.track_full(ctx, cat.tracks[t]), extra)
    return json_response(page)


def get_following(ctx: ApiContext) -> Response:
    ctx.require_scope("user-follow-read")
    kind = ctx.args.get("type")
    if not kind:
        raise ApiError(400, "Missing parameter type")
    if kind != "artist":
        raise ApiError(400, "Invalid type parameter: only 'artist' is supported")
    limit = parse_limit(ctx.args, 20, 50)
    after = ctx.args.get("after") or None
    if after is not None and not is_base62_id(after):
        raise ApiError(400, INVALID_ID)
    with ctx.state.lock:
        followed = list(ctx.state.libraries[ctx.user.id].followed_artists)
    cat = ctx.catalogue
    page = cursor_page(followed, after, limit, ctx.url("/me/following"),
                       lambda a: shapes.artist_full(ctx, cat.artists[a]), ctx.extra_args())
    return json_response({"artists": page})


def get_saved_tracks(ctx: ApiContext) -> Response:
    ctx.require_scope("user-library-read")
    limit = parse_limit(ctx.args, 20, 50)
    offset = parse_offset(ctx.args)
    with ctx.state.lock:
        saved = list(ctx.state.libraries[ctx.user.id].saved_tracks)
    cat = ctx.catalogue

    def saved_track(entry: tuple[str, str]) -> dict:
        return {"added_at": entry[1], "track": shapes.track_full(ctx, cat.tracks[entry[0]])}

    page = offset_page(saved, offset, limit, ctx.url("/me/tracks"), saved_track,
                       ctx.extra_args())
    return json_response(page)


def _library_uris(ctx: ApiContext) -> list[tuple[str, str, str]]:
    raw = ctx.args.get("uris")
    if not raw:
        raise ApiError(400, "Missing required parameter: uris")
    uris = [u.strip() for u in raw.split(",") if u.strip()]
    if len(uris) > LIBRARY_MAX_URIS:
        raise ApiError(400, "Too many ids requested")
    parsed = []
    for uri in uris:
        parts = parse_uri(uri)
        if parts is None:
            raise ApiError(400, f"Invalid URI: {uri}")
        kind, item_id = parts
        if kind not in LIBRARY_SCOPES:
            raise ApiError(400, f"Unsupported URI type: {kind}")
        if not is_base62_id(item_id) and kind not in ("user",):
            raise ApiError(400, INVALID_ID)
        parsed.append((uri, kind, item_id))
    return parsed


def _check_exists(ctx: ApiContext, kind: str, item_id: str, uri: str) -> None:
    cat = ctx.catalogue
    known = {"track": cat.tracks, "album": cat.albums, "artist": cat.artists,
             "playlist": ctx.state.playlists, "user": ctx.state.users}.get(kind)
    if known is not None and item_id not in known:
        raise ApiError(400, f"Invalid URI: {uri}")


def put_library(ctx: ApiContext) -> Response:
    """``PUT /me/library?uris=...``: save tracks/albums, follow artists/users/playlists."""
    parsed = _library_uris(ctx)
    for _, kind, _ in parsed:
        ctx.require_scope(LIBRARY_SCOPES[kind])
    for uri, kind, item_id in parsed:
        _check_exists(ctx, kind, item_id, uri)
    now = iso_now(ctx.clock)
    with ctx.state.lock:
        lib = ctx.state.libraries[ctx.user.id]
        for uri, kind, item_id in parsed:
            if kind == "track" and all(t != item_id for t, _ in lib.saved_tracks):
                lib.saved_tracks.insert(0, (item_id, now))
            elif kind == "artist" and item_id not in lib.followed_artists:
                lib.followed_artists.insert(0, item_id)
            elif kind == "playlist" and item_id not in lib.playlists:
                lib.playlists.insert(0, item_id)
            elif kind not in ("track", "artist", "playlist"):
                lib.other.setdefault(uri, now)
    return empty_response(200)


def delete_library(ctx: ApiContext) -> Response:
    """``DELETE /me/library?uris=...``: the inverse of PUT."""
    parsed = _library_uris(ctx)
    for _, kind, _ in parsed:
        ctx.require_scope(LIBRARY_SCOPES[kind])
    with ctx.state.lock:
        lib = ctx.state.libraries[ctx.user.id]
        for uri, kind, item_id in parsed:
            if kind == "track":
                lib.saved_tracks = [s for s in lib.saved_tracks if s[0] != item_id]
            elif kind == "artist" and item_id in lib.followed_artists:
                lib.followed_artists.remove(item_id)
            elif kind == "playlist" and item_id in lib.playlists:
                # Spotify has no "delete playlist": removing your own playlist from your
                # library (unfollowing it) is how a user deletes it; it leaves their account.
                lib.playlists.remove(item_id)
            else:
                lib.other.pop(uri, None)
    return empty_response(200)


def get_library_contains(ctx: ApiContext) -> Response:
    parsed = _library_uris(ctx)
    ctx.require_scope("user-library-read", "user-follow-read", "playlist-read-private")
    with ctx.state.lock:
        lib = ctx.state.libraries[ctx.user.id]
        saved = {t for t, _ in lib.saved_tracks}
        result = []
        for uri, kind, item_id in parsed:
            if kind == "track":
                result.append(item_id in saved)
            elif kind == "artist":
                result.append(item_id in lib.followed_artists)
            elif kind == "playlist":
                result.append(item_id in lib.playlists)
            else:
                result.append(uri in lib.other)
    return json_response(result)
