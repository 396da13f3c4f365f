"""The Web API route table; ``extended_only`` marks endpoints removed for Development Mode."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from werkzeug.routing import Map, Rule

from spotify_emulator.web_api import catalogue_endpoints as cv
from spotify_emulator.web_api import me, playlists, search_view


@dataclass(frozen=True)
class Route:
    rule: str
    methods: tuple[str, ...]
    handler: Callable
    extended_only: bool = False
    name: str = field(default="")


GET, POST, PUT, DELETE = ("GET",), ("POST",), ("PUT",), ("DELETE",)
ALL = ("GET", "POST", "PUT", "DELETE")

ROUTES: tuple[Route, ...] = (
    Route("/v1/me", GET, me.get_me),
    Route("/v1/me/top/<any(artists,tracks):kind>", GET, me.get_top),
    Route("/v1/me/following", GET, me.get_following),
    Route("/v1/me/tracks", GET, me.get_saved_tracks),
    Route("/v1/me/playlists", GET, playlists.get_my_playlists),
    Route("/v1/me/playlists", POST, playlists.create_my_playlist),
    Route("/v1/me/library", PUT, me.put_library),
    Route("/v1/me/library", DELETE, me.delete_library),
    Route("/v1/me/library/contains", GET, me.get_library_contains),
    Route("/v1/artists", GET, partial(cv.get_several, kind="artists"), extended_only=True),
    Route("/v1/artists/<id>", GET, cv.get_artist),
    Route("/v1/artists/<id>/albums", GET, cv.get_artist_albums),
    Route("/v1/artists/<id>/top-tracks", GET, cv.get_artist_top_tracks, extended_only=True),
    Route("/v1/albums", GET, partial(cv.get_several, kind="albums"), extended_only=True),
    Route("/v1/albums/<id>", GET, cv.get_album),
    Route("/v1/albums/<id>/tracks", GET, cv.get_album_tracks),
    Route("/v1/tracks", GET, partial(cv.get_several, kind="tracks"), extended_only=True),
    Route("/v1/tracks/<id>", GET, cv.get_track),
    Route("/v1/search", GET, search_view.search),
    Route("/v1/playlists/<playlist_id>", GET, playlists.get_playlist),
    Route("/v1/playlists/<playlist_id>", PUT, playlists.put_playlist),
    Route("/v1/playlists/<playlist_id>/items", GET, playlists.get_items),
    Route("/v1/playlists/<playlist_id>/items", POST, playlists.post_items),
    Route("/v1/playlists/<playlist_id>/items", PUT, playlists.put_items),
    Route("/v1/playlists/<playlist_id>/items", DELETE, playlists.delete_items),
    Route("/v1/playlists/<playlist_id>/tracks", ALL, playlists.legacy_items, extended_only=True),
    Route("/v1/playlists/<playlist_id>/images", GET, playlists.get_images),
    Route("/v1/playlists/<playlist_id>/images", PUT, playlists.put_image),
    Route("/v1/users/<user_id>/playlists", POST, playlists.create_user_playlist,
          extended_only=True),
)


def build_map() -> tuple[Map, dict[str, Route]]:
    """A werkzeug Map whose endpoints are indexes into ``ROUTES``."""
    rules, by_endpoint = [], {}
    for i, route in enumerate(ROUTES):
        endpoint = f"r{i}"
        rules.append(Rule(route.rule, methods=list(route.methods), endpoint=endpoint))
        by_endpoint[endpoint] = route
    return Map(rules, strict_slashes=False, merge_slashes=False), by_endpoint
