"""The gateway over HTTP against the Spotify emulator, in both API modes."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from playlists.spotify.errors import (
    SpotifyRateLimited,
    SpotifyUserNotRegistered,
)
from spotify_emulator import USER_HEAVY, USER_NOT_ALLOWLISTED, USER_TYPICAL

from .emulator_support import api_requests, sign_in

EXTENDED_ONLY = ("/top-tracks", "/v1/tracks?", "/v1/albums?", "/v1/artists?", "/followers")


def test_reads_the_user_and_pages_with_the_largest_allowed_limits(emulator) -> None:
    signed = sign_in(emulator, USER_HEAVY)
    state = emulator.app.state
    with signed.gateway() as gw:
        assert gw.current_user().id == USER_HEAVY
        followed = gw.followed_artists(limit=200)
        page = gw.saved_tracks_page(0)
        saved = list(page.items)
        while len(saved) < page.total:
            saved += gw.saved_tracks_page(len(saved)).items
        top = gw.top_artists("medium_term", 50)
    assert [a.id for a in followed] == sorted(state.libraries[USER_HEAVY].followed_artists)
    assert [t.id for t in saved] == [t for t, _ in state.libraries[USER_HEAVY].saved_tracks]
    assert len(top) == 48
    log = api_requests(emulator)
    pages = -(-len(followed) // 50)
    assert pages >= 2 and sum(p == "/v1/me/following" for _, p, _ in log) == pages  # cursors
    assert sum(p == "/v1/me/tracks" for _, p, _ in log) == -(-len(saved) // 50)
    assert len(saved) > 200
    assert all("limit=50" in q for _, p, q in log if p.startswith("/v1/me/"))
    assert sum(p == "/v1/me" for _, p, _ in log) == 1


def test_catalogue_look_ups_in_development_mode(emulator) -> None:
    signed = sign_in(emulator)
    cat = emulator.app.catalogue
    artist = cat.artists[emulator.app.state.histories[USER_TYPICAL].top_artists["medium_term"][0]]
    with signed.gateway() as gw:
        hits = gw.search_tracks(f'artist:"{artist.name}"', limit=50)
        releases = gw.artist_albums(artist.id)
        album = gw.album(releases[0].id)
        assert gw.artist_top_tracks(artist.id) is None
        several = gw.albums([r.id for r in releases[:3]])
        tracks = gw.tracks([t.id for t in album.tracks[:3]])
    assert len(hits) == 10 and all(t.popularity is None and t.isrc for t in hits)
    expected = [a for a, g in cat.discography[artist.id] if g != "appears_on"]
    assert [r.id for r in releases] == expected
    assert len(album.tracks) == len(cat.albums[releases[0].id].track_ids)
    assert all(t.album == album.album and t.isrc is None for t in album.tracks)
    assert [a.album.id for a in several] == [r.id for r in releases[:3]]
    assert [t.id for t in tracks] == [t.id for t in album.tracks[:3]]
    log = api_requests(emulator)
    assert not [r for r in log if any(x in f"{r[1]}?{r[2]}" for x in EXTENDED_ONLY)]
    assert all("limit=10" in q for m, p, q in log if p.endswith("/albums") or p == "/v1/search")
    # One by one, each once, in Development Mode (the first album twice: read on its own too).
    assert sum(p.startswith("/v1/albums/") for _, p, _ in log) == 4


def test_a_search_page_says_how_many_results_there_are_in_all(emulator) -> None:
    """The deep end of an artist's search is placed by the first page's total (deep-cuts)."""
    signed = sign_in(emulator)
    artist = emulator.app.catalogue.artists[
        emulator.app.state.histories[USER_TYPICAL].top_artists["medium_term"][0]
    ]
    query = f'artist:"{artist.name}"'
    with signed.gateway() as gw:
        first = gw.search_track_page(query, limit=10)
        last = gw.search_track_page(query, limit=10, offset=first.total - 10)
        everything = [
            t.id for o in range(0, first.total, 10)
            for t in gw.search_track_page(query, limit=10, offset=o).items
        ]
    assert first.total > 20 and last.total == first.total
    assert [t.id for t in first.items] == everything[:10]
    assert [t.id for t in last.items] == everything[-10:]


def test_nothing_is_remembered_between_gateways(emulator) -> None:
    """No process cache: each generation reads the catalogue itself (no hidden side effects)."""
    signed = sign_in(emulator)
    artist_id = emulator.app.state.histories[USER_TYPICAL].top_artists["medium_term"][0]
    for _ in range(2):
        with signed.gateway() as gw:
            releases = gw.artist_albums(artist_id)
            gw.album(releases[0].id)
            gw.search_tracks("artist:x", limit=10)
    paths = [p for _, p, _ in api_requests(emulator)]
    assert paths.count(f"/v1/artists/{artist_id}/albums") == 2 * -(-len(releases) // 10)
    assert paths.count(f"/v1/albums/{releases[0].id}") == 2
    assert paths.count("/v1/search") == 2


def test_extended_mode_uses_popularity_top_tracks_and_batches(emulator) -> None:
    emulator.app.set_mode("extended")
    signed = sign_in(emulator)
    artist_id = emulator.app.state.histories[USER_TYPICAL].top_artists["medium_term"][0]
    with signed.gateway(api_mode="extended") as gw:
        top = gw.artist_top_tracks(artist_id)
        releases = gw.artist_albums(artist_id)
        albums = gw.albums([r.id for r in releases])
        tracks = gw.tracks([t.id for a in albums for t in a.tracks])
    assert top and all(t.popularity is not None for t in top)
    assert all(t.popularity is not None for t in tracks)
    paths = [f"{p}?{q}" for _, p, q in api_requests(emulator)]
    assert sum(p.startswith("/v1/albums?") for p in paths) == -(-len(releases) // 20)
    assert not any(p.startswith("/v1/albums/") for p in paths)


def test_extended_gateway_falls_back_when_spotify_refuses(emulator) -> None:
    signed = sign_in(emulator)  # the emulator is in development mode
    artist_id = emulator.app.state.histories[USER_TYPICAL].top_artists["medium_term"][0]
    with signed.gateway(api_mode="extended") as gw:
        assert gw.artist_top_tracks(artist_id) is None
        assert gw.artist_top_tracks(artist_id + "x") is None  # remembered: no second try
        releases = gw.artist_albums(artist_id)
        albums = gw.albums([r.id for r in releases[:2]])
    assert len(albums) == 2
    refused = [p for _, p, _ in api_requests(emulator) if p.endswith("/top-tracks")]
    assert len(refused) == 1


def test_a_user_not_on_the_allow_list_is_told_so(emulator) -> None:
    signed = sign_in(emulator, USER_NOT_ALLOWLISTED)
    with signed.gateway() as gw, pytest.raises(SpotifyUserNotRegistered):
        gw.current_user()


def test_short_retry_after_is_waited_and_long_one_raises_quickly(emulator) -> None:
    signed = sign_in(emulator)
    emulator.app.faults.add_error("/v1/me/", 429, retry_after=1, count=1)
    started = time.monotonic()
    with signed.gateway() as gw:
        assert gw.current_user().id == USER_TYPICAL
    assert 1.0 <= time.monotonic() - started < 3.0
    emulator.app.faults.add_error("/v1/me/", 429, retry_after=3600, count=1)
    started = time.monotonic()
    with signed.gateway() as gw, pytest.raises(SpotifyRateLimited) as caught:
        gw.current_user()
    assert caught.value.retry_after_seconds == 3600
    assert time.monotonic() - started < 1.0


def test_quota_exceeded_raises_at_once(emulator) -> None:
    signed = sign_in(emulator)
    emulator.app.rate_limiter.configure(quota_exceeded=True)
    with signed.gateway() as gw, pytest.raises(SpotifyRateLimited) as caught:
        gw.current_user()
    assert caught.value.quota_exceeded


def test_server_errors_timeouts_and_broken_bodies_are_retried(emulator) -> None:
    signed = sign_in(emulator)
    faults = emulator.app.faults
    faults.add_error("/v1/me/", 503, count=1)
    faults.add_malformed("/v1/me/", count=1)
    faults.add_timeout("/v1/me/", 1.0, count=1)
    with signed.gateway(request_timeout=0.4) as gw:
        assert gw.current_user().id == USER_TYPICAL
    time.sleep(0.8)  # the timed-out request is logged when the emulator ends it
    assert sorted(str(r.fault) for r in emulator.app.request_log.entries("/v1/me/")) == sorted([
        "error", "malformed", "timeout", "None",
    ])


def test_expired_token_is_refreshed_once_for_all_threads(emulator) -> None:
    signed = sign_in(emulator)
    artist_ids = emulator.app.state.histories[USER_TYPICAL].top_artists["medium_term"][:8]
    with signed.gateway() as gw:
        gw.current_user()
        emulator.app.clock.advance(3700)
        with ThreadPoolExecutor(8) as pool:
            albums = list(pool.map(gw.artist_albums, artist_ids))
        assert len(albums) == 8
        assert gw.token_refresh_count == 1
    token_requests = emulator.app.request_log.entries("/api/token")
    assert len(token_requests) == 2  # the sign-in's code exchange, then one refresh for all


@pytest.mark.parametrize("mode", ["development", "extended"])
def test_playlist_items_read_back_in_order(emulator, mode: str) -> None:
    emulator.app.set_mode(mode)
    signed = sign_in(emulator)
    uris = [f"spotify:track:{t}" for t in sorted(emulator.app.catalogue.tracks)[:130]]
    with signed.gateway() as gw:
        playlist = gw.create_playlist("Read back")
        gw.add_items(playlist.id, uris)
        assert gw.playlist_item_uris(playlist.id) == uris
        assert gw.playlist_item_uris(playlist.id, offset=100) == uris[100:]
        assert gw.playlist_item_uris(playlist.id, offset=130) == []
        gw.add_items(playlist.id, uris[:1])  # a write since: read again, not memoised
        assert gw.playlist_item_uris(playlist.id, offset=130) == uris[:1]


@pytest.mark.parametrize("mode", ["development", "extended"])
def test_a_playlist_says_when_it_was_last_filled(emulator, mode: str) -> None:
    """Spotify tells no creation date; its first item (one item read) says when the playlist
    was filled (``added_at``) and which song it starts with."""
    import datetime as dt

    emulator.app.set_mode(mode)
    signed = sign_in(emulator)
    first = sorted(emulator.app.catalogue.tracks)[:3]
    uris = [f"spotify:track:{t}" for t in first]
    with signed.gateway() as gw:
        playlist = gw.create_playlist("Dated")
        assert gw.playlist_opening(playlist.id) is None  # empty
        gw.add_items(playlist.id, uris)
        opening = gw.playlist_opening(playlist.id)
        now = dt.datetime.fromtimestamp(emulator.app.clock.now(), dt.UTC)
        assert opening is not None and opening.added_at is not None
        assert opening.added_at.tzinfo is not None
        assert abs((now - opening.added_at).total_seconds()) < 5
        track = emulator.app.catalogue.tracks[first[0]]
        assert opening.title == track.name and opening.artist
        entries = emulator.app.request_log.entries(f"/v1/playlists/{playlist.id}/items")
        assert "limit=1" in entries[-1].query
