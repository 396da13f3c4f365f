"""One pool of kept-alive connections per process, lent to every gateway and token request:
reused across users, carrying nothing of theirs, and never a reason to repeat a write.

The emulator is served here as Spotify serves its API: over HTTPS by a server that keeps
connections alive (``bench.network``), so that connections are reused at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bench.network import SpotifyNetwork
from playlists.spotify import connection_pool
from playlists.spotify.accounts import TokenCache, UserAuth
from playlists.spotify.errors import SpotifyWriteUnconfirmed
from playlists.spotify.gateway import SpotifyGateway
from playlists.spotify.types import SpotifyApp, TokenSet
from spotify_emulator import ALL_SCOPES, DEMO_CLIENT, USER_ECLECTIC, USER_TYPICAL, EmulatorServer

from .emulator_support import api_requests


@pytest.fixture(autouse=True)
def fresh_container() -> Iterator[None]:
    """Each test starts with no pooled connection (a port may be reused by the next server)."""
    connection_pool.close_all()
    yield
    connection_pool.close_all()


@pytest.fixture
def network(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[SpotifyNetwork]:
    """The test's emulator over HTTPS with keep-alive; its certificate trusted for this test."""
    with SpotifyNetwork(emulator.app) as served:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", served.ca_file)
        yield served


@pytest.fixture
def gateway_for(emulator: EmulatorServer, network: SpotifyNetwork
                ) -> Callable[..., SpotifyGateway]:
    """A new gateway for ``user``, as each web request builds one."""
    def build(user: str = USER_TYPICAL, **kwargs: Any) -> SpotifyGateway:
        token = emulator.app.issue_token(user, ALL_SCOPES)["access_token"]
        return SpotifyGateway(token, api_base_url=network.api_url, **kwargs)
    return build


def operator_app(emulator: EmulatorServer, network: SpotifyNetwork
                 ) -> tuple[SpotifyApp, TokenCache]:
    """A confidential client whose token requests go over the network, and a user's tokens,
    expired (so that the next gateway's ``UserAuth`` refreshes them first)."""
    granted = emulator.app.issue_token(USER_TYPICAL, ALL_SCOPES)
    expired = TokenSet(granted["access_token"], granted["refresh_token"], int(time.time()) - 1,
                       granted["scope"])
    app = SpotifyApp(DEMO_CLIENT.client_id, DEMO_CLIENT.client_secret,
                     "http://127.0.0.1:8888/callback", accounts_base_url=network.base_url)
    return app, TokenCache.holding(expired)


def settled_connections(network: SpotifyNetwork, at_least: int) -> int:
    """Connections opened through the proxy once the pool's background opening is done."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (
        network.proxy.connections < at_least or not connection_pool.settled()
    ):
        time.sleep(0.02)
    time.sleep(0.1)
    return network.proxy.connections


def test_the_first_request_opens_a_connection_per_request_in_flight_and_every_gateway_reuses_them(
    gateway_for: Callable[..., SpotifyGateway], network: SpotifyNetwork
) -> None:
    with gateway_for(USER_TYPICAL, max_workers=6) as first:
        assert first.current_user().id == USER_TYPICAL
    opened = settled_connections(network, at_least=6)  # the rest opened in the background

    def burst(gateway: SpotifyGateway) -> None:
        with gateway, ThreadPoolExecutor(6) as threads:
            list(threads.map(lambda _: gateway.current_user(), range(18)))

    burst(gateway_for(USER_ECLECTIC, max_workers=6))  # another user, another web request
    burst(gateway_for(USER_TYPICAL, max_workers=6))

    assert opened == 6
    assert network.proxy.connections == opened  # all kept, all reused


def test_a_token_request_opens_no_connection_ahead(
    emulator: EmulatorServer, network: SpotifyNetwork
) -> None:
    app, tokens = operator_app(emulator, network)

    with UserAuth(app, tokens) as auth:  # a token request: the expired tokens refreshed
        auth.get_access_token()
        assert auth.refused()  # and a second one (Spotify refused the new token)

    assert settled_connections(network, at_least=2) == 1  # one, kept for the second


def test_no_cookie_travels_from_one_users_gateway_to_anothers(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spotify may set cookies; a session's jar is its own, only the connections are shared."""
    seen: list[str | None] = []

    def cookie_setting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        seen.append(environ.get("HTTP_COOKIE"))

        def with_cookie(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            user = environ.get("HTTP_AUTHORIZATION", "")[-6:]
            return start_response(status, [*headers, ("Set-Cookie", f"visitor={user}; Path=/")],
                                  *exc)
        return emulator.app(environ, with_cookie)

    with SpotifyNetwork(cookie_setting) as network:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", network.ca_file)
        tokens = [emulator.app.issue_token(user, ALL_SCOPES)["access_token"]
                  for user in (USER_TYPICAL, USER_ECLECTIC)]
        for token in tokens:
            with SpotifyGateway(token, api_base_url=network.api_url, max_workers=1) as gateway:
                gateway.current_user()
                gateway.current_user()
        connections = network.proxy.connections

    assert connections == 1  # the second user's requests went over the first user's connection
    assert seen == [None, f"visitor={tokens[0][-6:]}", None, f"visitor={tokens[1][-6:]}"]


def test_a_dropped_pooled_connection_repeats_a_read_but_never_a_write(
    gateway_for: Callable[..., SpotifyGateway], emulator: EmulatorServer,
    network: SpotifyNetwork
) -> None:
    faults = emulator.app.faults
    with gateway_for(max_workers=1) as gateway:
        gateway.current_user()  # the connection is now in the pool
        read_drop = faults.add_timeout("/v1/me/", 0, drop=True, count=1, method="GET")
        write_drop = faults.add_timeout("/v1/me/playlists", 0, drop=True, count=1,
                                        method="POST")

        assert gateway.current_user().id == USER_TYPICAL  # the read, again on a new connection
        with pytest.raises(SpotifyWriteUnconfirmed):
            gateway.create_playlist("Dropped on the way back")

    assert read_drop.fired == write_drop.fired == 1  # both reached the emulator once
    assert [m for m, _, _ in api_requests(emulator)] == ["GET", "GET"]  # no POST got past it
    assert all(p.name != "Dropped on the way back" for p in emulator.app.state.playlists.values())


def test_token_requests_share_the_connections_but_not_the_client_secret(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []

    def recording(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        scheme = environ.get("HTTP_AUTHORIZATION", "none").split(" ")[0]
        seen.append((environ["PATH_INFO"].rstrip("/"), scheme))
        return emulator.app(environ, start_response)

    with SpotifyNetwork(recording) as network:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", network.ca_file)
        app, tokens = operator_app(emulator, network)
        with UserAuth(app, tokens) as auth, SpotifyGateway(
                auth, api_base_url=network.api_url, max_workers=1) as gateway:
            assert gateway.current_user().id == USER_TYPICAL
        connections = network.proxy.connections

    assert seen == [("/api/token", "Basic"), ("/v1/me", "Bearer")]
    assert connections == 1
