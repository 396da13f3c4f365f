"""An artist's look-ups come in waves — first pages, last pages, the page above, albums — and
each wave is one round trip: driven here wave by wave, as the look-up pool drives it."""

from __future__ import annotations

from typing import Any

from playlists.music import Artist, Page, Track
from playlists.services.catalogue_needs import ArtistNeed
from playlists.services.fetching import fetch_materials
from playlists.services.options import GenerationOptions
from playlists.services.ranking import ArtistMaterial

from .fakes import FakeSpotify
from .test_generation import artist_with_copies_at_the_bottom


def waves(
    fake: FakeSpotify, artist: Artist, need: ArtistNeed
) -> tuple[list[list[str]], ArtistMaterial]:
    """The requests of each of ``artist``'s waves, and the material they make."""
    everyone = fetch_materials(fake, [artist], [need], GenerationOptions())
    (chain,) = next(everyone)  # one chain per artist, all at once
    made: list[list[str]] = []
    try:
        wave = next(chain)
        while True:
            before = len(fake.calls)
            results = [look_up() for look_up in wave]
            made.append([_request(name, args) for name, args in fake.calls[before:]])
            wave = chain.send(results)
    except StopIteration as finished:
        material = finished.value
    try:
        everyone.send([material])
    except StopIteration as finished:
        assert finished.value == [material]
    return made, material


def _request(name: str, args: tuple[Any, ...]) -> str:
    return f"search @{args[1]}" if name == "search_tracks" else name


def test_the_first_page_then_the_last_page_placed_by_its_total() -> None:
    fake = FakeSpotify()
    artist = fake.simple_artist("Steady", songs=25)
    made, material = waves(fake, artist, ArtistNeed(top=4, deep=1))
    assert made == [["search @0"], ["search @15"]]
    assert material.search_total == 25 and material.search_deep[0][0] == 15


def test_many_top_picks_read_more_first_pages_in_the_same_wave() -> None:
    fake = FakeSpotify()
    artist = fake.simple_artist("Prolific", songs=60)
    made, _ = waves(fake, artist, ArtistNeed(top=8, deep=1))
    assert made == [["search @0", "search @10"], ["search @50"]]


def test_a_deep_end_of_copies_reads_the_page_above_in_a_wave_of_its_own() -> None:
    fake = FakeSpotify()
    artist_with_copies_at_the_bottom(fake, "Reissued", songs=40)
    made, _ = waves(fake, fake.top[0], ArtistNeed(top=8, deep=1))
    assert made == [
        ["search @0", "search @10"],  # first pages
        ["search @40"],  # the last page: quiet copies of known songs
        ["search @30"],  # the page above it
    ]


def test_more_top_picks_than_search_pages_hold_read_albums_too() -> None:
    fake = FakeSpotify()
    artist = fake.simple_artist("Prolific", songs=60)
    made, _ = waves(fake, artist, ArtistNeed(top=9, deep=1))
    assert made == [
        ["search @0", "search @10", "search @20"], ["search @50"], ["artist_albums"], ["albums"],
    ]


def test_without_a_search_total_albums_come_after_the_first_page() -> None:
    fake = FakeSpotify()
    artist = fake.add_artist("Quiet Artist")
    fake.add_album(artist, "Hits", [(f"Hit {n}", 90 - n) for n in range(12)], year=2015)
    fake.add_album(artist, "Rarities", [(f"Rare {n}", 30 - n) for n in range(12)], year=2009)
    counted = fake.search_track_page

    def no_total(query: str, *, limit: int = 10, offset: int = 0) -> Page[Track]:
        page = counted(query, limit=limit, offset=offset)
        return Page(page.items, len(page.items))  # as when Spotify leaves ``total`` out

    fake.search_track_page = no_total  # type: ignore[method-assign]
    made, material = waves(fake, artist, ArtistNeed(top=3, deep=7))
    assert made == [["search @0"], ["artist_albums"], ["albums", "albums"]]
    assert [a.album.name for a in material.albums] == ["Rarities", "Hits"]  # no hits first


def test_extended_quota_reads_top_tracks_beside_a_50_result_page() -> None:
    fake = FakeSpotify(supports_popularity=True)
    artist = fake.simple_artist("Popular", songs=20)
    made, material = waves(fake, artist, ArtistNeed(top=6, deep=4))
    assert made == [["artist_top_tracks", "search @0"]]  # all 20 songs on that page
    assert material.top_tracks and len(material.search_hits) == 20
