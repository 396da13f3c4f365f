"""Search: field filters, tags, and ranking by query match and hidden popularity."""

from __future__ import annotations

import re

import pytest

from spotify_emulator import EmulatorConfig, EmulatorServer
from spotify_emulator.catalogue.model import base_title
from spotify_emulator.catalogue.search import SearchEngine, parse_query, search_offset
from spotify_emulator.config import DEFAULT_SEARCH_NOISE

from ..conftest import Api


def search(api: Api, q: str, kind: str = "track", limit: int = 10, **extra: str) -> dict:
    answer = api.get("/v1/search", params={"q": q, "type": kind, "limit": str(limit), **extra})
    assert answer.status_code == 200, answer.text
    return answer.json()[f"{kind}s"]


def all_items(api: Api, q: str, kind: str = "track") -> list[dict]:
    page = search(api, q, kind)
    items = page["items"]
    while page["next"]:
        page = api.get(page["next"]).json()[f"{kind}s"]
        items += page["items"]
    return items


@pytest.fixture
def hazel(emulator: EmulatorServer):
    return emulator.app.catalogue.artist_by_name("Hazel Wren")


class TestFilters:
    @pytest.mark.parametrize("q", ['artist:"Hazel Wren"', "artist:Hazel", 'artist:"hazel wren"'])
    def test_artist_filter(self, api: Api, q: str, hazel):
        tracks = all_items(api, q)
        assert tracks
        assert all(any("Hazel Wren" in a["name"] for a in t["artists"]) for t in tracks)

    def test_artist_filter_with_free_text(self, api: Api, emulator: EmulatorServer, hazel):
        hit = emulator.app.catalogue.top_tracks(hazel.id, 1)[0]
        title = hit.name.split(" (")[0].split(" - ")[0]
        tracks = search(api, f'{title} artist:"Hazel Wren"')["items"]
        assert tracks and all(title.lower() in t["name"].lower() for t in tracks)

    def test_album_filter(self, api: Api, emulator: EmulatorServer):
        album = next(a for a in emulator.app.catalogue.albums.values() if a.edition == "live")
        tracks = all_items(api, f'album:"{album.name}"')
        assert tracks and all(album.name in t["album"]["name"] for t in tracks)

    def test_single_year_and_year_range(self, api: Api):
        for t in all_items(api, "year:1999", "album"):
            assert t["release_date"].startswith("1999")
        years = {a["release_date"][:4] for a in all_items(api, "year:1990-1994", "album")}
        assert years and years <= {str(y) for y in range(1990, 1995)}

    def test_isrc_finds_every_release_of_a_recording(self, api: Api, emulator, hazel):
        cat = emulator.app.catalogue
        releases = {}
        for t in cat.artist_tracks(hazel.id):
            releases.setdefault(t.isrc, set()).add(t.id)
        hit = next(t for t in cat.top_tracks(hazel.id, 20) if len(releases[t.isrc]) >= 2)
        tracks = all_items(api, f"isrc:{hit.isrc}")
        assert len(tracks) >= 2  # album + single, deluxe, compilation ...
        assert {t["id"] for t in tracks} == releases[hit.isrc]
        assert {t["external_ids"]["isrc"] for t in tracks} == {hit.isrc}

    def test_genre_filter_on_artists(self, api: Api, emulator):
        artists = all_items(api, "genre:jazz", "artist")  # genres are not sent in dev mode
        cat = emulator.app.catalogue
        assert artists and all(any("jazz" in g for g in cat.artists[a["id"]].genres)
                               for a in artists)

    def test_tag_hipster_returns_the_least_popular_albums(self, api: Api, emulator):
        cat = emulator.app.catalogue
        albums = all_items(api, "tag:hipster", "album")
        assert albums
        assert all(cat.albums[a["id"]].popularity <= cat.hipster_threshold for a in albums)
        assert len(albums) <= len(cat.albums) * 0.2

    def test_tag_new_returns_albums_from_the_past_two_weeks(self, api: Api):
        albums = all_items(api, "tag:new", "album")
        assert 1 <= len(albums) <= 10
        assert all(a["release_date_precision"] == "day" for a in albums)

    def test_tags_do_not_apply_to_tracks(self, api: Api):
        assert search(api, "tag:new")["total"] == 0


class TestRanking:
    def test_without_noise_tracks_rank_by_match_then_hidden_popularity(self, make_emulator,
                                                                        login):
        server = make_emulator(EmulatorConfig(mode="extended", search_noise=0))
        api = login(server=server)
        tracks = search(api, "gravity", limit=50)["items"]
        exact = [t for t in tracks if re.split(r" \(| - ", t["name"])[0] == "Gravity"]
        assert len(exact) > 3
        pops = [t["popularity"] for t in exact]
        assert pops == sorted(pops, reverse=True)

    def test_search_noise_is_a_fixed_per_track_offset_of_the_configured_size(
            self, api: Api, emulator):
        emulator.app.set_mode("extended")  # to see the popularity it ranks by
        assert emulator.app.config.search_noise == DEFAULT_SEARCH_NOISE > 0
        seed = emulator.app.catalogue.seed
        first = search(api, "gravity", limit=50)["items"]
        exact = [t for t in first if re.split(r" \(| - ", t["name"])[0] == "Gravity"]
        scores = [t["popularity"] + DEFAULT_SEARCH_NOISE * search_offset(seed, t["id"])
                  for t in exact]
        assert scores == sorted(scores, reverse=True)
        pops = [t["popularity"] for t in exact]
        assert pops != sorted(pops, reverse=True)  # the noise does reorder
        assert search(api, "gravity", limit=50)["items"] == first  # the same every time

    def test_search_noise_is_deterministic_across_instances(self, make_emulator, login):
        answers = []
        for _ in range(2):
            api = login(server=make_emulator(EmulatorConfig(search_noise=12)))
            answers.append([t["id"] for t in all_items(api, "artist:Hazel")])
        assert answers[0] == answers[1]
        offsets = [search_offset(42, f"track{i}") for i in range(4000)]
        mean = sum(offsets) / len(offsets)
        sd = (sum((o - mean) ** 2 for o in offsets) / len(offsets)) ** 0.5
        assert abs(mean) < 0.05 and 0.95 < sd < 1.05  # standard normal: sd = search_noise

    def test_with_noise_a_karaoke_version_sometimes_outranks_the_hit_itself(self, emulator):
        cat = emulator.app.catalogue
        karaoke = [t for t in cat.tracks.values() if t.version == "karaoke"]

        def inversions(noise: float) -> int:
            engine = SearchEngine(cat, noise)
            count = 0
            for cover in karaoke:
                ranked = engine.tracks(parse_query(base_title(cover.name)))
                same_song = [t for t in ranked if t.song_key == cover.song_key]
                count += same_song[0].version in ("karaoke", "tribute")
            return count

        assert len(karaoke) >= 40
        assert inversions(0) == 0
        assert 1 <= inversions(DEFAULT_SEARCH_NOISE) <= len(karaoke) // 10

    def test_search_noise_cannot_be_negative(self):
        with pytest.raises(ValueError, match="search_noise"):
            EmulatorConfig(search_noise=-1)

    def test_a_hit_beats_its_karaoke_and_tribute_versions(self, api: Api, emulator):
        cat = emulator.app.catalogue
        karaoke = next(t for t in cat.tracks.values() if t.version == "karaoke")
        title = karaoke.name.split(" (")[0]
        results = all_items(api, title)
        names = [t["name"] for t in results]
        first_cover = next(i for i, n in enumerate(names) if "Originally Performed by" in n)
        assert any("Originally Performed by" not in n for n in names[:first_cover])

    def test_artist_search_ranks_exact_names_first(self, api: Api):
        artists = search(api, "Hazel Wren", "artist")["items"]
        assert artists[0]["name"] == "Hazel Wren"

    def test_accents_and_case_are_ignored(self, api: Api):
        assert search(api, "paloma electrica", "artist")["items"][0]["name"] == "Paloma Eléctrica"
        assert search(api, "SOLENE rivers", "artist")["items"][0]["name"] == "Solène Rivers"

    def test_several_types_at_once(self, api: Api):
        answer = api.get("/v1/search", params={"q": "moon", "type": "track,artist,album"}).json()
        assert set(answer) == {"tracks", "artists", "albums"}

    def test_no_match_is_an_empty_page(self, api: Api):
        page = search(api, "zzzzqqqq")
        assert page["total"] == 0 and page["items"] == [] and page["next"] is None
