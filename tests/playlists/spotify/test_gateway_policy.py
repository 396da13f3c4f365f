"""The gateway's call policy against a scripted server: refresh, 429, retries, error mapping."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from playlists.spotify.accounts import TokenCache, UserAuth
from playlists.spotify.errors import (
    SpotifyAuthError,
    SpotifyBadRequest,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyRateLimited,
    SpotifyUnavailable,
    SpotifyUserNotRegistered,
    SpotifyWriteUnconfirmed,
)
from playlists.spotify.gateway import SpotifyGateway
from playlists.spotify.types import SpotifyApp, TokenSet

from .stub import Answer, ScriptedSpotify, scripted_spotify

ME = {"id": "alex", "display_name": "Alex", "country": "GB", "product": "premium"}
PLAYLIST = {"id": "p" * 22, "name": "Mix", "uri": "spotify:playlist:" + "p" * 22,
            "description": "", "snapshot_id": "s1", "items": {"total": 0}}


@pytest.fixture
def stub() -> Iterator[tuple[ScriptedSpotify, str]]:
    with scripted_spotify() as pair:
        yield pair


def gateway(base: str, auth: str | UserAuth = "token-1", **kw) -> SpotifyGateway:
    kw.setdefault("request_timeout", 2.0)
    return SpotifyGateway(auth, api_base_url=base, **kw)


def renewable(app: ScriptedSpotify, base: str, *answers: Answer) -> UserAuth:
    """A user's "token-1", good for an hour; the stub's accounts service gives ``answers`` to
    refreshes (by default "token-2")."""
    renewed = Answer(body={"access_token": "token-2", "token_type": "Bearer",
                           "expires_in": 3600, "scope": ""})
    app.script("/v1/api/token", *(answers or (renewed,)))
    tokens = TokenSet("token-1", "refresh-1", int(time.time()) + 3600)
    return UserAuth(SpotifyApp("client", "", "http://127.0.0.1:8888/callback", base),
                    TokenCache.holding(tokens))


def test_parses_typed_models_and_uses_the_token(stub) -> None:
    app, base = stub
    app.script("/v1/me", Answer(body=ME))
    user = gateway(base).current_user()
    assert (user.id, user.display_name, user.country, user.product) == (
        "alex", "Alex", "GB", "premium")
    assert app.seen[0].authorization == "Bearer token-1"


def test_expired_token_is_refreshed_once_and_retried(stub) -> None:
    app, base = stub
    app.script("/v1/me", Answer(401, {"error": {"status": 401, "message": "expired"}}),
               Answer(body=ME))
    gw = gateway(base, renewable(app, base))
    assert gw.current_user().id == "alex"
    assert gw.token_refresh_count == 1 and app.count("/v1/api/token") == 1
    api = [s.authorization for s in app.seen if s.path == "/v1/me"]
    assert api == ["Bearer token-1", "Bearer token-2"]


def test_still_401_after_refresh_or_a_fixed_token_is_an_auth_error(stub) -> None:
    app, base = stub
    app.default["/v1/me"] = Answer(401, {"error": {"status": 401, "message": "revoked"}})
    with pytest.raises(SpotifyAuthError):
        gateway(base, renewable(app, base)).current_user()
    assert app.count("/v1/me") == 2
    with pytest.raises(SpotifyAuthError):
        gateway(base).current_user()


def test_refresh_failure_is_an_auth_error(stub) -> None:
    app, base = stub
    app.script("/v1/me", Answer(401, {"error": {"status": 401, "message": "expired"}}))
    refused = Answer(400, {"error": "invalid_grant", "error_description": "Refresh token revoked"})
    with pytest.raises(SpotifyAuthError):
        gateway(base, renewable(app, base, refused)).current_user()
    assert app.count("/v1/me") == 1


def test_short_retry_after_is_waited_out(stub) -> None:
    app, base = stub
    app.script("/v1/me", Answer(429, {"error": {"status": 429, "message": "slow"}},
                                {"Retry-After": "1"}), Answer(body=ME))
    started = time.monotonic()
    assert gateway(base).current_user().id == "alex"
    assert 0.9 <= time.monotonic() - started < 3


def test_long_retry_after_raises_at_once(stub) -> None:
    app, base = stub
    app.script("/v1/me", Answer(429, {"error": {"status": 429, "message": "slow"}},
                                {"Retry-After": "7200"}))
    started = time.monotonic()
    with pytest.raises(SpotifyRateLimited) as caught:
        gateway(base).current_user()
    assert caught.value.retry_after_seconds == 7200 and not caught.value.quota_exceeded
    assert time.monotonic() - started < 1


def test_quota_exceeded_is_never_waited_for(stub) -> None:
    app, base = stub
    body = {"error": {"status": 429, "message": "quota", "reason": "QUOTA_EXCEEDED"}}
    app.script("/v1/me", Answer(429, body, {"Retry-After": "1"}))
    with pytest.raises(SpotifyRateLimited) as caught:
        gateway(base).current_user()
    assert caught.value.quota_exceeded


def test_waiting_stays_within_the_budget(stub) -> None:
    app, base = stub
    app.default["/v1/me"] = Answer(429, {"error": {"status": 429, "message": "x"}},
                                   {"Retry-After": "1"})
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    gw = gateway(base, rate_limit_budget=2.5, sleep=sleep, clock=lambda: now[0])
    with pytest.raises(SpotifyRateLimited):
        gw.current_user()
    assert now[0] == 2.0
    assert app.count("/v1/me") == 3  # two waits of 1 s fit in 2.5 s, the third does not


def test_server_errors_are_retried_with_backoff(stub) -> None:
    app, base = stub
    app.script("/v1/me", Answer(500), Answer(503), Answer(body=ME))
    slept: list[float] = []
    assert gateway(base, sleep=slept.append).current_user().id == "alex"
    assert len(slept) == 2 and 0.2 <= slept[0] <= 0.4 and 0.4 <= slept[1] <= 0.6


def test_persistent_server_errors_become_unavailable(stub) -> None:
    app, base = stub
    app.default["/v1/me"] = Answer(502, "<html>bad gateway</html>")
    with pytest.raises(SpotifyUnavailable):
        gateway(base, sleep=lambda s: None, max_retries=2).current_user()
    assert app.count("/v1/me") == 3


def test_malformed_json_is_retried(stub) -> None:
    app, base = stub
    app.script("/v1/me", Answer(200, '{"id": "al'), Answer(body=ME))
    assert gateway(base, sleep=lambda s: None).current_user().id == "alex"
    app.default["/v1/me"] = Answer(200, "[1, 2")
    with pytest.raises(SpotifyUnavailable):
        gateway(base, sleep=lambda s: None).current_user()


def test_timeouts_are_retried_for_reads_but_not_for_posts(stub) -> None:
    app, base = stub
    app.script("/v1/me", Answer(body=ME, delay=0.8), Answer(body=ME))
    gw = gateway(base, request_timeout=0.3, sleep=lambda s: None)
    assert gw.current_user().id == "alex"
    app.script("/v1/me/playlists", Answer(201, PLAYLIST, delay=0.8))
    with pytest.raises(SpotifyWriteUnconfirmed) as raised:
        gw.create_playlist("Mix")
    assert raised.value.applied is None  # may have been applied, or may be a moment later
    time.sleep(0.7)  # let the slow answer finish before checking
    assert app.count("/v1/me/playlists") == 1


# -- writes whose answer is lost are not repeated --------------------------------------------
PID = "p" * 22
ITEMS = f"/v1/playlists/{PID}/items"
URIS = [f"spotify:track:{i:022d}" for i in range(3)]


@pytest.mark.parametrize(
    "answer",
    [Answer(201, '{"id": "pppp'), Answer(200, ""), Answer(201, {"name": "no id"})],
    ids=["cut-json", "empty", "no-id"],
)
def test_a_create_answered_2xx_unreadably_is_not_repeated(stub, answer) -> None:
    app, base = stub
    app.script("/v1/me/playlists", answer, Answer(201, PLAYLIST))
    gw = gateway(base, sleep=lambda s: pytest.fail("must not back off and retry"))
    with pytest.raises(SpotifyWriteUnconfirmed) as raised:
        gw.create_playlist("Mix")
    assert raised.value.applied is True
    assert isinstance(raised.value, SpotifyUnavailable)  # the outage page, if nothing recovers
    assert app.count("/v1/me/playlists") == 1


def test_an_add_answered_2xx_unreadably_is_not_repeated(stub) -> None:
    app, base = stub
    app.script(ITEMS, Answer(201, '{"snapshot_id": "s'), Answer(201, {"snapshot_id": "s2"}))
    gw = gateway(base, sleep=lambda s: pytest.fail("must not back off and retry"))
    with pytest.raises(SpotifyWriteUnconfirmed) as raised:
        gw.add_items(PID, URIS)
    assert raised.value.applied is True
    assert app.count(ITEMS) == 1


def test_reads_answered_2xx_unreadably_are_still_retried(stub) -> None:
    app, base = stub
    app.script("/v1/me", Answer(200, '{"id": "al'), Answer(body=ME))
    assert gateway(base, sleep=lambda s: None).current_user().id == "alex"
    assert app.count("/v1/me") == 2


def test_a_write_whose_connection_drops_after_sending_is_not_repeated(stub) -> None:
    app, base = stub
    app.script("/v1/me/playlists", Answer(drop=True), Answer(201, PLAYLIST))
    app.script(ITEMS, Answer(drop=True), Answer(201, {"snapshot_id": "s2"}))
    gw = gateway(base, sleep=lambda s: pytest.fail("must not back off and retry"))
    with pytest.raises(SpotifyWriteUnconfirmed) as raised:
        gw.create_playlist("Mix")
    assert raised.value.applied is None
    with pytest.raises(SpotifyWriteUnconfirmed):
        gw.add_items(PID, URIS)
    assert app.count("/v1/me/playlists") == 1 and app.count(ITEMS) == 1


def test_a_read_whose_connection_drops_is_retried(stub) -> None:
    app, base = stub
    app.script("/v1/me", Answer(drop=True), Answer(body=ME))
    assert gateway(base, sleep=lambda s: None).current_user().id == "alex"
    assert app.count("/v1/me") == 2


def test_a_write_that_could_not_connect_is_retried() -> None:
    """Nothing was sent, so repeating it cannot apply it twice."""
    slept: list[float] = []
    gw = gateway("http://127.0.0.1:9/v1/", sleep=slept.append, max_retries=2)
    with pytest.raises(SpotifyUnavailable) as raised:
        gw.create_playlist("Mix")
    assert not isinstance(raised.value, SpotifyWriteUnconfirmed)
    assert len(slept) == 2 and gw.request_count == 3


def test_a_write_answered_5xx_is_still_retried(stub) -> None:
    app, base = stub
    app.script("/v1/me/playlists", Answer(502, "<html>bad gateway</html>"), Answer(201, PLAYLIST))
    assert gateway(base, sleep=lambda s: None).create_playlist("Mix").id == "p" * 22
    assert app.count("/v1/me/playlists") == 2


def test_playlist_items_are_read_back_fresh_from_an_offset(stub) -> None:
    app, base = stub
    uris = [f"spotify:track:{i:022d}" for i in range(120)]

    def page(offset: int, key: str = "item") -> Answer:
        chunk = uris[offset : offset + 50]
        return Answer(body={"items": [{key: {"uri": u}} for u in chunk], "total": len(uris)})

    # "item" since February 2026, "track" before; a local file or a gap gives None.
    app.script(ITEMS, page(20), page(70, key="track"))
    gw = gateway(base)
    assert gw.playlist_item_uris(PID, offset=20) == uris[20:]
    assert [s.query for s in app.seen] == [
        "limit=50&offset=20&additional_types=track", "limit=50&offset=70&additional_types=track",
    ]
    app.script(ITEMS, Answer(body={"items": [{"item": None}, {"track": {"uri": uris[0]}}],
                                   "total": 2}))
    assert gw.playlist_item_uris(PID) == [None, uris[0]]  # read again
    assert app.count(ITEMS) == 3


def test_the_playlist_listing_is_read_every_time(stub) -> None:
    """Nothing about the user is remembered: a save looks at Spotify as it is now."""
    app, base = stub
    listing = {"items": [PLAYLIST], "total": 1}
    app.default["/v1/me/playlists"] = Answer(body=listing)
    gw = gateway(base, request_timeout=1.5)
    assert gw.request_timeout == 1.5
    assert [p.id for p in gw.current_user_playlists()] == [PID]
    gw.current_user_playlists()
    assert app.count("/v1/me/playlists") == 2


def test_connection_refused_is_unavailable() -> None:
    gw = gateway("http://127.0.0.1:9/v1/", sleep=lambda s: None, max_retries=1)
    with pytest.raises(SpotifyUnavailable):
        gw.current_user()


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (403, "Check settings on developer.spotify.com/dashboard, the user may not be registered.",
         SpotifyUserNotRegistered),
        (403, {"error": {"status": 403, "message": "Check settings on developer.spotify.com/"
                         "dashboard, the user may not be registered."}}, SpotifyUserNotRegistered),
        (403, {"error": {"status": 403, "message": "Insufficient client scope"}}, SpotifyForbidden),
        (404, {"error": {"status": 404, "message": "Resource not found"}}, SpotifyNotFound),
        (400, {"error": {"status": 400, "message": "Invalid limit"}}, SpotifyBadRequest),
    ],
)
def test_client_errors_map_to_our_exceptions(stub, status, body, error) -> None:
    app, base = stub
    app.script("/v1/me", Answer(status, body))
    with pytest.raises(error):
        gateway(base).current_user()
    assert app.count("/v1/me") == 1


def test_tokens_never_reach_the_logs(stub, caplog) -> None:
    app, base = stub
    app.script("/v1/me", Answer(500), Answer(401, {"error": {"status": 401, "message": "x"}}),
               Answer(body=ME))
    caplog.set_level(logging.DEBUG)
    gateway(base, renewable(app, base), sleep=lambda s: None).current_user()
    text = caplog.text
    assert "token-1" not in text and "token-2" not in text


def test_items_are_written_in_batches_of_100_in_order(stub) -> None:
    app, base = stub
    pid = "p" * 22
    app.default[f"/v1/playlists/{pid}/items"] = Answer(201, {"snapshot_id": "s"})
    uris = [f"spotify:track:{i:022d}" for i in range(230)]
    gw = gateway(base)
    gw.add_items(pid, uris)

    bodies = [json.loads(seen.body) for seen in app.seen]  # spotipy posts a bare list
    assert [len(b) for b in bodies] == [100, 100, 30]
    assert [u for b in bodies for u in b] == uris
    app.seen.clear()
    gw.replace_items(pid, uris)
    assert [s.method for s in app.seen] == ["PUT", "POST", "POST"]
    assert json.loads(app.seen[0].body) == {"uris": uris[:100]}


def test_unfollow_uses_the_library_endpoint(stub) -> None:
    app, base = stub
    app.script("/v1/me/library", Answer(200, ""))
    gateway(base).unfollow_playlist("p" * 22)
    assert app.seen[0].method == "DELETE"
    assert app.seen[0].query == "uris=spotify%3Aplaylist%3A" + "p" * 22


def test_requests_in_flight_never_exceed_max_workers(stub) -> None:
    """However many threads call it, the gateway sends at most ``max_workers`` at once."""
    app, base = stub
    app.default["/v1/artists/" + "a" * 22] = Answer(body={"id": "a" * 22, "name": "A"},
                                                    delay=0.05)
    gw = gateway(base, max_workers=3)
    with ThreadPoolExecutor(12) as pool:
        names = {a.name for a in pool.map(lambda _: gw.artist("a" * 22), range(24))}
    assert names == {"A"} and gw.request_count == 24
    assert app.max_in_flight <= 3
