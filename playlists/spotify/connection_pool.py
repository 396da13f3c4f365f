"""One pool of kept-alive connections per process (a warm Lambda container) for Spotify's hosts,
lent to every gateway and every accounts-service session.

Only connections are shared.  Each gateway and each token request keeps its own
``requests.Session`` (cookies, the client's Basic auth) and sends the user's token per request;
each adapter keeps its own retry policy (``calls.SpotifyRetry``: a POST whose answer was lost is
never repeated).  urllib3 checks a pooled connection before reusing it and replaces one the
server has closed; one that breaks during a request follows that request's policy.  A new TLS
connection costs two round trips before its first request, so a warm container that keeps them
saves that on every preview.
"""

import threading
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3 import PoolManager
from urllib3.util.retry import Retry

HOSTS = 4  # api.spotify.com and accounts.spotify.com (the emulator's address in demo and tests)

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
            if old is not None:
                old.clear()  # idle connections close now; ones in use close when returned
        return _manager


class SharedPoolAdapter(HTTPAdapter):
    """``requests``' adapter over the process pool: its own ``max_retries``, shared connections."""

    def __init__(self, pool_size: int, max_retries: Retry | int = 0) -> None:
        super().__init__(pool_connections=HOSTS, pool_maxsize=pool_size, max_retries=max_retries)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: Any) -> None:
        self._pool_connections, self._pool_maxsize, self._pool_block = connections, maxsize, block
        self.poolmanager = process_pool(maxsize)

    def close(self) -> None:
        """Close this adapter's proxies; the process pool stays open for the next request."""
        for proxy in self.proxy_manager.values():
            proxy.clear()


def mount_shared_pool(session: Any, pool_size: int, max_retries: Retry | int = 0) -> None:
    """Make ``session`` (a ``requests.Session``) send through the process pool."""
    adapter = SharedPoolAdapter(pool_size, max_retries)
    for scheme in ("https://", "http://"):
        session.mount(scheme, adapter)
