"""The generated catalogue: size, determinism and the messy cases real Spotify has."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import pytest

from spotify_emulator import DEMO_USERS
from spotify_emulator.catalogue.generation import build_catalogue
from spotify_emulator.catalogue.model import Catalogue

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return build_catalogue(42, TODAY)


def test_at_least_60_invented_artists_over_several_genres(cat: Catalogue):
    artists = cat.main_artists()
    assert len(artists) >= 60
    assert len({a.genre_key for a in artists}) >= 8
    assert len({a.name for a in artists}) == len(artists)
    assert all(a.genres and a.followers > 0 for a in artists)


def test_same_seed_same_catalogue_other_seed_other_ids(cat: Catalogue):
    again = build_catalogue.__wrapped__(42, TODAY)
    assert list(again.tracks) == list(cat.tracks)
    assert [t.isrc for t in again.tracks.values()] == [t.isrc for t in cat.tracks.values()]
    other = build_catalogue.__wrapped__(43, TODAY)
    assert set(other.tracks).isdisjoint(cat.tracks)


def test_ids_and_codes_have_spotify_formats(cat: Catalogue):
    base62 = re.compile(r"^[0-9A-Za-z]{22}$")
    assert all(base62.match(i) for i in [*cat.artists, *cat.albums, *cat.tracks])
    assert all(re.match(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$", t.isrc) for t in cat.tracks.values())
    assert all(re.match(r"^\d{12}$", a.upc) for a in cat.albums.values())
    assert len(set(cat.tracks)) == len(cat.tracks)


def test_every_kind_of_release_exists(cat: Catalogue):
    editions = Counter(a.edition for a in cat.albums.values())
    for edition in ("studio", "single", "compilation", "live", "deluxe", "remaster", "clean",
                    "remix", "acoustic", "karaoke", "tribute", "various", "new"):
        assert editions[edition] > 0, edition
    types = Counter(a.album_type for a in cat.albums.values())
    assert set(types) == {"album", "single", "compilation"}
    precisions = Counter(a.release_date_precision for a in cat.albums.values())
    assert set(precisions) == {"year", "month", "day"}


def test_the_same_recording_appears_on_several_releases(cat: Catalogue):
    by_isrc = defaultdict(list)
    for t in cat.tracks.values():
        by_isrc[t.isrc].append(t)
    shared = [ts for ts in by_isrc.values() if len({t.album_id for t in ts}) >= 3]
    assert len(shared) > 50
    names = {t.name for ts in shared for t in ts}
    assert any(re.search(r"\(Remastered \d{4}\)$", n) for n in names)
    assert any(re.search(r" - Remastered \d{4}$", n) for n in names)
    albums = {a.name for a in cat.albums.values()}
    assert any(n.endswith("(Deluxe Edition)") for n in albums)
    assert any(n.endswith("- Deluxe Edition") for n in albums)


def test_explicit_and_clean_versions_have_different_isrcs(cat: Catalogue):
    clean = [t for t in cat.tracks.values() if t.version == "clean"]
    assert clean
    for t in clean[:50]:
        explicit = [o for o in cat.tracks.values() if o.song_key == t.song_key
                    and o.version == "original"]
        assert explicit and explicit[0].explicit and not t.explicit
        assert explicit[0].isrc != t.isrc


@pytest.mark.parametrize(("pattern", "minimum"), [
    (r" - .+ Remix$", 20), (r" - Acoustic$", 20), (r" - Live at .+", 50), (r" - Demo$", 50),
    (r" - Instrumental$", 20), (r" - Commentary$", 20), (r" - Radio Edit$", 10),
    (r"\(Originally Performed by .+\)", 50), (r"\(feat\. .+\)", 20),
])
def test_version_titles(cat: Catalogue, pattern: str, minimum: int):
    assert sum(1 for t in cat.tracks.values() if re.search(pattern, t.name)) >= minimum


def test_features_and_remixes_credit_two_artists(cat: Catalogue):
    for t in cat.tracks.values():
        if "(feat. " in t.name or t.version == "remix":
            assert len(t.artist_ids) >= 2


def test_covers_are_credited_to_other_artists(cat: Catalogue):
    covers = [t for t in cat.tracks.values() if "Originally Performed by" in t.name]
    for t in covers:
        original = cat.artists[t.song_key.split(":")[0]]
        assert original.id not in t.artist_ids
        assert original.name in t.name
        assert cat.artists[t.artist_ids[0]].kind == "tribute"


def _studio_songs(cat: Catalogue, artist_id: str) -> list:
    return [t for t in cat.artist_tracks(artist_id) if t.artist_ids[0] == artist_id
            and cat.albums[t.album_id].edition == "studio"]


def _single_isrcs(cat: Catalogue) -> set[str]:
    return {t.isrc for t in cat.tracks.values() if t.version == "single"}


def test_popularity_is_skewed_within_each_artist(cat: Catalogue):
    """A few songs stand out (in the crawl the top song is ~1.6x the median one)."""
    ratios = []
    for artist in cat.main_artists():
        songs = sorted((t.popularity for t in cat.canonical_hits(artist.id, 100)), reverse=True)
        ratios.append(songs[0] / max(1, songs[len(songs) // 2]))
    ratios.sort()
    assert 1.3 <= ratios[len(ratios) // 2] <= 2.2
    assert all(0 <= t.popularity <= 100 for t in cat.tracks.values())


def test_labels_pick_singles_before_knowing_some_flop_some_album_tracks_become_hits(
        cat: Catalogue):
    singles = _single_isrcs(cat)
    top_not_single = flops = with_singles = 0
    for artist in cat.main_artists():
        songs = sorted(_studio_songs(cat, artist.id), key=lambda t: -t.popularity)
        median = songs[len(songs) // 2].popularity
        top_not_single += songs[0].isrc not in singles
        flops += any(t.isrc in singles and t.popularity < median for t in songs)
        with_singles += any(t.isrc in singles for t in songs)
    n = len(cat.main_artists())
    assert with_singles == n
    assert 0.15 * n <= top_not_single <= 0.8 * n  # the biggest song was never a single
    assert flops >= 0.15 * n  # a single below the artist's median song


def test_later_tracks_are_played_less(cat: Catalogue):
    early, late = [], []
    for album in cat.albums.values():
        if album.edition != "studio":
            continue
        pops = [cat.tracks[t].popularity for t in album.track_ids]
        early += pops[:3]
        late += pops[-3:]
    assert sum(early) / len(early) > sum(late) / len(late) + 1


def test_live_albums_and_compilations_are_not_exactly_the_top_songs(cat: Catalogue):
    exact = inexact = 0
    for album in cat.albums.values():
        if album.edition not in ("live", "compilation"):
            continue
        artist_id = album.artist_ids[0]
        keys = {cat.tracks[t].song_key for t in album.track_ids}
        released = sorted((t for t in _studio_songs(cat, artist_id)
                           if cat.albums[t.album_id].release_date <= album.release_date),
                          key=lambda t: -t.popularity)
        ranked = list(dict.fromkeys(t.song_key for t in released))
        if keys == set(ranked[: len(keys)]):
            exact += 1
        else:
            inexact += 1
        known = set(ranked[: 2 * len(keys)])
        assert len(keys & known) >= len(keys) // 3  # still mostly songs people know
    assert inexact > 3 * exact


def test_images_durations_and_markets(cat: Catalogue):
    assert all(20_000 <= t.duration_ms <= 700_000 for t in cat.tracks.values())
    assert all(t.duration_ms >= 60_000 for t in cat.tracks.values() if not _piece(t.name))
    assert all(a.track_ids for a in cat.albums.values())
    assert all(re.match(r"^[0-9a-f]{24}$", a.image_key) for a in cat.albums.values())


_PIECE = re.compile(r"\b(Intro|Outro|Interlude|Reprise|Skit)\b")


def _piece(title: str) -> bool:
    return bool(_PIECE.search(title))


def test_albums_hold_skits_intros_and_interludes_as_real_ones_do(cat: Catalogue):
    """The real crawl: 1.5 % of tracks, on 40 % of artists, their popularity percentile within
    the artist around 24 (median) — rarely played on their own, now and then a favourite."""
    artists = cat.main_artists()
    with_pieces, percentiles, tracks, pieces = 0, [], 0, 0
    for artist in artists:
        own = [t for t in cat.tracks.values() if t.artist_ids[0] == artist.id]
        pops = sorted(t.popularity for t in own)
        found = [t for t in own if _piece(t.name) and t.version == "original"]
        tracks, pieces = tracks + len(own), pieces + len(found)
        with_pieces += bool(found)
        percentiles += [100 * sum(p < t.popularity for p in pops) / len(pops) for t in found]
        assert all(t.duration_ms < 150_000 for t in found)
    assert 0.25 * len(artists) <= with_pieces <= 0.6 * len(artists)
    assert 0.008 <= pieces / tracks <= 0.03
    percentiles.sort()
    assert 12 <= percentiles[len(percentiles) // 2] <= 35
    assert percentiles[-1] >= 60


def test_artists_have_appears_on_albums_through_features_and_compilations(cat: Catalogue):
    with_appears_on = [a for a in cat.main_artists()
                       if any(g == "appears_on" for _, g in cat.discography[a.id])]
    assert len(with_appears_on) >= len(cat.main_artists()) // 2


def test_new_releases_are_within_two_weeks(cat: Catalogue):
    new = [a for a in cat.albums.values() if a.edition == "new"]
    assert new and all(TODAY - dt.timedelta(days=14) <= dt.date.fromisoformat(a.release_date)
                       <= TODAY for a in new)
    others = [a for a in cat.albums.values() if a.edition != "new"]
    assert all(a.release_date < (TODAY - dt.timedelta(days=14)).isoformat() for a in others)


def test_at_least_six_demo_users_each_with_a_purpose():
    assert len(DEMO_USERS) >= 6
    assert len({u.id for u in DEMO_USERS}) == len(DEMO_USERS)
    assert all(u.label and u.purpose and u.product in ("premium", "free") for u in DEMO_USERS)
