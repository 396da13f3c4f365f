"""Each ranking signal on hand-made catalogues: what makes a song best known or a deep cut,
and the evidence the preview shows for it."""

from __future__ import annotations

import itertools

from playlists.music import Album, AlbumTracks, Artist, ArtistRef, Track
from playlists.services.ranking import ArtistMaterial, rank_artist

ARTIST = Artist("a" * 22, "Hazel Wren", "spotify:artist:" + "a" * 22)
OTHER = ArtistRef("b" * 22, "Somebody Else")
_ids = itertools.count(1)


def album(name: str, tracks: int = 12, kind: str = "album", date: str = "2010-01-01") -> Album:
    aid = f"al{next(_ids):020d}"
    return Album(aid, name, f"spotify:album:{aid}", kind, date, tracks, (ARTIST.ref,))


def track(name: str, on: Album, number: int = 1, by: ArtistRef = ARTIST.ref) -> Track:
    tid = f"tr{next(_ids):020d}"
    return Track(tid, f"spotify:track:{tid}", name, (by,), on, track_number=number)


def songs(on: Album, prefix: str) -> AlbumTracks:
    return AlbumTracks(
        on, tuple(track(f"{prefix} {n}", on, n) for n in range(1, on.total_tracks + 1))
    )


def deep_titles(material: ArtistMaterial, **kw) -> list[str]:
    return [s.group.preferred().name for s in rank_artist(material, **kw).deep]


def evidence_of(material: ArtistMaterial, title: str, **kw) -> tuple[str, ...]:
    ranking = rank_artist(material, **kw)
    return next(s.evidence for s in ranking.songs if s.group.preferred().name == title)


# -- best known -------------------------------------------------------------------------------
def test_search_position_ranks_the_hits_and_says_where() -> None:
    lp = album("Debut")
    hits = tuple(track(f"Hit {n}", lp, n) for n in range(1, 4))
    ranking = rank_artist(ArtistMaterial(ARTIST, search_hits=hits, search_total=3))
    assert [s.group.preferred().name for s in ranking.top] == ["Hit 1", "Hit 2", "Hit 3"]
    assert ranking.top[1].evidence == ("search #2",)
    assert ranking.deep == ()


def test_your_top_tracks_make_a_hit_never_a_deep_cut() -> None:
    lp = songs(album("Debut", 6), "Song")
    mine = lp.tracks[5]
    material = ArtistMaterial(ARTIST, albums=(lp,))
    assert "Song 6" in deep_titles(material)
    assert "Song 6" not in deep_titles(material, user_top=[mine])
    assert evidence_of(material, "Song 6", user_top=[mine]) == ("your top tracks",)


def test_a_single_is_a_hit_and_its_b_side_a_deep_cut() -> None:
    single = album("Lead Song", 2, kind="single")
    a_side, b_side = track("Lead Song", single, 1), track("Flip Side", single, 2)
    material = ArtistMaterial(
        ARTIST, releases=(single,), albums=(AlbumTracks(single, (a_side, b_side)),)
    )
    ranking = rank_artist(material)
    assert ranking.top[0].group.preferred() == a_side and "single" in ranking.top[0].evidence
    assert [s.group.preferred() for s in ranking.deep] == [b_side]
    assert "B-side" in ranking.deep[0].evidence


# -- deep cuts --------------------------------------------------------------------------------
def test_the_deeper_in_the_search_results_the_deeper_the_cut() -> None:
    lp = album("Debut", 40)
    first_page = tuple(track(f"Hit {n}", lp, n) for n in range(1, 11))
    deep_end = tuple((30 + i, track(f"Deep {30 + i}", lp, 11 + i)) for i in range(10))
    material = ArtistMaterial(
        ARTIST, search_hits=first_page, search_deep=deep_end, search_total=40
    )
    assert deep_titles(material) == [f"Deep {p}" for p in range(39, 29, -1)]
    assert evidence_of(material, "Deep 39") == ("search #40 of 40",)


def test_deep_end_results_by_other_artists_are_not_candidates() -> None:
    lp, theirs = album("Debut", 12), album("Their Record", 12)
    deep_end = ((10, track("Mine", lp, 12)), (11, track("Theirs", theirs, 12, by=OTHER)))
    material = ArtistMaterial(ARTIST, search_deep=deep_end, search_total=12,
                              search_hits=(track("Hit", lp, 1),))
    assert deep_titles(material) == ["Mine"]


def test_a_song_seen_in_the_search_beats_one_only_seen_on_an_album() -> None:
    lp = songs(album("Debut", 12), "Album song")
    deep_end = ((98, track("Found deep", album("Second", 10), 3)),)
    material = ArtistMaterial(ARTIST, albums=(lp,), search_deep=deep_end, search_total=100,
                              search_hits=(lp.tracks[0],))
    assert deep_titles(material)[0] == "Found deep"


def test_an_album_with_no_hits_holds_deeper_cuts_than_the_hits_album() -> None:
    hits_lp, quiet_lp = songs(album("Hits LP", 10), "Loud"), songs(album("Quiet LP", 10), "Calm")
    material = ArtistMaterial(
        ARTIST, search_hits=hits_lp.tracks[:3], albums=(hits_lp, quiet_lp), search_total=20,
    )
    deep = deep_titles(material)
    assert all(t.startswith("Calm") for t in deep[:10])
    assert "from an album with no hits" in evidence_of(material, "Calm 5")
    assert "from an album with no hits" not in evidence_of(material, "Loud 5")


def test_later_tracks_are_deeper_and_say_their_position() -> None:
    lp = songs(album("Debut", 12), "Song")
    material = ArtistMaterial(ARTIST, albums=(lp,))
    assert deep_titles(material) == [f"Song {n}" for n in range(12, 0, -1)]
    assert "track 11 of 12" in evidence_of(material, "Song 11")
    assert not any(e.startswith("track") for e in evidence_of(material, "Song 2"))


def test_deluxe_bonus_tracks_are_deeper_than_the_album_they_extend() -> None:
    standard = album("Debut", 10)
    deluxe = album("Debut (Deluxe Edition)", 12)
    bonus = track("Bonus Song", deluxe, 12)
    last_standard = track("Closing Song", standard, 10)
    material = ArtistMaterial(
        ARTIST, releases=(standard, deluxe),
        albums=(AlbumTracks(standard, (last_standard,)), AlbumTracks(deluxe, (bonus,))),
    )
    assert deep_titles(material) == ["Bonus Song", "Closing Song"]
    assert "deluxe bonus track" in evidence_of(material, "Bonus Song")


def test_the_oldest_album_is_deeper_than_the_newest() -> None:
    old, new = album("First", 10, date="1999-05-01"), album("Latest", 10, date="2020-05-01")
    material = ArtistMaterial(
        ARTIST, releases=(old, new),
        albums=(AlbumTracks(old, (track("Old Song", old, 5),)),
                AlbumTracks(new, (track("New Song", new, 5),))),
    )
    assert deep_titles(material) == ["Old Song", "New Song"]
    assert "oldest album (1999)" in evidence_of(material, "Old Song")


# -- Extended Quota ---------------------------------------------------------------------------
def test_with_popularity_deep_cuts_are_the_least_popular_of_everything_fetched() -> None:
    lp = album("Debut", 10)
    tracks = [
        Track(f"tr{next(_ids):020d}", "", f"Song {p}", (ARTIST.ref,), lp, popularity=p)
        for p in (90, 80, 70, 60, 50, 40, 30, 20, 10, 5)
    ]
    material = ArtistMaterial(ARTIST, top_tracks=tuple(tracks[:2]), search_hits=tuple(tracks))
    ranking = rank_artist(material)
    assert [s.group.preferred().name for s in ranking.deep][:3] == ["Song 5", "Song 10",
                                                                    "Song 20"]
    assert ranking.deep[0].evidence == ("popularity 5",)
    assert ranking.top[0].evidence == ("top tracks", "popularity 90")


def test_a_quiet_copy_deep_in_the_search_does_not_make_its_song_a_deep_cut() -> None:
    lp, deluxe = album("Debut", 12), album("Debut (Deluxe Edition)", 14)
    single = album("Famous", 1, kind="single")
    deep_end = (
        (97, track("Famous", single, 1)),  # the single of an album song: its plays are elsewhere
        (98, track("Known Song", deluxe, 3)),  # the deluxe copy of an album track
        (99, track("Other Song - Remastered 2011", lp, 4)),
        (96, track("Really Deep", lp, 11)),
    )
    material = ArtistMaterial(ARTIST, search_deep=deep_end, search_total=100,
                              search_hits=(track("Hit", lp, 1),))
    assert deep_titles(material)[0] == "Really Deep"
    assert not any(
        e.startswith("search #")
        for title in ("Known Song", "Other Song - Remastered 2011")
        for e in evidence_of(material, title)
    )


def test_the_edition_people_play_is_measured_and_its_other_listings_are_not() -> None:
    """Hits on "Purpose (Deluxe)" (the real crawl lists such albums on their deluxe edition
    only): that listing's deep tracks are the songs themselves, measured by their place; the
    standard listing and a clean edition of the same name are quiet copies."""
    deluxe, lp = album("Purpose (Deluxe)", 19), album("Purpose", 14)
    clean = album("Purpose (Deluxe)", 19)
    deep_end = (
        (90, track("All In It", deluxe, 18)),
        (95, track("Sorry", lp, 2)),  # the standard listing's copy of a hit
        (96, track("Love Yourself", clean, 5)),  # the clean edition's copy
        (97, track("We Are", deluxe, 17)),
    )
    material = ArtistMaterial(ARTIST, search_deep=deep_end, search_total=100,
                              search_hits=(track("What Do You Mean?", deluxe, 1),))
    assert deep_titles(material)[:2] == ["We Are", "All In It"]
    for copy in ("Sorry", "Love Yourself"):
        assert not any(e.startswith("search #") for e in evidence_of(material, copy))


def test_without_hits_the_first_listing_the_search_shows_is_the_album() -> None:
    """An album without hits whose only listing is its deluxe edition ("Purpose (Deluxe)" on
    the real crawl, the standard listing empty): its songs are measured by their place; a
    listing shown below it is a copy; a remaster shown only deep still counts as a quiet
    reissue."""
    deluxe, lp = album("Purpose (Deluxe)", 19), album("Purpose", 14)
    old = album("Debut (Remastered 2011)", 12)
    deep_end = (
        (90, track("Life Is Worth Living", deluxe, 12)),
        (94, track("Trust", deluxe, 16)),
        (95, track("Life Is Worth Living", lp, 12)),
        (97, track("First Song - Remastered 2011", old, 1)),
    )
    material = ArtistMaterial(ARTIST, search_deep=deep_end, search_total=100,
                              search_hits=(track("Hit", album("Changes"), 1),))
    assert deep_titles(material)[:2] == ["Trust", "Life Is Worth Living"]
    assert evidence_of(material, "Life Is Worth Living") == ("search #91 of 100",)
    assert not any(e.startswith("search #")
                   for e in evidence_of(material, "First Song - Remastered 2011"))


def test_another_recording_deep_in_the_search_does_not_measure_its_song() -> None:
    """A commentary or live take is played as itself: its place says nothing of the song's."""
    lp, talk = album("Debut", 12), album("Debut (Commentary)", 12)
    deep_end = ((98, track("Known Song - Commentary", talk, 3)),
                (99, track("Known Song - Live at Wembley", lp, 13)))
    material = ArtistMaterial(
        ARTIST, search_deep=deep_end, search_total=100, search_hits=(track("Hit", lp, 1),),
        albums=(AlbumTracks(lp, (track("Known Song", lp, 3),)),),
    )
    assert not any(e.startswith("search #") for e in evidence_of(material, "Known Song"))


def test_every_song_has_evidence_even_without_any_signal() -> None:
    lp = album("Debut", 12)
    quiet = track("Quiet Song", lp, 3)  # early on a hits album: no term applies
    material = ArtistMaterial(ARTIST, search_hits=(track("Hit", lp, 1),),
                              albums=(AlbumTracks(lp, (quiet,)),), search_total=30)
    assert evidence_of(material, "Quiet Song") == ("no sign of a hit",)
