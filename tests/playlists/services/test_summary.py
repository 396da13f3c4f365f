"""The preview's per-artist summary: top and deep picks per artist, and who filled in."""

from __future__ import annotations

from playlists.music import Album, Artist, ArtistRef, Track
from playlists.services.options import GenerationOptions
from playlists.services.preview import Preview, PreviewEntry
from playlists.services.summary import picks_by_artist


def artist(name: str) -> Artist:
    return Artist(f"{name:0<22}"[:22], name, f"spotify:artist:{name}")


def track(n: int, by: Artist, number: int = 1, total: int = 10) -> Track:
    album = Album(f"al{n:0>20}", "Album", "spotify:album:x", "album", total_tracks=total)
    return Track(f"tr{n:0>20}", f"spotify:track:tr{n:0>20}", f"Song {n}", (ArtistRef(by.id,
                 by.name),), album=album, track_number=number)


def preview(track_count: int, picks: list[tuple[Artist, str]], artists: list[Artist]) -> Preview:
    entries = tuple(PreviewEntry(track(n, a), role, a)  # type: ignore[arg-type]
                    for n, (a, role) in enumerate(picks))
    return Preview(entries, tuple(artists), (), GenerationOptions(track_count=track_count),
                   "Name", "Description")


def test_counts_top_and_deep_picks_per_artist_in_the_chosen_order() -> None:
    a, b = artist("Alpha"), artist("Beta")
    picks = [(b, "deep"), (a, "top"), (b, "top"), (a, "deep"), (a, "top"), (b, "top"),
             (a, "top"), (b, "top"), (a, "deep"), (b, "top")]
    rows = picks_by_artist(preview(10, picks, [a, b]))
    assert [(r.artist.name, r.top, r.deep, r.due) for r in rows] == [
        ("Alpha", 3, 2, 5), ("Beta", 4, 1, 5)]
    assert all(r.filled_from_others == 0 and r.filling_in == 0 for r in rows)


def test_an_artist_short_of_songs_is_filled_from_the_others() -> None:
    a, b, c = artist("Alpha"), artist("Beta"), artist("Gamma")
    # 10 tracks over 3 artists: shares 4, 3, 3; Gamma had only one usable song.
    picks = [(a, "top")] * 5 + [(b, "top"), (b, "deep"), (b, "deep"), (b, "top")] + [(c, "top")]
    rows = picks_by_artist(preview(10, picks, [a, b, c]))
    by_name = {r.artist.name: r for r in rows}
    assert (by_name["Gamma"].total, by_name["Gamma"].short_by) == (1, 2)
    assert by_name["Gamma"].filled_from_others == 2
    assert by_name["Alpha"].filling_in == 1 and by_name["Beta"].filling_in == 1
    assert sum(r.total for r in rows) == 10


def test_entries_carry_the_rankings_evidence() -> None:
    a = artist("Alpha")
    deep = PreviewEntry(track(1, a, number=11, total=12), "deep", a, ("search #87 of 90",))
    top = PreviewEntry(track(2, a), "top", a, ("search #2", "single"))
    assert deep.evidence == ("search #87 of 90",)
    assert top.evidence == ("search #2", "single")

def test_nobody_fills_when_every_artist_runs_short() -> None:
    a, b = artist("Alpha"), artist("Beta")
    rows = picks_by_artist(preview(20, [(a, "top")] * 6 + [(b, "deep")] * 4, [a, b]))
    assert [(r.short_by, r.filled_from_others, r.filling_in) for r in rows] == [
        (4, 0, 0), (6, 0, 0)]
