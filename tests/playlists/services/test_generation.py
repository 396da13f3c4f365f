"""generate over hand-made catalogues (an in-memory fake Spotify, no HTTP)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from itertools import pairwise

import pytest

from playlists.music import Page, Track
from playlists.services.generation import generate
from playlists.services.generation_error import GenerationError
from playlists.services.options import GenerationOptions
from playlists.services.preview import Preview

from .fakes import FakeSpotify

DAY = dt.date(2026, 11, 25)


def world(artists: int = 5, songs: int = 12) -> FakeSpotify:
    fake = FakeSpotify()
    fake.top = [fake.simple_artist(f"Artist {i}", songs, base=90 - i) for i in range(artists)]
    return fake


def preview(fake: FakeSpotify, **options) -> Preview:
    options.setdefault("artist_count", len(fake.top) or 10)
    options.setdefault("track_count", 20)
    return generate(fake, GenerationOptions(**options), today=DAY).preview


def song_rank(fake: FakeSpotify, track_id: str) -> int:
    """0 = the artist's most popular song."""
    track = next(t for a in fake.album_data.values() for t in a.tracks if t.id == track_id)
    artist_tracks = [
        t for a in fake.album_data.values() for t in a.tracks if t.artists[0] == track.artists[0]
    ]
    order = sorted(artist_tracks, key=lambda t: -fake.popularity[t.id])
    return [t.id for t in order].index(track_id)


def test_preview_has_the_length_share_and_fair_split() -> None:
    fake = world(5, 12)
    p = preview(fake, track_count=20, deep_cut_percent=40, seed=1)
    assert p.track_count == 20
    assert p.deep_count == 8 and p.deep_share == pytest.approx(0.4)
    assert set(Counter(e.artist.id for e in p.entries).values()) == {4}
    assert len(set(p.track_uris)) == 20
    assert p.duration_ms == 20 * 200_000
    assert p.name == "MoodyStream · Artist 0, Artist 1 & 3 more · 25 Nov 2026"
    assert p.notes == ()


def test_top_picks_are_hits_and_deep_cuts_are_not() -> None:
    fake = world(4, 16)
    p = preview(fake, track_count=24, deep_cut_percent=50, seed=3)
    tops = [song_rank(fake, e.track.id) for e in p.entries if e.role == "top"]
    deeps = [song_rank(fake, e.track.id) for e in p.entries if e.role == "deep"]
    assert max(tops) < 3  # each artist's three best-known songs
    assert min(deeps) >= 8  # outside the search's first pages... of 16 songs


def test_no_two_tracks_by_the_same_artist_back_to_back() -> None:
    fake = world(3, 20)
    p = preview(fake, track_count=30, seed=5)
    leads = [e.track.artists[0].id for e in p.entries]
    assert all(a != b for a, b in pairwise(leads))


def test_same_seed_same_preview_new_seed_new_preview() -> None:
    fake = world(5, 12)
    first = preview(fake, seed=11)
    again = preview(fake, seed=11)
    other = preview(fake, seed=12)
    assert first.digest == again.digest and first.entries == again.entries
    assert other.digest != first.digest


@pytest.mark.parametrize(("percent", "deep"), [(0, 0), (100, 20), (45, 9), (33, 7)])
def test_deep_cut_share_extremes_and_rounding(percent: int, deep: int) -> None:
    fake = world(4, 15)
    p = preview(fake, track_count=20, deep_cut_percent=percent, seed=2)
    assert p.deep_count == deep
    assert p.track_count == 20


def test_artist_with_one_album() -> None:
    fake = FakeSpotify()
    solo = fake.add_artist("Solo")
    fake.add_album(solo, "Only Album", [(f"Tune {i}", 70 - 4 * i) for i in range(10)])
    fake.top = [solo]
    p = preview(fake, track_count=10, deep_cut_percent=40, seed=4)
    assert p.track_count == 10 and p.deep_count == 4
    assert [song_rank(fake, e.track.id) for e in p.entries if e.role == "top"].count(0) == 1
    assert sorted(song_rank(fake, e.track.id) for e in p.entries if e.role == "top") == [
        0, 1, 2, 3, 4, 5,
    ]


def test_artist_with_only_compilations() -> None:
    fake = world(2, 12)
    comp = fake.add_artist("Compiled")
    fake.add_album(
        comp, "Greatest Hits", [(f"Hit {i}", 60 - 3 * i) for i in range(12)],
        album_type="compilation",
    )
    fake.top.append(comp)
    p = preview(fake, track_count=15, deep_cut_percent=40, seed=6)
    by_artist = Counter(e.artist.name for e in p.entries)
    assert by_artist["Compiled"] == 5
    assert p.notes == ()
    assert ("artist_albums", (comp.id, ("single", "compilation"))) in fake.calls


def test_artist_with_too_few_songs_is_filled_from_the_others() -> None:
    fake = world(2, 15)
    tiny = fake.add_artist("Tiny")
    fake.add_album(tiny, "EP", [("One", 50), ("Two", 40)], album_type="single")
    fake.top.append(tiny)
    p = preview(fake, track_count=18, deep_cut_percent=50, seed=7)
    assert p.track_count == 18
    assert Counter(e.artist.name for e in p.entries)["Tiny"] == 2
    assert any("Tiny" in note and "other artists" in note for note in p.notes)
    assert p.deep_count == 9  # the share survives the fill


def test_no_top_artists_is_a_clear_error() -> None:
    fake = FakeSpotify()
    with pytest.raises(GenerationError) as caught:
        preview(fake)
    assert "pick artists" in caught.value.user_message
    with pytest.raises(GenerationError, match="follow"):
        preview(fake, artist_source="followed")


def test_explicit_filter_keeps_clean_versions_only() -> None:
    fake = FakeSpotify()
    artist = fake.add_artist("Potty Mouth")
    fake.add_album(
        artist, "Loud", [(f"Loud {i}", 80 - 3 * i, {"explicit": i % 2 == 0}) for i in range(12)]
    )
    fake.top = [artist]
    p = preview(fake, track_count=10, allow_explicit=False, seed=8)
    assert p.entries and not any(e.track.explicit for e in p.entries)
    assert any("explicit" in note for note in p.notes)


def test_everything_filtered_out_is_a_clear_error() -> None:
    fake = FakeSpotify()
    artist = fake.add_artist("Live Band")
    fake.add_album(artist, "Live at The Roundhouse", [(f"Jam {i}", 50) for i in range(10)])
    fake.top = [artist]
    with pytest.raises(GenerationError) as caught:
        preview(fake, track_count=10)
    assert "filters" in caught.value.user_message


def test_versions_are_filtered_and_each_song_appears_once() -> None:
    fake = FakeSpotify()
    artist = fake.add_artist("Versions")
    lp = fake.add_album(artist, "Debut", [(f"Song {i}", 80 - 4 * i) for i in range(12)])
    fake.add_album(artist, "Song 0", [("Song 0", 85), ("Song 0 - Club Remix", 40)],
                   album_type="single", isrc_from=lp)
    fake.add_album(artist, "Live at Home", [(f"Song {i} - Live", 30) for i in range(5)])
    fake.add_album(artist, "Debut (Deluxe Edition)",
                   [(f"Song {i}", 20) for i in range(12)] + [("Song 1 - Demo", 5)], isrc_from=lp)
    fake.top = [artist]
    p = preview(fake, track_count=12, deep_cut_percent=50, seed=9)
    titles = [e.track.name for e in p.entries]
    assert len(titles) == len(set(titles)) == 12
    assert not any("Live" in t or "Remix" in t or "Demo" in t for t in titles)
    hit = next(e for e in p.entries if e.track.name == "Song 0")
    assert hit.role == "top" and hit.track.album.name in ("Debut", "Song 0")


def test_removed_tracks_are_replaced_and_the_rest_stays() -> None:
    fake = world(4, 15)
    before = preview(fake, track_count=20, seed=10)
    removed = before.entries[3].track
    after = generate(
        fake,
        GenerationOptions(artist_count=4, track_count=20, seed=10),
        removed_track_ids=frozenset({removed.id}),
        today=DAY,
    ).preview
    assert removed.uri not in after.track_uris and after.track_count == 20
    assert len(set(before.track_uris) & set(after.track_uris)) == 19
    assert any("removed" in note for note in after.notes)


def test_saved_songs_can_be_left_out() -> None:
    fake = world(2, 12)
    fake.saved = [fake.album_data[a.id].tracks[0] for a in fake.releases[fake.top[0].id]]
    p = preview(fake, track_count=10, exclude_saved=True, seed=12)
    assert fake.saved[0].uri not in p.track_uris
    assert "saved_tracks" in fake.names()
    assert "saved_tracks" not in world(1).names()


def test_picked_artists_by_name_or_id_with_a_note_for_unknown_names() -> None:
    fake = world(3, 12)
    a0, a2 = fake.top[0], fake.top[2]
    p = preview(
        fake, artist_source="picked", picked_artists=("artist 0", a2.uri, "Nobody Here"),
        track_count=10, seed=13,
    )
    assert [a.id for a in p.artists] == [a0.id, a2.id]
    assert any("Nobody Here" in note for note in p.notes)
    with pytest.raises(GenerationError, match="none of the artists"):
        preview(fake, artist_source="picked", picked_artists=("Nobody",), seed=1)


def test_requests_only_what_the_share_needs() -> None:
    fake = world(5, 25)
    preview(fake, track_count=20, deep_cut_percent=0, seed=1)
    assert Counter(fake.names())["search_tracks"] == 5  # top picks come from search alone
    assert "albums" not in fake.names()
    fake.calls.clear()
    preview(fake, track_count=20, deep_cut_percent=40, seed=1)
    searches = [args for name, args in fake.calls if name == "search_tracks"]
    assert sorted(offset for _, offset in searches) == [0] * 5 + [15] * 5  # first, last page
    assert "albums" not in fake.names() and "artist_albums" not in fake.names()


def test_extended_mode_ranks_by_popularity() -> None:
    fake = FakeSpotify(supports_popularity=True)
    fake.top = [fake.simple_artist(f"Artist {i}", 20) for i in range(3)]
    p = preview(fake, track_count=15, deep_cut_percent=40, seed=14)
    tops = [song_rank(fake, e.track.id) for e in p.entries if e.role == "top"]
    deeps = [song_rank(fake, e.track.id) for e in p.entries if e.role == "deep"]
    assert max(tops) <= 2 and min(deeps) >= 14  # the quiet part: the least played 30 %
    assert Counter(fake.names())["artist_top_tracks"] == 3
    assert "albums" not in fake.names()  # a 50-result search page holds all 20 songs


def test_every_pick_carries_the_rankings_evidence() -> None:
    fake = world(3, 25)
    p = preview(fake, track_count=12, deep_cut_percent=50, seed=2)
    tops = [e.evidence for e in p.entries if e.role == "top"]
    deeps = [e.evidence for e in p.entries if e.role == "deep"]
    assert all(any(r.startswith("search #") for r in ev) for ev in tops)
    assert deeps and all(re.fullmatch(r"search #\d+ of 25", ev[0]) for ev in deeps)


def test_without_a_search_total_deep_cuts_come_from_albums_without_hits_first() -> None:
    fake = FakeSpotify()
    artist = fake.add_artist("Quiet Artist")
    fake.add_album(artist, "Hits", [(f"Hit {n}", 90 - n) for n in range(12)], year=2015)
    fake.add_album(artist, "Rarities", [(f"Rare {n}", 30 - n) for n in range(12)], year=2009)
    fake.top = [artist]
    counted = fake.search_track_page

    def no_total(query: str, *, limit: int = 10, offset: int = 0) -> Page[Track]:
        page = counted(query, limit=limit, offset=offset)
        return Page(page.items, len(page.items))  # as when Spotify leaves ``total`` out

    fake.search_track_page = no_total  # type: ignore[method-assign]
    p = preview(fake, track_count=10, deep_cut_percent=70, seed=3)  # one search page
    deeps = [e for e in p.entries if e.role == "deep"]
    assert "artist_albums" in fake.names() and "albums" in fake.names()
    rare = [e for e in deeps if e.track.name.startswith("Rare")]
    assert len(deeps) == 7 and len(rare) >= 5  # the seed picks among the deepest 8
    assert all("from an album with no hits" in e.evidence for e in rare)


def artist_with_copies_at_the_bottom(fake: FakeSpotify, name: str, songs: int = 20) -> None:
    """``songs`` songs, and below them in search a remastered edition's quiet copies of 10."""
    artist = fake.add_artist(name)
    lp = fake.add_album(artist, f"{name} LP", [(f"{name} Song {i + 1}", 90 - 2 * i)
                                               for i in range(songs)])
    fake.add_album(artist, f"{name} LP (Remastered)",
                   [(f"{name} Song {i + 1} - Remastered", 10 - i) for i in range(10)],
                   isrc_from=lp)
    fake.top.append(artist)


def deep_end_offsets(fake: FakeSpotify) -> list[int]:
    return sorted(args[1] for name, args in fake.calls if name == "search_tracks" and args[1])


def test_an_artist_whose_deep_end_is_all_copies_reads_the_page_above() -> None:
    fake = FakeSpotify()
    artist_with_copies_at_the_bottom(fake, "Reissued", songs=40)
    p = preview(fake, track_count=10, deep_cut_percent=10, seed=1)  # 9 top picks: 3 pages
    assert deep_end_offsets(fake) == [10, 20, 30, 40]  # the hits, the last page, the one above
    (deep,) = [e for e in p.entries if e.role == "deep"]
    assert re.fullmatch(r"search #\d+ of 50", deep.evidence[0])
    assert "Remastered" not in deep.track.name and song_rank(fake, deep.track.id) >= 35


# -- fresh across playlists --------------------------------------------------------------------
def test_a_second_playlist_brings_new_deep_cuts_and_says_how_many_it_left_out() -> None:
    from playlists.services.saving import save_playlist
    from shared_state.memory import MemoryState

    fake = world(4, 30)
    first = preview(fake, seed=1, deep_cut_percent=50)
    save_playlist(fake, first, idempotency_key="me:first", state=MemoryState())
    again = preview(fake, seed=1, deep_cut_percent=50)
    heard = {e.track.id for e in first.entries if e.role == "deep"}
    assert heard and not heard & {e.track.id for e in again.entries if e.role == "deep"}
    assert again.deep_count == first.deep_count
    note = next(n for n in again.notes if "earlier MoodyStream playlists" in n)
    assert re.match(rf"^{len(heard)} songs from your earlier MoodyStream playlists were left "
                    "out of the deep cuts", note)
    # Top picks are the artists' best-known songs, whatever was played before.
    assert {e.track.id for e in first.entries if e.role == "top"} == {
        e.track.id for e in again.entries if e.role == "top"
    }
    repeated = preview(fake, seed=1, deep_cut_percent=50, exclude_earlier=False)
    assert repeated.track_uris == first.track_uris


def test_earlier_playlists_are_read_newest_first_within_a_bounded_budget() -> None:
    from playlists.services.earlier import READ_BUDGET

    fake = world(3, 20)
    for n in range(8):
        fake.playlists.append({
            "id": f"pl{n:020d}", "name": f"Mix {n}", "public": False, "version": 1,
            "description": "Made with MoodyStream." if n != 1 else "not ours",
            "items": [f"spotify:track:{n:022d}"] * 50,
        })
    preview(fake, seed=2)
    reads = [c[1][0] for c in fake.calls if c[0] == "playlist_item_uris"]
    assert reads == ["pl" + f"{n:020d}" for n in (0, 2, 3, 4)][:READ_BUDGET]
    fake.calls.clear()
    preview(fake, seed=2, exclude_earlier=False)
    assert "playlist_item_uris" not in fake.names()
