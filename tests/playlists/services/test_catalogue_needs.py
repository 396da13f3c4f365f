"""What is fetched for an artist's share: where the deep end is, what counts there, and which
albums to fetch when it falls short."""

from __future__ import annotations

from playlists.music import Album, ArtistRef, Track
from playlists.services.catalogue_needs import (
    ArtistNeed,
    choose_albums,
    deep_end_pages,
    usable_deep_end,
)

ME = ArtistRef("a" * 22, "Hazel Wren")
OTHER = ArtistRef("b" * 22, "Somebody Else")


def album(name: str, date: str = "2010-01-01", kind: str = "album", tracks: int = 12) -> Album:
    return Album(f"{name:x<22}"[:22], name, "", kind, date, tracks, (ME,))


def track(name: str, on: Album, by: ArtistRef = ME) -> Track:
    return Track(f"{name:t<22}"[:22], "", name, (by,), on)


def test_the_deep_end_is_the_last_pages_never_the_first_again() -> None:
    one_deep = ArtistNeed(top=2, deep=1)
    assert deep_end_pages(95, 10, one_deep) == [(85, 10)]
    assert deep_end_pages(95, 10, ArtistNeed(top=2, deep=4)) == [(75, 10), (85, 10)]
    assert deep_end_pages(14, 10, one_deep) == [(10, 4)]  # only what the first page left
    assert deep_end_pages(8, 8, one_deep) == []  # the first page held everything
    assert deep_end_pages(95, 10, ArtistNeed(top=3, deep=0)) == []  # no deep cuts asked


def test_the_deep_end_stops_where_spotify_does() -> None:
    assert deep_end_pages(5000, 10, ArtistNeed(top=1, deep=1)) == [(990, 10)]


def test_only_the_artists_own_new_usable_songs_count_at_the_deep_end() -> None:
    lp, best_of = album("Debut"), album("Greatest Hits", kind="compilation")
    hit = track("Hit", lp)
    deep_end = [
        track("Deep One", lp), track("Deep Two", lp),
        track("Hit (Remastered 2011)", album("Debut (Remastered)")),  # the hit again
        track("Encore - Live", lp),  # a song only seen live: an excluded version
        track("Their Song", lp, by=OTHER),
        track("Best-of copy", best_of),
    ]
    assert usable_deep_end(ME.id, deep_end, [hit], frozenset({"live"})) == 2
    assert usable_deep_end(ME.id, deep_end, [hit], frozenset()) == 3


def test_albums_without_hits_first_when_deep_cuts_are_short() -> None:
    old_hits, new_quiet = album("Old Hits", "2001-01-01"), album("New Quiet", "2019-01-01")
    older_quiet = album("Older Quiet", "1999-01-01")
    releases = [new_quiet, old_hits, older_quiet]
    deep = choose_albums(releases, ArtistNeed(top=2, deep=4), hit_albums=[old_hits])
    assert deep[:2] == [older_quiet, new_quiet]
    tops = choose_albums(releases, ArtistNeed(top=12, deep=0), hit_albums=[old_hits])
    assert tops[0] == old_hits  # more top picks: the hits' album first
