"""Access tokens, scopes, the Development Mode allow-list and the two API modes."""

from __future__ import annotations

import pytest
import requests

from spotify_emulator import (
    DEFAULT_ALLOW_LIST,
    DEMO_CLIENT,
    USER_NOT_ALLOWLISTED,
    USER_TYPICAL,
    ClientApp,
    EmulatorConfig,
)

from ..conftest import Api, error_of

NOT_REGISTERED = ("Check settings on developer.spotify.com/dashboard, "
                  "the user may not be registered.")


class TestAccessTokens:
    def test_missing_token(self, api: Api):
        api.token = None
        assert error_of(api.get("/v1/me")) == (401, "No token provided")

    def test_malformed_or_unknown_token(self, api: Api):
        api.token = "not-a-token"
        assert error_of(api.get("/v1/me")) == (401, "Invalid access token")

    def test_non_bearer_authorization(self, api: Api):
        answer = api.get("/v1/me", headers={"Authorization": "Basic Zm9vOmJhcg=="})
        assert error_of(answer) == (400, "Only valid bearer authentication supported")

    def test_expired_after_the_configured_lifetime(self, api: Api):
        assert api.get("/v1/me").status_code == 200
        api.server.app.clock.advance(3599)
        assert api.get("/v1/me").status_code == 200
        api.server.app.clock.advance(2)
        answer = api.get("/v1/me")
        assert error_of(answer) == (401, "The access token expired")
        assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]

    def test_lifetime_is_configurable(self, make_emulator, login):
        server = make_emulator(EmulatorConfig(access_token_ttl=60))
        client = login(server=server)
        server.app.clock.advance(61)
        assert error_of(client.get("/v1/me")) == (401, "The access token expired")

    def test_revoked_access_token(self, api: Api):
        api.server.app.tokens.revoke_user(USER_TYPICAL, access=True, refresh=False)
        assert error_of(api.get("/v1/me")) == (401, "Invalid access token")

    def test_client_credentials_token_has_no_user(self, emulator):
        token = requests.post(emulator.token_url, data={"grant_type": "client_credentials"},
                              auth=(DEMO_CLIENT.client_id, DEMO_CLIENT.client_secret),
                              timeout=10).json()
        assert "refresh_token" not in token
        client = Api(emulator, token["access_token"])
        artist = emulator.app.catalogue.main_artists()[0].id
        assert client.get(f"/v1/artists/{artist}").status_code == 200
        assert client.get("/v1/me").status_code == 401


class TestScopes:
    @pytest.mark.parametrize(("path", "scope"), [
        ("/v1/me/top/artists", "user-top-read"),
        ("/v1/me/top/tracks", "user-top-read"),
        ("/v1/me/following?type=artist", "user-follow-read"),
        ("/v1/me/tracks", "user-library-read"),
        ("/v1/me/playlists", "playlist-read-private"),
    ])
    def test_reads_need_their_scope(self, login, path: str, scope: str):
        without = login(scopes=["user-read-private"])
        assert error_of(without.get(path)) == (403, "Insufficient client scope")
        assert login(scopes=[scope]).get(path).status_code == 200

    def test_creating_a_private_playlist_needs_modify_private(self, login):
        public_only = login(scopes=["playlist-modify-public"])
        answer = public_only.post("/v1/me/playlists", json={"name": "x", "public": False})
        assert error_of(answer) == (403, "Insufficient client scope")
        assert public_only.post("/v1/me/playlists", json={"name": "x"}).status_code == 201
        private_only = login(scopes=["playlist-modify-private"])
        assert private_only.post("/v1/me/playlists", json={"name": "x"}).status_code == 403
        answer = private_only.post("/v1/me/playlists", json={"name": "x", "public": False})
        assert answer.status_code == 201

    def test_profile_fields_follow_the_scopes_in_extended_mode(self, login, emulator):
        emulator.app.set_mode("extended")
        bare = login(scopes=[]).get("/v1/me").json()
        assert "email" not in bare and "product" not in bare and "country" not in bare
        full = login(scopes=["user-read-private", "user-read-email"]).get("/v1/me").json()
        assert full["email"] == "alex@example.com"
        assert full["product"] == "premium" and full["country"] == "GB"


class TestAllowList:
    def test_default_allow_list_has_five_users_and_not_casey(self):
        assert len(DEFAULT_ALLOW_LIST) == 5
        assert USER_NOT_ALLOWLISTED not in DEFAULT_ALLOW_LIST

    @pytest.mark.parametrize("path", ["/v1/me", "/v1/search?q=a&type=track",
                                      "/v1/me/top/artists"])
    def test_user_not_on_the_list_gets_403_on_every_call(self, login, path: str):
        casey = login(USER_NOT_ALLOWLISTED)
        assert error_of(casey.get(path)) == (403, NOT_REGISTERED)

    def test_extended_mode_has_no_allow_list(self, login, emulator):
        emulator.app.set_mode("extended")
        assert login(USER_NOT_ALLOWLISTED).get("/v1/me").status_code == 200

    def test_clients_can_set_their_own_list(self, make_emulator, login):
        client = ClientApp("own", "secret", ["https://app.example/cb"],
                           allowed_users=[USER_NOT_ALLOWLISTED])
        server = make_emulator(EmulatorConfig(clients=[client]))
        assert login(USER_NOT_ALLOWLISTED, client_id="own", server=server).get(
            "/v1/me").status_code == 200
        assert login(USER_TYPICAL, client_id="own", server=server).get(
            "/v1/me").status_code == 403

    def test_more_than_five_users_cannot_be_allow_listed(self):
        with pytest.raises(ValueError, match="at most 5"):
            EmulatorConfig(clients=[ClientApp("c", "s", allowed_users=list("abcdef"))])


REMOVED_IN_DEVELOPMENT_MODE = [
    ("GET", "/v1/artists/{artist}/top-tracks"),
    ("GET", "/v1/tracks?ids={track}"),
    ("GET", "/v1/albums?ids={album}"),
    ("GET", "/v1/artists?ids={artist}"),
    ("GET", "/v1/playlists/{playlist}/tracks"),
    ("POST", "/v1/playlists/{playlist}/tracks"),
    ("PUT", "/v1/playlists/{playlist}/tracks"),
    ("DELETE", "/v1/playlists/{playlist}/tracks"),
    ("POST", "/v1/users/alex/playlists"),
]


class TestModes:
    def ids(self, api: Api) -> dict[str, str]:
        cat = api.server.app.catalogue
        artist = cat.main_artists()[0]
        return {"artist": artist.id, "track": cat.top_tracks(artist.id, 1)[0].id,
                "album": next(iter(cat.albums)),
                "playlist": api.server.app.state.user_playlists(USER_TYPICAL)[0]["id"]}

    @pytest.mark.parametrize(("method", "path"), REMOVED_IN_DEVELOPMENT_MODE)
    def test_removed_endpoints_are_403_in_development_and_served_in_extended(
            self, api: Api, method: str, path: str):
        ids = self.ids(api)
        url = path.format(**ids)
        body = {"uris": [f"spotify:track:{ids['track']}"], "name": "n",
                "tracks": [{"uri": f"spotify:track:{ids['track']}"}]}
        assert error_of(api.request(method, url, json=body)) == (403, "Forbidden")
        api.server.app.set_mode("extended")
        assert api.request(method, url, json=body).status_code in (200, 201)

    def test_popularity_only_in_extended_mode(self, api: Api):
        ids = self.ids(api)
        paths = [f"/v1/tracks/{ids['track']}", f"/v1/artists/{ids['artist']}",
                 f"/v1/albums/{ids['album']}", "/v1/search?q=gravity&type=track,artist",
                 "/v1/me/top/tracks"]

        def popularity_keys(value: object) -> int:
            if isinstance(value, dict):
                return ("popularity" in value) + sum(popularity_keys(v) for v in value.values())
            if isinstance(value, list):
                return sum(popularity_keys(v) for v in value)
            return 0

        for path in paths:
            assert popularity_keys(api.get(path).json()) == 0, path
        api.server.app.set_mode("extended")
        for path in paths:
            assert popularity_keys(api.get(path).json()) > 0, path
        album = api.get(f"/v1/albums/{ids['album']}").json()
        assert isinstance(album["popularity"], int)  # required by AlbumObject in extended mode

    @pytest.mark.parametrize("path", ["/v1/search?q=a&type=track",
                                      "/v1/artists/{artist}/albums"])
    def test_limit_is_capped_at_10_in_development_and_50_in_extended(self, api: Api, path):
        url = path.format(**self.ids(api))
        sep = "&" if "?" in url else "?"
        assert api.get(f"{url}{sep}limit=10").status_code == 200
        assert error_of(api.get(f"{url}{sep}limit=11")) == (400, "Invalid limit")
        api.server.app.set_mode("extended")
        assert api.get(f"{url}{sep}limit=50").status_code == 200
        assert api.get(f"{url}{sep}limit=51").status_code == 400

    def test_default_limits_follow_the_mode(self, api: Api):
        assert api.get("/v1/search?q=a&type=track").json()["tracks"]["limit"] == 5
        api.server.app.set_mode("extended")
        assert api.get("/v1/search?q=a&type=track").json()["tracks"]["limit"] == 20
