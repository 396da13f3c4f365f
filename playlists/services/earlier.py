"""Songs already in the listener's earlier MoodyStream playlists: what "fresh" deep cuts avoid.

A second playlist, or next week's replacement of one, should bring deep cuts the listener has
not heard from us yet.  The newest MoodyStream playlists (the listing Spotify returns puts them
first; ``saving.is_moodystream_playlist`` recognises ours) are read within ``READ_BUDGET``
requests, as one wave right after the playlist listing of the generation's first wave: beside
the artists' first search pages, so the reads add no round trip.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial

from playlists.music import PlaylistSummary
from playlists.spotify.limits import PAGE_LIMIT

from .lookup_pool import Chain
from .ports import CatalogueReader
from .saving import is_moodystream_playlist

READ_BUDGET = 4  # requests: four 50-track playlists, or one of 200
_TRACK_URI = "spotify:track:"


def playlists_to_read(playlists: Sequence[PlaylistSummary]) -> list[PlaylistSummary]:
    """The newest MoodyStream playlists whose items fit the budget, newest first."""
    chosen: list[PlaylistSummary] = []
    left = READ_BUDGET
    for playlist in playlists:
        if not is_moodystream_playlist(playlist):
            continue
        cost = max(1, math.ceil(playlist.item_count / PAGE_LIMIT))
        if cost > left:
            break  # an older one would read past the newest's songs
        chosen.append(playlist)
        left -= cost
    return chosen


def earlier_track_ids(
    gateway: CatalogueReader, playlists: Sequence[PlaylistSummary]
) -> Chain[frozenset[str]]:
    """Every track in the chosen playlists, their items read at once."""
    pages = yield [
        partial(gateway.playlist_item_uris, p.id) for p in playlists_to_read(playlists)
    ]
    return frozenset(
        uri.removeprefix(_TRACK_URI)
        for uris in pages for uri in uris
        if uri and uri.startswith(_TRACK_URI)
    )
