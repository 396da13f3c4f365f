"""Songs already in the listener's earlier MoodyStream playlists: what "fresh" deep cuts avoid.

A second playlist, or next week's replacement of one, should bring deep cuts the listener has
not heard from us yet.  The newest MoodyStream playlists (the listing Spotify returns puts them
first; ``saving.is_moodystream_playlist`` recognises ours) are read while the artists' songs are
searched, within ``READ_BUDGET`` requests, so the reads add no round trip: the listing is read
in the generation's first wave, the items in the second, beside the first search pages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial

from playlists.music import PlaylistSummary

from .plan import Steps, fan_out
from .ports import CatalogueReader
from .saving import is_moodystream_playlist

READ_BUDGET = 4  # requests: four 50-track playlists, or one of 200
ITEMS_PAGE = 50  # playlist items per request (the gateway's page)
_TRACK_URI = "spotify:track:"


def playlists_to_read(playlists: Sequence[PlaylistSummary]) -> list[PlaylistSummary]:
    """The newest MoodyStream playlists whose items fit the budget, newest first."""
    chosen: list[PlaylistSummary] = []
    left = READ_BUDGET
    for playlist in playlists:
        if not is_moodystream_playlist(playlist):
            continue
        cost = max(1, math.ceil(playlist.item_count / ITEMS_PAGE))
        if cost > left:
            break  # an older one would skip the newest's songs
        chosen.append(playlist)
        left -= cost
    return chosen


def earlier_steps(
    gateway: CatalogueReader,
    playlists: Sequence[PlaylistSummary],
    done: Callable[[frozenset[str]], object],
) -> Steps:
    """Read the chosen playlists' items at once; ``done(track_ids)`` with every track in them."""

    def keep(pages: list[list[str | None]]) -> Steps:
        done(frozenset(
            uri.removeprefix(_TRACK_URI)
            for uris in pages for uri in uris
            if uri and uri.startswith(_TRACK_URI)
        ))
        return ()

    return fan_out(
        [partial(gateway.playlist_item_uris, p.id) for p in playlists_to_read(playlists)], keep
    )
