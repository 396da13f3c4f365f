"""Version detection, filters and one-entry-per-song grouping on hand-made tracks."""

from __future__ import annotations

import dataclasses

import pytest

from playlists.music import Album, ArtistRef, Track
from playlists.services.dedupe import group_songs
from playlists.services.filters import SavedLibrary, TrackFilter
from playlists.services.options import VERSION_KINDS
from playlists.services.titles import song_key, track_versions

ARTIST = ArtistRef("a" * 22, "Hazel Wren")


def album(name: str, kind: str = "album", date: str = "2001-05-01", aid: str = "") -> Album:
    return Album(aid or f"al{abs(hash((name, kind, date))) % 10**20:020d}", name, "", kind, date)


def track(name: str, on: Album | None = None, **fields) -> Track:
    tid = fields.pop("id", f"tr{abs(hash((name, on))) % 10**20:020d}")
    return Track(tid, f"spotify:track:{tid}", name, fields.pop("artists", (ARTIST,)),
                 on or album("Debut"), **fields)


@pytest.mark.parametrize(
    ("title", "album_name", "kinds"),
    [
        ("Song - Live at Wembley 1986", "Debut", {"live"}),
        ("Song", "Live at The Roundhouse", {"live"}),
        ("Song (Live)", "Debut", {"live"}),
        ("Live Forever", "Debut", set()),
        ("Song - DJ Kestrel Remix", "Debut", {"remix"}),
        ("Song", "Song (Remixes)", {"remix"}),
        ("Song - Acoustic", "Debut", {"acoustic"}),
        ("Song", "Acoustic Sessions", {"acoustic"}),
        ("Song - Instrumental", "Debut", {"instrumental"}),
        ("Song (Originally Performed by X) [Karaoke Version]", "Karaoke Hits of X", {"karaoke"}),
        ("Song (Originally Performed by X)", "A Tribute to X", {"karaoke"}),
        ("Song - Demo", "Debut", {"demo"}),
        ("Song - Commentary", "Debut", {"commentary"}),
        ("Song (Remastered 2011)", "Debut (Remastered 2011)", set()),
        ("Song - Radio Edit", "Song", set()),
        ("Song - Single Edit", "Song", set()),
        ("Come & Get It - Dave Audé Radio", "Come & Get It", {"remix"}),
        ("Song - Tiësto Edit", "Debut", {"remix"}),
        ("Song (Club Mix)", "Debut", {"remix"}),
        ("Song - Radio Mix", "Debut", {"remix"}),
        ("Song - Stereo Mix", "Debut", set()),
        ("Song - Live at Radio City Music Hall", "Debut", {"live"}),
        ("Song - Portuguese Version Edit", "Debut", set()),
        ("Song (feat. Velvet Kestrel)", "Debut", set()),
    ],
)
def test_version_kinds_come_from_annotations_and_album_names(
    title: str, album_name: str, kinds: set[str]
) -> None:
    assert track_versions(track(title, album(album_name))) == kinds


def test_tribute_acts_are_karaoke_whatever_the_title() -> None:
    cover = track("Song", artists=(ArtistRef("b" * 22, "Karaoke Kingdom Studio Band"),))
    assert "karaoke" in track_versions(cover)


def test_song_key_strips_editions_but_keeps_versions() -> None:
    same = ["Song", "Song (Remastered 2011)", "Song - 2011 Remaster", "Song - Deluxe Edition",
            "Song (feat. X)", "Song - Radio Edit", "Song - Single Version", "SONG!", "Sóng"]
    assert {song_key(t) for t in same} == {"song"}
    assert song_key("Song - Live") != song_key("Song")
    assert song_key("Song - Acoustic Version") != song_key("Song")


def test_filters_explain_why() -> None:
    f = TrackFilter(exclude_versions=frozenset(VERSION_KINDS), allow_explicit=False)
    assert f.track_reasons(track("Song - Live")) == ("live",)
    assert f.track_reasons(track("Song", explicit=True)) == ("explicit",)
    assert f.track_reasons(track("Song", is_playable=False)) == ("unavailable",)
    assert f.allows(track("Song"))
    assert TrackFilter().allows(track("Song - Live", explicit=True))


def test_one_group_per_song_across_releases_preferring_the_original() -> None:
    lp = album("Debut", "album", "2001-05-01")
    single = album("Song", "single", "2001-03-01")
    deluxe = album("Debut (Deluxe Edition)", "album", "2002-01-01")
    remaster = album("Debut - 2011 Remaster", "album", "2011-01-01")
    best_of = album("Greatest Hits", "compilation", "2010-01-01")
    versions = [
        track("Song (Remastered 2011)", remaster, isrc="ISRC1"),
        track("Song", best_of, isrc="ISRC1"),
        track("Song", single, isrc="ISRC1"),
        track("Song", deluxe),  # no ISRC on album tracks: matched by title
        track("Song", lp),
        track("Song - Radio Edit", single, isrc="ISRC2"),
        track("Other Song", lp),
    ]
    groups = group_songs(versions)
    assert [len(g.members) for g in groups] == [6, 1]
    assert groups[0].preferred().album == lp
    without_album = [t for t in versions if t.album != lp]
    assert group_songs(without_album)[0].preferred().album == single


def test_isrc_joins_retitled_releases_and_versions_stay_eligible() -> None:
    a = track("Song", isrc="SAME")
    b = track("Song (2015 Version)", album("Later", date="2015-01-01"), isrc="SAME")
    live = track("Song - Live", album("Live at X"))
    groups = group_songs([a, b, live])
    assert len(groups) == 1  # live shares the lead artist and bare title: one song
    f = TrackFilter(exclude_versions=frozenset({"live"}))
    assert groups[0].preferred(f.allows) == a


def test_clean_edit_stands_in_when_explicit_is_off() -> None:
    explicit = track("Song", explicit=True, isrc="E")
    clean = track("Song", album("Debut", date="2001-05-01", aid="c" * 22), isrc="C")
    group = group_songs([explicit, clean])[0]
    assert group.preferred(TrackFilter().allows) == explicit
    assert group.preferred(TrackFilter(allow_explicit=False).allows) == clean
    assert TrackFilter(allow_explicit=False).song_reason(group) is None
    assert TrackFilter(allow_explicit=False).song_reason(group_songs([explicit])[0]) == "explicit"


def test_saved_and_removed_songs_are_out_whatever_the_release() -> None:
    lp_version = track("Song", isrc="X")
    single_version = dataclasses.replace(track("Song", album("Song", "single")), isrc=None)
    group = group_songs([single_version])[0]
    saved = SavedLibrary.from_tracks([lp_version])
    assert TrackFilter(saved=saved).song_reason(group) == "saved"
    removed = TrackFilter(removed_track_ids=frozenset({single_version.id}))
    assert removed.song_reason(group) == "removed"


# -- skits, intros, interludes: not songs ------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "seconds"),
    [
        ("Intro", 62), ("Outro (feat. Chilly Gonzales)", 95), ("Skepta Interlude", 80),
        ("Solo (Reprise)", 79), ("Interlude: Talk Radio", 70), ("INTRO : Calling", 110),
        ("Meet My Crazy Uncle (Skit)", 40), ("Stompdown - Skit 1", 30),
        ("Interview Part 1", 600), ("Skit", 260),  # spoken: never a song, however long
        ("Confident Outro/For You Intro", 90), ("Entr'Acte", 100),
        ("Interludio", 70), ("Introducción", 60), ("イントロ", 80), ("인트로", 70),
        ("Интро", 75), ("Untitled", 41),  # very short, whatever the title
    ],
)
def test_skits_intros_interludes_and_very_short_tracks_are_their_own_kind(
    title: str, seconds: int
) -> None:
    assert "skit" in track_versions(track(title, duration_ms=seconds * 1000))


@pytest.mark.parametrize(
    ("title", "seconds"),
    [
        ("Intro: Singularity", 197),  # named like an intro, as long as a song: a song
        ("1985 - Intro to “The Fall Off”", 238),
        ("Overture / The First Noel", 120),  # a medley naming a song
        ("Bonita Applebum - includes 'Can I Kick It' Intro", 100),
        ("Introducing Me", 120), ("Outrageous", 100), ("Reprisal", 90),
        ("Song", 0),  # length unknown
        ("Song", 95),
    ],
)
def test_songs_named_near_those_words_stay_songs(title: str, seconds: int) -> None:
    assert "skit" not in track_versions(track(title, duration_ms=seconds * 1000))


def test_a_skit_is_left_out_by_default_and_kept_when_allowed() -> None:
    skit = track("Grandma (Skit)", duration_ms=45_000)
    assert TrackFilter(exclude_versions=frozenset(VERSION_KINDS)).track_reasons(skit) == (
        "skit",
    )
    assert TrackFilter(exclude_versions=frozenset(VERSION_KINDS) - {"skit"}).allows(skit)


def test_the_original_of_an_album_people_play_as_its_deluxe_edition_is_a_quiet_copy() -> None:
    """A hit on "X (Deluxe Edition)": the plays sit there, so X's own listing of any of its
    songs, deep in search, says nothing about how deep that song is."""
    from playlists.services.titles import is_release_copy, played_releases

    played = played_releases([track("Hit", album("Harbor Lights (Deluxe Edition)"))])
    assert is_release_copy(track("Album Song", album("Harbor Lights")), played)
    assert not is_release_copy(track("Album Song", album("Other Record")), played)
    assert not is_release_copy(track("Album Song", album("Harbor Lights")))


def test_another_listing_of_a_hits_album_by_the_same_name_is_a_quiet_copy() -> None:
    """A clean or regional edition listed under the album's very name ("Collide With the Sky"
    beside "Collide With The Sky" on the real crawl, its copies at popularity 2-6 against the
    album's 60-65): when a hit is on one listing, the other's tracks are quiet copies.  A
    different album that only shares a base title is not ("Weezer (Green Album)")."""
    from playlists.services.titles import is_release_copy, played_releases

    played_on = album("Collide With The Sky", aid="a" * 22)
    played = played_releases([track("King for a Day", played_on)])
    assert is_release_copy(track("Bulls in the Bronx", album("Collide With the Sky")), played)
    assert not is_release_copy(track("Bulls in the Bronx", played_on), played)
    assert not is_release_copy(track("Bulls in the Bronx", album("Collide With the Sky")))
    blue = album("Weezer (Blue Album)", aid="b" * 22)
    assert not is_release_copy(
        track("Island in the Sun", album("Weezer (Green Album)")),
        played_releases([track("Buddy Holly", blue)]),
    )
    assert not is_release_copy(  # a single named like the album is no album listing
        track("A B-side", album("Collide With The Sky", "single")), played
    )


def test_on_the_listing_the_hits_are_on_a_reissue_is_what_people_play() -> None:
    """Hits titled "- Remaster" on a deluxe edition (Led Zeppelin on the real crawl): that
    listing's other "- Remaster" tracks are its songs, not copies; elsewhere they still are."""
    from playlists.services.titles import is_release_copy, played_releases

    coda = album("Coda (Deluxe Edition)", aid="c" * 22)
    played = played_releases([track("Poor Tom - Remaster", coda)])
    assert not is_release_copy(track("Wearing and Tearing - Remaster", coda), played)
    assert is_release_copy(track("Wearing and Tearing - Remaster", album("Coda")), played)
    assert is_release_copy(track("Ozone Baby - Remaster", album("In Through the Out Door")),
                           played)
    plain = played_releases([track("Hit", album("Debut", aid="d" * 22))])
    assert is_release_copy(  # hits not titled so: such a title is still a reissue's
        track("Other Song - Remastered 2011", album("Debut", aid="d" * 22)), plain
    )


def test_versions_of_a_known_song_count_with_it() -> None:
    """Remixes, radio and club mixes, edits, re-recordings and features of a hit are the hit:
    one song, so never a deep cut beside it; the version played is the original."""
    hit = track("Come & Get It", album("Stars Dance"))
    versions = [
        track("Come & Get It - Dave Audé Radio", album("Come & Get It (Remixes)", "single")),
        track("Come & Get It (Club Mix)", album("Come & Get It (Remixes)", "single")),
        track("Come & Get It - Radio Edit", album("Come & Get It", "single")),
        track("Come & Get It (Taylor's Version)",
              album("Stars Dance (Taylor's Version)", date="2021-11-12")),
        track("Come & Get It - Re-Recorded", album("Anthology", "compilation")),
        track("Come & Get It (feat. Velvet Kestrel)", album("Stars Dance (Deluxe)")),
    ]
    groups = group_songs([*versions, hit])
    assert len(groups) == 1
    assert groups[0].preferred(TrackFilter(frozenset(VERSION_KINDS)).allows) == hit
