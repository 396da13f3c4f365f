"""Object shapes per API mode: Development Mode gets Spotify's 2026 cut-down objects,
Extended Quota Mode the full ones (issue 11)."""

from __future__ import annotations

import pytest

from spotify_emulator import (
    ALL_SCOPES,
    USER_ECLECTIC,
    USER_TYPICAL,
    EmulatorConfig,
    EmulatorServer,
)

from ..conftest import Api, LoginFactory

DEV_ARTIST_KEYS = {"external_urls", "href", "id", "images", "name", "type", "uri"}
SIMPLE_ARTIST_KEYS = {"external_urls", "href", "id", "name", "type", "uri"}
TRACK_REMOVED = {"available_markets", "linked_from", "popularity", "preview_url"}
ALBUM_REMOVED = {"available_markets", "label", "popularity"}


@pytest.fixture
def extended(emulator: EmulatorServer) -> None:
    emulator.app.set_mode("extended")


def top_artist(emulator: EmulatorServer) -> str:
    return emulator.app.state.histories[USER_TYPICAL].top_artists["medium_term"][0]


def a_track(emulator: EmulatorServer) -> str:
    return emulator.app.state.histories[USER_TYPICAL].top_tracks["medium_term"][0]


def an_album(emulator: EmulatorServer) -> str:
    return emulator.app.catalogue.tracks[a_track(emulator)].album_id


class TestProfile:
    def test_development_mode_leaves_out_the_private_fields(self, api: Api):
        me = api.get("/v1/me").json()
        for key in ("country", "email", "product", "explicit_content", "followers"):
            assert key not in me, key
        assert me["id"] == USER_TYPICAL and me["account_id"]

    @pytest.mark.usefixtures("extended")
    def test_extended_mode_keeps_them(self, api: Api):
        me = api.get("/v1/me").json()
        assert me["email"] == "alex@example.com" and me["country"] == "GB"
        assert me["product"] == "premium" and me["followers"]["total"] >= 0
        assert me["explicit_content"] == {"filter_enabled": False, "filter_locked": False}

    def test_account_id_is_stable_across_modes_tokens_and_seeds(
            self, login: LoginFactory, emulator: EmulatorServer, make_emulator):
        first = login().get("/v1/me").json()["account_id"]
        emulator.app.set_mode("extended")
        assert login(scopes=ALL_SCOPES).get("/v1/me").json()["account_id"] == first
        other_seed = make_emulator(EmulatorConfig(seed=7))
        assert login(server=other_seed).get("/v1/me").json()["account_id"] == first
        assert login(USER_ECLECTIC).get("/v1/me").json()["account_id"] != first


class TestArtists:
    def endpoints(self, emulator: EmulatorServer) -> dict[str, str]:
        name = emulator.app.catalogue.artists[top_artist(emulator)].name
        return {
            "/v1/me/top/artists": "items",
            f"/v1/artists/{top_artist(emulator)}": "",
            f"/v1/search?q={name}&type=artist": "artists.items",
            "/v1/me/following?type=artist": "artists.items",
        }

    @staticmethod
    def artists_in(body: dict, where: str) -> list[dict]:
        if not where:
            return [body]
        for key in where.split("."):
            body = body[key]
        return list(body)

    def test_development_mode_sends_only_the_seven_fields_everywhere(
            self, api: Api, emulator: EmulatorServer):
        for path, where in self.endpoints(emulator).items():
            artists = self.artists_in(api.get(path).json(), where)
            assert artists, path
            for artist in artists:
                assert set(artist) == DEV_ARTIST_KEYS, (path, sorted(artist))

    @pytest.mark.usefixtures("extended")
    def test_extended_mode_adds_genres_followers_popularity(
            self, api: Api, emulator: EmulatorServer):
        for path, where in self.endpoints(emulator).items():
            for artist in self.artists_in(api.get(path).json(), where):
                assert set(artist) == DEV_ARTIST_KEYS | {"genres", "followers", "popularity"}

    def test_embedded_artists_are_simplified_as_spotify_sends_them(
            self, api: Api, emulator: EmulatorServer):
        track = api.get(f"/v1/tracks/{a_track(emulator)}").json()
        for artist in track["artists"] + track["album"]["artists"]:
            assert set(artist) == SIMPLE_ARTIST_KEYS


class TestTracksAndAlbums:
    def test_tracks_lose_markets_popularity_preview_but_keep_the_isrc(
            self, api: Api, emulator: EmulatorServer):
        album = api.get(f"/v1/albums/{an_album(emulator)}").json()
        tracks = [api.get(f"/v1/tracks/{a_track(emulator)}").json(),
                  *api.get("/v1/me/top/tracks").json()["items"],
                  *album["tracks"]["items"]]
        for track in tracks:
            assert not TRACK_REMOVED & set(track), sorted(TRACK_REMOVED & set(track))
        assert tracks[0]["external_ids"]["isrc"]

    def test_albums_lose_markets_label_popularity_but_keep_the_upc(
            self, api: Api, emulator: EmulatorServer):
        album = api.get(f"/v1/albums/{an_album(emulator)}").json()
        assert not ALBUM_REMOVED & set(album)
        assert album["external_ids"]["upc"]
        embedded = api.get(f"/v1/tracks/{a_track(emulator)}").json()["album"]
        assert not ALBUM_REMOVED & set(embedded)

    def test_artist_albums_carry_no_album_group(self, api: Api, emulator: EmulatorServer):
        page = api.get(f"/v1/artists/{top_artist(emulator)}/albums").json()
        assert page["items"]
        assert all("album_group" not in a and not ALBUM_REMOVED & set(a) for a in page["items"])

    @pytest.mark.usefixtures("extended")
    def test_extended_mode_keeps_the_full_shapes(self, api: Api, emulator: EmulatorServer):
        track = api.get(f"/v1/tracks/{a_track(emulator)}").json()
        assert {"available_markets", "popularity", "preview_url"} <= set(track)
        album = api.get(f"/v1/albums/{an_album(emulator)}").json()
        assert set(album) >= ALBUM_REMOVED
        page = api.get(f"/v1/artists/{top_artist(emulator)}/albums").json()
        assert all(a["album_group"] in ("album", "single", "appears_on", "compilation")
                   for a in page["items"])


class TestPlaylistShapes:
    def test_my_playlists_carry_items_and_no_tracks(self, api: Api):
        page = api.get("/v1/me/playlists").json()
        assert page["items"]
        for playlist in page["items"]:
            assert "tracks" not in playlist
            assert set(playlist["items"]) == {"href", "total"}
            assert playlist["items"]["href"].endswith(f"/playlists/{playlist['id']}/items")

    def test_a_playlist_carries_an_items_page_and_no_tracks(self, api: Api):
        own = api.server.app.state.user_playlists(USER_TYPICAL)[0]
        body = api.get(f"/v1/playlists/{own['id']}").json()
        assert "tracks" not in body
        assert [row["item"]["uri"] for row in body["items"]["items"]] == own["items"]
        assert all("track" not in row for row in body["items"]["items"])

    @pytest.mark.usefixtures("extended")
    def test_extended_mode_also_sends_the_deprecated_tracks(self, api: Api):
        playlist = api.get("/v1/me/playlists").json()["items"][0]
        assert playlist["tracks"] == playlist["items"]
