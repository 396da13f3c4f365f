"""One pool of kept-alive connections per process (a warm Lambda container) for Spotify's hosts,
lent to every gateway and every accounts-service session.

Only connections are shared.  Each gateway and each token request keeps its own
``requests.Session`` (cookies, the client's Basic auth) and sends the user's token per request;
each adapter keeps its own retry policy (``calls.SpotifyRetry``: a POST whose answer was lost is
never repeated).  urllib3 checks a pooled connection before reusing it and replaces one the
server has closed; one that breaks during a request follows that request's policy.  A new TLS
connection costs two round trips before its first request, so a warm container that keeps them
saves that on every preview; and a fresh container opens as many as a gateway plans to have in
flight at once, in the background, when its first request to a host goes out
(``WarmingHTTPSConnectionPool``), so that a preview's first wide wave (a search per artist)
finds them open instead of paying the handshakes then.
"""

import contextlib
import os
import queue
import socket
import ssl
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from requests.adapters import HTTPAdapter
from requests.utils import DEFAULT_CA_BUNDLE_PATH
from urllib3 import HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPSConnection
from urllib3.util.retry import Retry
from urllib3.util.ssl_ import create_urllib3_context, resolve_ssl_version
from urllib3.util.wait import wait_for_read

HOSTS = 4  # api.spotify.com and accounts.spotify.com (the emulator's address in demo and tests)
WARM_UP_CONNECT_TIMEOUT = 5.0  # seconds; a connection opened ahead that cannot is just not kept


class TicketReadingHTTPSConnection(HTTPSConnection):
    """urllib3's HTTPS connection, but an idle one with only TLS records pending (a TLS 1.3
    server's session tickets, sent after the handshake) is still connected: urllib3 takes any
    readable idle connection for one the server closed, and would open a new one instead."""

    #: Where the TLS context comes from once the TCP connection is open (the pool's CA bundle,
    #: which may still be being read); None: urllib3's own ``ssl_context`` or none.
    context_source: Callable[[], ssl.SSLContext] | None = None

    @property
    def is_connected(self) -> bool:
        if self.sock is None:
            return False
        if not wait_for_read(self.sock, timeout=0.0):
            return True
        return only_tls_records_pending(self.sock)

    def _new_conn(self) -> socket.socket:
        """The TCP connection; then the context its TLS handshake needs (read meanwhile)."""
        sock = super()._new_conn()
        if self.context_source is not None:
            self.ssl_context = self.context_source()
        return sock


def only_tls_records_pending(sock: Any) -> bool:
    """Read what is pending on an idle TLS socket without blocking: True if it was only TLS's
    own records (no application data, not the end of the connection)."""
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        sock.recv(1)
        return False  # the end of the connection, or an answer nobody asked for
    except ssl.SSLWantReadError:
        return True
    except OSError:
        return False
    finally:
        sock.settimeout(timeout)


class BundleContext:
    """A TLS context verifying against the CA bundle at ``location``, read in a thread started
    now (OpenSSL parses the 117 certificates of certifi's bundle in about 15 ms of CPU)."""

    def __init__(self, location: str, pool: HTTPSConnectionPool) -> None:
        self.location = location
        self._future: Future[ssl.SSLContext] = Future()
        settings = (resolve_ssl_version(pool.ssl_version), pool.ssl_minimum_version,
                    pool.ssl_maximum_version)
        threading.Thread(target=self._read, args=settings, name="spotify-ca-bundle",
                         daemon=True).start()

    def _read(self, ssl_version: int, minimum: int | None, maximum: int | None) -> None:
        try:
            context = create_urllib3_context(ssl_version=ssl_version, ssl_minimum_version=minimum,
                                             ssl_maximum_version=maximum,
                                             cert_reqs=ssl.CERT_REQUIRED)
            if os.path.isdir(self.location):
                context.load_verify_locations(capath=self.location)
            else:
                context.load_verify_locations(cafile=self.location)
        except BaseException as exc:  # the connection waiting for it raises it
            self._future.set_exception(exc)
        else:
            self._future.set_result(context)

    def result(self) -> ssl.SSLContext:
        return self._future.result()


class WarmingHTTPSConnectionPool(HTTPSConnectionPool):
    """urllib3's pool for one host that, asked by an adapter planning ``n`` requests in flight,
    opens ``n - 1`` connections in background threads while the first request goes out.

    Its connections verify the server with one TLS context holding the CA bundle, read once
    (``trust``): given a bundle's path, as ``requests`` gives it on every request (certifi's, or
    ``REQUESTS_CA_BUNDLE``), urllib3 makes a new context and reads the whole bundle again for
    every connection: 117 certificates, about 15 ms of CPU each, 25 times in a fresh container.
    """

    ConnectionCls = TicketReadingHTTPSConnection

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._warm_lock, self._warmed = threading.Lock(), False
        self._trust_lock, self._trusted = threading.Lock(), ""
        self._context: BundleContext | None = None

    def trust(self, location: str) -> None:
        """Verify every connection from now on against the CA bundle at ``location`` (a file, or
        a folder as OpenSSL reads them), read into one context the first time: in a thread of
        its own, while the first connection's TCP handshake goes on (the read releases the GIL;
        a connection waits for it only when its TLS handshake begins)."""
        with self._trust_lock:
            if self._trusted != location:
                self._context = BundleContext(location, self)
                self._trusted = location
            self.cert_reqs, self.ca_certs, self.ca_cert_dir = "CERT_REQUIRED", None, None

    def _new_conn(self) -> Any:
        conn = super()._new_conn()
        if self._context is not None and isinstance(conn, TicketReadingHTTPSConnection):
            conn.context_source = self._context.result
        return conn

    def warm(self, connections: int) -> None:
        """Once per pool (a fresh container's first request to the host): take the free slots
        now, before that request takes its own, and connect them in the background.  The
        threads are started by a thread of their own: started here, they held back the request
        that warms the pool (a preview's first, on its critical path) by tens of milliseconds."""
        with self._warm_lock:
            warm, self._warmed = not self._warmed and connections > 1, True
        if not warm or self.pool is None:
            return
        slots: list[Any] = []
        for _ in range(min(connections, self.pool.maxsize) - 1):
            try:
                slots.append(self.pool.get(block=False))
            except queue.Empty:
                break  # every slot is a request in flight
        if slots:
            threading.Thread(target=self._open_all, args=(slots,), name="spotify-connect",
                             daemon=True).start()

    def _open_all(self, slots: list[Any]) -> None:
        for free in slots:
            threading.Thread(target=self._open_one, args=(free,), name="spotify-connect",
                             daemon=True).start()

    def _put_conn(self, conn: Any) -> None:
        """A connection beyond the pool's size (a burst while it warms up, or a gateway planning
        more requests in flight) is closed quietly: expected here, not urllib3's warning."""
        if conn is not None and self.pool is not None and self.pool.full():
            conn.close()
            return
        super()._put_conn(conn)

    def _open_one(self, free: Any) -> None:
        """Connect a slot taken from the pool (``None``, or an idle connection), put it back."""
        conn = free or self._new_conn()
        kept: Any = conn  # None frees the slot
        try:
            if not conn.is_connected:
                conn.timeout = WARM_UP_CONNECT_TIMEOUT
                conn.connect()
        except Exception:  # unreachable now: the request itself will say so
            with contextlib.suppress(Exception):
                conn.close()
            kept = None
        self._put_conn(kept)


_lock = threading.Lock()
_manager: PoolManager | None = None


def process_pool(size: int) -> PoolManager:
    """The process's pool manager, keeping up to ``size`` idle connections per host (grown, never
    shrunk, when a gateway plans more requests in flight than the pool keeps).  Not blocking: a
    burst beyond ``size`` opens extra connections and closes them after use."""
    global _manager
    with _lock:
        if _manager is None or _manager.connection_pool_kw["maxsize"] < size:
            old, _manager = _manager, PoolManager(num_pools=HOSTS, maxsize=size, block=False)
            _manager.pool_classes_by_scheme = {**_manager.pool_classes_by_scheme,
                                               "https": WarmingHTTPSConnectionPool}
            if old is not None:
                old.clear()  # idle connections close now; ones in use close when returned
        return _manager


def settled() -> bool:
    """Whether every host's pool has all its slots back: no connection is still being opened in
    the background (a test or the bench waits for this before counting connections)."""
    with _lock:
        manager = _manager
    if manager is None:
        return True
    # keys(): urllib3's container refuses plain iteration (not thread-safe); keys() copies.
    pools = [manager.pools.get(key) for key in manager.pools.keys()]  # noqa: SIM118
    return all(p is None or p.pool is None or p.pool.full() for p in pools)


def close_all() -> None:
    """Close every pooled connection: the process starts over as a fresh container would."""
    with _lock:
        if _manager is not None:
            _manager.clear()


class SharedPoolAdapter(HTTPAdapter):
    """``requests``' adapter over the process pool: its own ``max_retries``, shared connections."""

    def __init__(self, pool_size: int, max_retries: Retry | int = 0) -> None:
        super().__init__(pool_connections=HOSTS, pool_maxsize=pool_size, max_retries=max_retries)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: Any) -> None:
        self._pool_connections, self._pool_maxsize, self._pool_block = connections, maxsize, block
        self.poolmanager = process_pool(maxsize)

    def get_connection_with_tls_context(self, request: Any, verify: Any, proxies: Any = None,
                                        cert: Any = None) -> Any:
        pool = super().get_connection_with_tls_context(request, verify, proxies, cert)
        if isinstance(pool, WarmingHTTPSConnectionPool):
            # How to verify the server, before any connection opens (requests says so only
            # after this returns, and the connections opened ahead start now).
            self.cert_verify(pool, request.url, verify, cert)
            pool.warm(self._pool_maxsize)  # a token request (1) warms nothing
        return pool

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        """``requests``' checks and bundle (certifi's, or ``verify``'s path), given to the pool as
        one context read once (``WarmingHTTPSConnectionPool.trust``) instead of a path urllib3
        reads for every connection.  Anything else (no verification, a client certificate, a
        plain pool): ``requests``' own way."""
        if not (isinstance(conn, WarmingHTTPSConnectionPool) and verify and cert is None
                and url.lower().startswith("https")):
            super().cert_verify(conn, url, verify, cert)  # type: ignore[no-untyped-call]
            return
        location = DEFAULT_CA_BUNDLE_PATH if verify is True else verify
        if not location or not os.path.exists(location):  # requests says so in its own words
            super().cert_verify(conn, url, verify, cert)  # type: ignore[no-untyped-call]
            return
        conn.trust(location)

    def close(self) -> None:
        """Close this adapter's proxies; the process pool stays open for the next request."""
        for proxy in self.proxy_manager.values():
            proxy.clear()


def mount_shared_pool(session: Any, pool_size: int, max_retries: Retry | int = 0) -> None:
    """Make ``session`` (a ``requests.Session``) send through the process pool."""
    adapter = SharedPoolAdapter(pool_size, max_retries)
    for scheme in ("https://", "http://"):
        session.mount(scheme, adapter)
