"""spotipy 2.26, pointed at the emulator, runs the whole flow MoodyStream relies on."""

from __future__ import annotations

import pytest
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyOAuth, SpotifyPKCE

from spotify_emulator import (
    ALL_SCOPES,
    DEMO_CLIENT,
    USER_NOT_ALLOWLISTED,
    USER_TYPICAL,
    EmulatorServer,
)
from spotify_emulator.testing import approve_consent, spotipy_client

SCOPE = " ".join(ALL_SCOPES)
REDIRECT = "http://127.0.0.1:8123/callback/"  # any port: DEMO_CLIENT allows loopback ports


def oauth_for(server: EmulatorServer, pkce: bool = False) -> SpotifyOAuth | SpotifyPKCE:
    if pkce:
        manager = SpotifyPKCE(client_id=DEMO_CLIENT.client_id, redirect_uri=REDIRECT,
                              scope=SCOPE, cache_handler=MemoryCacheHandler(),
                              open_browser=False)
    else:
        manager = SpotifyOAuth(client_id=DEMO_CLIENT.client_id,
                               client_secret=DEMO_CLIENT.client_secret, redirect_uri=REDIRECT,
                               scope=SCOPE, cache_handler=MemoryCacheHandler(),
                               open_browser=False)
    manager.OAUTH_AUTHORIZE_URL = server.authorize_url
    manager.OAUTH_TOKEN_URL = server.token_url
    return manager


def sign_in(server: EmulatorServer, manager, user_id: str = USER_TYPICAL) -> str:
    location = approve_consent(manager.get_authorize_url(state="s1"), user_id)
    state, code = manager.parse_auth_response_url(location)
    assert state == "s1"
    if isinstance(manager, SpotifyPKCE):
        return manager.get_access_token(code, check_cache=False)
    return manager.get_access_token(code, as_dict=False, check_cache=False)


def client_for(server: EmulatorServer, manager) -> spotipy.Spotify:
    sp = spotipy.Spotify(auth_manager=manager, retries=0, status_retries=0,
                         requests_timeout=10)
    sp.prefix = server.api_url
    return sp


@pytest.mark.parametrize("pkce", [False, True], ids=["authorization-code", "pkce"])
def test_full_flow(emulator: EmulatorServer, pkce: bool):
    manager = oauth_for(emulator, pkce)
    sign_in(emulator, manager)
    sp = client_for(emulator, manager)

    me = sp.me()
    assert me["id"] == USER_TYPICAL and me["account_id"] and "product" not in me

    for time_range in ("short_term", "medium_term", "long_term"):
        top = sp.current_user_top_artists(limit=50, time_range=time_range)
        assert top["items"] and top["total"] == len(top["items"])
    tracks = sp.current_user_top_tracks(limit=50)
    assert tracks["items"]

    followed, page = [], sp.current_user_followed_artists(limit=50)["artists"]
    while page:
        followed += page["items"]
        page = sp.next(page)["artists"] if page["next"] else None
    assert len(followed) > 50

    saved = sp.current_user_saved_tracks(limit=50)
    assert saved["total"] > 50 and len(saved["items"]) == 50
    assert sp.next(saved)["offset"] == 50

    artist_id = top["items"][0]["id"]
    assert sp.artist(artist_id)["id"] == artist_id
    albums = sp.artist_albums(artist_id, include_groups="album,single", limit=10)
    assert albums["items"]
    album = sp.album(albums["items"][0]["id"])
    assert album["tracks"]["items"]
    assert sp.track(album["tracks"]["items"][0]["id"])["album"]["id"] == album["id"]
    assert sp.search(q=f'artist:"{top["items"][0]["name"]}"', type="track", limit=10)[
        "tracks"]["items"]

    # Refresh. With the secret the response has no new refresh token (spotipy keeps the old
    # one); a public client's (PKCE) refresh token is single use and comes back renewed.
    cached = manager.cache_handler.get_cached_token()
    renewed = manager.refresh_access_token(cached["refresh_token"])
    assert renewed["access_token"] != cached["access_token"]
    assert (renewed["refresh_token"] != cached["refresh_token"]) == pkce
    assert sp.me()["id"] == USER_TYPICAL

    playlist = sp.current_user_playlist_create("MoodyStream: test", public=False,
                                               description="made by spotipy")
    uris = [t["uri"] for t in tracks["items"][:30]]
    snapshot = sp.playlist_add_items(playlist["id"], uris)["snapshot_id"]
    assert snapshot != playlist["snapshot_id"]
    sp.playlist_add_items(playlist["id"], uris[:2], position=0)
    items = sp.playlist_items(playlist["id"], limit=50)["items"]
    assert [i["item"]["uri"] for i in items] == uris[:2] + uris
    owned = emulator.app.state.user_playlists(USER_TYPICAL)
    assert owned[0]["items"] == uris[:2] + uris


def test_spotipy_sees_spotify_errors(emulator: EmulatorServer):
    manager = oauth_for(emulator)
    sign_in(emulator, manager, USER_NOT_ALLOWLISTED)
    sp = client_for(emulator, manager)
    with pytest.raises(spotipy.SpotifyException) as err:
        sp.me()
    assert err.value.http_status == 403
    assert "the user may not be registered" in err.value.msg

    token = emulator.app.issue_token(USER_TYPICAL, ALL_SCOPES)["access_token"]
    sp = spotipy_client(emulator, token)
    with pytest.raises(spotipy.SpotifyException) as err:
        sp.artist_top_tracks(emulator.app.catalogue.main_artists()[0].id)
    assert err.value.http_status == 403  # removed for Development Mode apps
    emulator.app.rate_limiter.configure(quota_exceeded=True)
    with pytest.raises(spotipy.SpotifyException) as err:
        sp.me()
    assert err.value.http_status == 429 and err.value.reason == "QUOTA_EXCEEDED"


def test_spotipy_sees_oauth_errors(emulator: EmulatorServer):
    manager = oauth_for(emulator)
    location = approve_consent(manager.get_authorize_url(), USER_TYPICAL)
    code = manager.parse_response_code(location)
    manager.get_access_token(code, as_dict=False, check_cache=False)
    with pytest.raises(spotipy.SpotifyOauthError) as err:
        manager.get_access_token(code, as_dict=False, check_cache=False)
    assert err.value.error == "invalid_grant"
