"""Mixing arithmetic and ordering, independent of how songs were ranked."""

from __future__ import annotations

import dataclasses
from collections import Counter
from itertools import pairwise

import pytest

from playlists.music import Artist, Track
from playlists.services.dedupe import group_songs
from playlists.services.filters import TrackFilter
from playlists.services.mixing import deep_cut_target, mix, shares
from playlists.services.ranking import ArtistRanking, RankedSong


def ranking(name: str, hits: int, deep: int) -> ArtistRanking:
    artist = Artist(f"{name:x<22}"[:22], name, f"spotify:artist:{name}")
    songs = []
    for i in range(hits + deep):
        t = Track(f"{name}{i:x<20}"[:22], f"spotify:track:{name}{i}", f"{name} {i}", (artist.ref,))
        group = group_songs([t])[0]
        songs.append(RankedSong(group, float(100 - i), ("search",) if i < hits else ()))
    return ArtistRanking(artist, tuple(songs))


@pytest.mark.parametrize(
    ("count", "percent", "deep"),
    [(50, 40, 20), (11, 45, 5), (10, 5, 1), (10, 4, 0), (200, 100, 200), (15, 50, 8), (10, 0, 0)],
)
def test_deep_cut_target_rounds_half_up(count: int, percent: int, deep: int) -> None:
    assert deep_cut_target(count, percent) == deep


def test_shares_are_even_and_largest_remainders_win() -> None:
    assert shares(50, [1] * 10) == [5] * 10
    assert shares(52, [1] * 10) == [6, 6] + [5] * 8
    assert shares(20, [6, 6, 5, 5]) == [5, 5, 5, 5]  # 5.45, 5.45, 4.55, 4.55
    assert shares(8, [6, 6, 5, 5]) == [2, 2, 2, 2]
    assert sum(shares(7, [3, 3, 2])) == 7


def test_one_dominant_artist_is_spread_out_as_far_as_possible() -> None:
    result = mix(
        [ranking("big", 10, 10), ranking("small", 1, 0)],
        track_count=12, deep_cut_percent=0, seed=1, track_filter=TrackFilter(),
    )
    names = [e.artist.name for e in result.entries]
    assert names.count("small") == 1
    assert any("small" in n for n in result.notes)
    back_to_back = sum(a == b for a, b in pairwise(names))
    assert back_to_back == 11 - 2  # the only unavoidable repeats


def test_roles_follow_the_ranking() -> None:
    result = mix([ranking("a", 5, 10)], track_count=10, deep_cut_percent=30, seed=2,
                 track_filter=TrackFilter())
    tops = sorted(int(e.track.name.split()[1]) for e in result.entries if e.role == "top")
    deeps = [int(e.track.name.split()[1]) for e in result.entries if e.role == "deep"]
    assert tops == list(range(7))
    assert len(deeps) == 3 and min(deeps) >= 7


def test_shortfall_everywhere_is_noted() -> None:
    result = mix([ranking("a", 3, 2), ranking("b", 2, 1)], track_count=20, deep_cut_percent=50,
                 seed=3, track_filter=TrackFilter())
    assert len(result.entries) == 8
    assert any("Only 8 songs were available" in n for n in result.notes)


def test_an_artist_short_of_songs_splits_them_by_role_and_the_share_holds() -> None:
    result = mix([ranking("s", 3, 2), ranking("b", 10, 20)], track_count=20,
                 deep_cut_percent=40, seed=4, track_filter=TrackFilter())
    small = [e.role for e in result.entries if e.artist.name == "s"]
    assert sorted(small) == ["deep", "deep", "top", "top", "top"]
    assert len(result.entries) == 20
    assert sum(e.role == "deep" for e in result.entries) == 8


def test_the_seed_chooses_among_measured_deep_cuts_when_they_fill_the_slots() -> None:
    """One deep slot, one song seen at the deep end of search, others guessed from albums: every
    seed takes the measured one (the wider choice would reach for a guessed, shallower song)."""
    base = ranking("solo", 6, 4)
    songs = tuple(
        dataclasses.replace(s, depth=10.0, measured=True) if i == 9 else s
        for i, s in enumerate(base.songs)
    )
    solo = ArtistRanking(base.artist, songs)
    picks = set()
    for seed in range(1, 21):
        result = mix([solo], track_count=10, deep_cut_percent=10, seed=seed,
                     track_filter=TrackFilter())
        picks |= {e.track.name for e in result.entries if e.role == "deep"}
    assert picks == {"solo 9"}


def quiet_artist(depths: list[float]) -> ArtistRanking:
    """Nine hits (the top slots), then songs measured at the deep end of search at
    ``depths``."""
    base = ranking("quiet", 9, len(depths))
    songs = tuple(
        dataclasses.replace(s, depth=depths[i - 9], measured=True)
        if i >= 9 else dataclasses.replace(s, hit=True)
        for i, s in enumerate(base.songs)
    )
    return ArtistRanking(base.artist, songs)


def deep_picks(artist: ArtistRanking, seeds: range) -> list[str]:
    return [
        e.track.name
        for seed in seeds
        for e in mix([artist], track_count=10, deep_cut_percent=10, seed=seed,
                     track_filter=TrackFilter()).entries
        if e.role == "deep"
    ]


def test_shuffle_again_draws_from_the_whole_quiet_part_weighted_toward_the_deepest() -> None:
    """One deep slot; songs estimated at the 2nd … 24th percentile and two above the quiet
    part: five shuffles see three or more of them, the deepest most often, never the two."""
    depths = [60.0, 45.0, 24.0, 20.0, 15.0, 11.0, 6.0, 2.0]
    artist = quiet_artist(depths)
    distinct = [len(set(deep_picks(artist, range(start, start + 5)))) for start in (1, 21, 41)]
    assert sum(distinct) / len(distinct) >= 3
    counts = Counter(deep_picks(artist, range(1, 201)))
    assert not counts.keys() & {"quiet 9", "quiet 10"}  # at the 60th and 45th percentile
    deepest, shallowest = ("quiet 16", "quiet 15"), ("quiet 12", "quiet 11")  # 2, 6; 20, 24
    assert sum(counts[s] for s in deepest) > 1.5 * sum(counts[s] for s in shallowest) > 0


@pytest.mark.parametrize(("demos", "said"), [(1, "(1 demo)"), (2, "(2 demos)")])
def test_the_filter_note_counts_in_correct_grammar(demos: int, said: str) -> None:
    base = ranking("Wren", 6, 4)
    songs = list(base.songs)
    for i in range(demos):
        song = songs[i]
        track = dataclasses.replace(song.group.members[0], name=f"Song {i} (Demo)")
        songs[i] = dataclasses.replace(song, group=group_songs([track])[0])
    result = mix([dataclasses.replace(base, songs=tuple(songs))], track_count=5,
                 deep_cut_percent=0, seed=1,
                 track_filter=TrackFilter(exclude_versions=frozenset({"demo"})))
    assert any(said in note for note in result.notes), result.notes


def test_counts_in_the_notes_are_in_correct_grammar() -> None:
    """Issue 22 point 10: "1 song was", never "1 songs were"."""
    result = mix([ranking("a", 1, 0)], track_count=10, deep_cut_percent=50, seed=1,
                 track_filter=TrackFilter())
    assert len(result.entries) == 1
    assert "Only 1 song was available, so the playlist is shorter than the 10 you asked for." in (
        result.notes)
    assert any(n.startswith("Only 0 deep cuts were available") for n in result.notes)
    result = mix([ranking("a", 2, 1)], track_count=10, deep_cut_percent=50, seed=1,
                 track_filter=TrackFilter())
    assert any(n.startswith("Only 1 deep cut was available") for n in result.notes)
