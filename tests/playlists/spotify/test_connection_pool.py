"""One pool of kept-alive connections per process, lent to every gateway and token request:
reused across users, carrying nothing of theirs, and never a reason to repeat a write.

The emulator is served here as Spotify serves its API: over HTTPS by a server that keeps
connections alive (``bench.network``), so that connections are reused at all.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from requests.utils import DEFAULT_CA_BUNDLE_PATH

from bench.network import SpotifyNetwork
from playlists.spotify import connection_pool
from playlists.spotify.accounts import TokenCache, UserAuth
from playlists.spotify.errors import SpotifyError, SpotifyWriteUnconfirmed
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


def https_pool(network: SpotifyNetwork) -> connection_pool.WarmingHTTPSConnectionPool:
    """The process pool's pool for the test server's host (after a request went there)."""
    manager = connection_pool.process_pool(1)
    pools = [manager.pools.get(key) for key in manager.pools.keys()]  # noqa: SIM118
    (pool,) = [p for p in pools if isinstance(p, connection_pool.WarmingHTTPSConnectionPool)
               and p.port == int(network.base_url.rsplit(":", 1)[1])]
    return pool


def test_the_ca_bundle_is_read_once_per_pool_into_one_tls_context_its_connections_share(
    gateway_for: Callable[..., SpotifyGateway], network: SpotifyNetwork
) -> None:
    with gateway_for(max_workers=3) as gateway:
        assert gateway.current_user().id == USER_TYPICAL
    settled_connections(network, at_least=3)
    pool = https_pool(network)
    assert pool._context is not None
    context = pool._context.result()

    assert pool.ca_certs is None  # urllib3 would read the bundle again for every connection
    assert pool._trusted == network.ca_file
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert len(context.get_ca_certs()) == 1  # the test's authority, read once
    connections = [pool.pool.get(block=False) for _ in range(3)]
    assert all(c is not None and c.sock is not None and c.sock.context is context
               for c in connections)
    assert all(c.is_verified for c in connections)
    for c in connections:
        pool._put_conn(c)


def test_a_server_the_bundle_does_not_vouch_for_is_refused(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SpotifyNetwork(emulator.app) as network, SpotifyNetwork(emulator.app) as other:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", other.ca_file)  # another authority
        token = emulator.app.issue_token(USER_TYPICAL, ALL_SCOPES)["access_token"]
        with SpotifyGateway(token, api_base_url=network.api_url, max_workers=2) as gateway, \
                pytest.raises(SpotifyError):
            gateway.current_user()
    assert api_requests(emulator) == []


def test_the_request_that_warms_the_pool_goes_out_before_the_connections_opened_ahead(
    gateway_for: Callable[..., SpotifyGateway], network: SpotifyNetwork,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connections opened ahead are started by a thread of their own, not by the request
    that asked for them: it is on its preview's critical path."""
    started = threading.Event()
    opening = connection_pool.WarmingHTTPSConnectionPool._open_all

    def held_open_all(self: Any, slots: list[Any]) -> None:
        assert started.wait(10)  # opened ahead only once the request went out
        opening(self, slots)

    monkeypatch.setattr(connection_pool.WarmingHTTPSConnectionPool, "_open_all", held_open_all)
    with gateway_for(max_workers=4) as gateway:
        assert gateway.current_user().id == USER_TYPICAL
        started.set()
    assert settled_connections(network, at_least=4) == 4


def test_without_a_bundle_of_its_own_the_pool_trusts_requests_default_one(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with SpotifyNetwork(emulator.app) as network:
        token = emulator.app.issue_token(USER_TYPICAL, ALL_SCOPES)["access_token"]
        with SpotifyGateway(token, api_base_url=network.api_url, max_workers=1) as gateway, \
                pytest.raises(SpotifyError):
            gateway.current_user()  # certifi's authorities do not include the test's
        assert https_pool(network)._trusted == DEFAULT_CA_BUNDLE_PATH
