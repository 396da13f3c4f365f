"""The generated catalogue: size, determinism and the messy cases real Spotify has."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import pytest

from spotify_emulator import DEMO_USERS
from spotify_emulator.catalogue import Catalogue, build_catalogue

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


def test_popularity_is_power_law_ish_with_hits_and_singles(cat: Catalogue):
    for artist in cat.main_artists():
        originals = sorted((t.popularity for t in cat.canonical_hits(artist.id, 100)),
                           reverse=True)
        assert originals[0] >= 2 * originals[len(originals) // 2] > 0 or originals[0] < 20
        hit = cat.top_tracks(artist.id, 1)[0]
        singles = [t for t in cat.tracks.values() if t.isrc == hit.isrc
                   and cat.albums[t.album_id].album_type == "single"]
        assert singles or hit.version != "original"
    assert all(0 <= t.popularity <= 100 for t in cat.tracks.values())


def test_images_durations_and_markets(cat: Catalogue):
    assert all(60_000 <= t.duration_ms <= 700_000 for t in cat.tracks.values())
    assert all(a.track_ids for a in cat.albums.values())
    assert all(re.match(r"^[0-9a-f]{24}$", a.image_key) for a in cat.albums.values())


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
