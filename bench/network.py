"""A network like Spotify's on loopback, for the bench and the tests: any WSGI app (the emulator)
served over HTTPS by a server that keeps connections alive, behind a latency proxy.

* ``TestCertificate``: a certificate authority made at start (``trustme``) and a certificate for
  127.0.0.1 and localhost; the client trusts it for that run only (``ca_file`` as
  ``REQUESTS_CA_BUNDLE`` or a session's ``verify``; ``bundle_file``, certifi's bundle with it
  added, for a client that reads as many certificates as production does).
* ``KeepAliveServer``: cheroot's threaded WSGI server, HTTP/1.1 keep-alive, TLS (Werkzeug's
  development server closes every connection).  Each TLS handshake happens in the worker
  thread serving the connection, not in the thread accepting them, so handshakes overlap as
  they do at Spotify.  ``environ["werkzeug.socket"]`` is the connection's socket, which the
  emulator's ``drop`` fault shuts as under Werkzeug.
* ``LatencyProxy``: an asyncio TCP proxy charging the round trip as a network does.  A new
  connection delivers nothing before one round trip (TCP's SYN, SYN-ACK), and every byte
  arrives half a round trip after it was sent, in each direction, in order.  So a new HTTPS
  connection costs TCP + TLS 1.3 (2 round trips) before its first request's round trip, and a
  kept-alive one only that round trip.  Bandwidth is not limited; nothing is lost.

``python -m bench.network UPSTREAM_PORT RTT_MS`` runs a proxy in a process of its own (so that
its timing does not wait on another thread's GIL): it prints its port and serves until stdin
closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import certifi
import trustme
from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter

LOOPBACK = "127.0.0.1"
SERVER_THREADS = 100  # one per connection being served or not yet past its first read (handshake)
LISTEN_BACKLOG = 128  # cheroot's 5 drops a burst of connects: the client retries a second later
KEEP_ALIVE_LIMIT = 1000  # idle connections kept open (cheroot's default, 10, closes the rest)
IDLE_TIMEOUT_S = 60  # how long the server keeps an idle connection (Spotify's is not published)


class TestCertificate:
    """A throw-away CA and a server certificate for loopback, as PEM files in a temporary
    folder (removed by ``cleanup``)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="moodystream-tls-")
        folder = Path(self._folder.name)
        authority = trustme.CA()
        self.ca_file = str(folder / "ca.pem")
        self.server_file = str(folder / "server.pem")  # key and certificate chain
        authority.cert_pem.write_to_path(self.ca_file)
        # What a client verifying as in production reads: certifi's bundle (requests' default,
        # packaged in the Lambda zip), with this authority added.
        self.bundle_file = str(folder / "bundle.pem")
        Path(self.bundle_file).write_bytes(
            Path(certifi.where()).read_bytes().rstrip(b"\n") + b"\n" + authority.cert_pem.bytes())
        authority.issue_cert(LOOPBACK, "localhost").private_key_and_cert_chain_pem.write_to_path(
            self.server_file)

    def cleanup(self) -> None:
        self._folder.cleanup()


class _HandshakeInWorker(BuiltinSSLAdapter):  # type: ignore[misc]  # cheroot is untyped
    """cheroot's TLS adapter, but the handshake is made on the connection's first read, in the
    worker thread (cheroot's own does it in the thread that accepts, one at a time)."""

    def wrap(self, sock: socket.socket) -> tuple[ssl.SSLSocket, dict[str, str]]:
        wrapped = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return wrapped, {"wsgi.url_scheme": "https", "HTTPS": "on"}


class _GatewayWithSocket(wsgi.Gateway_10):  # type: ignore[misc]
    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        environ["werkzeug.socket"] = self.req.conn.socket  # for the emulator's drop fault
        return environ


def _quiet(*args: Any, **kwargs: Any) -> None:
    pass


class KeepAliveServer:
    """``app`` served over HTTPS with keep-alive on 127.0.0.1 (a free port), in threads."""

    def __init__(self, app: Any, certificate: TestCertificate) -> None:
        self._server = wsgi.Server((LOOPBACK, 0), app, numthreads=SERVER_THREADS,
                                   request_queue_size=LISTEN_BACKLOG, timeout=IDLE_TIMEOUT_S,
                                   server_name="moodystream-bench")
        self._server.gateway = _GatewayWithSocket
        self._server.keep_alive_conn_limit = KEEP_ALIVE_LIMIT
        self._server.error_log = _quiet  # dropped connections are the point of some tests
        self._server.ssl_adapter = _HandshakeInWorker(certificate.server_file,
                                                      certificate.server_file)
        self._server.prepare()  # binds: the port is known from here on
        self.port: int = self._server.bind_addr[1]
        self._thread = threading.Thread(target=self._server.serve, name="keep-alive-server",
                                        daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"https://{LOOPBACK}:{self.port}"

    def stop(self) -> None:
        self._server.stop()
        self._thread.join(timeout=5)


class LatencyProxy:
    """Forwards 127.0.0.1:``port`` to ``upstream_port`` charging ``rtt_ms`` as the module says;
    ``connections`` counts the connections opened through it.  Runs its own event loop in a
    thread; ``rtt_ms`` may change between requests."""

    def __init__(self, upstream_port: int, rtt_ms: float = 0.0) -> None:
        self.upstream_port, self.rtt_ms, self.connections = upstream_port, rtt_ms, 0
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), name="latency-proxy",
                                        daemon=True)
        self._thread.start()
        started.wait()

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._connection, LOOPBACK, 0))
        self.port: int = self._server.sockets[0].getsockname()[1]
        started.set()
        self._loop.run_forever()

    @property
    def base_url(self) -> str:
        return f"https://{LOOPBACK}:{self.port}"

    async def _connection(self, client_in: asyncio.StreamReader,
                          client_out: asyncio.StreamWriter) -> None:
        self.connections += 1
        rtt = self.rtt_ms / 1000
        ready = self._loop.time() + rtt  # TCP's handshake: no data before one round trip
        try:
            server_in, server_out = await asyncio.open_connection(LOOPBACK, self.upstream_port)
        except OSError:
            client_out.close()
            return
        try:
            await asyncio.gather(self._pipe(client_in, server_out, rtt / 2, ready),
                                 self._pipe(server_in, client_out, rtt / 2, ready))
        finally:
            for writer in (server_out, client_out):
                writer.close()

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter,
                    one_way: float, ready: float) -> None:
        """Copy ``source`` to ``sink``, each chunk ``one_way`` seconds after it was read; at the
        end (either side closed), close ``sink`` as late."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                if (wait := due - self._loop.time()) > 0:
                    await asyncio.sleep(wait)
                if not data:
                    break
                sink.write(data)
                with contextlib.suppress(ConnectionError):
                    await sink.drain()
            sink.close()

        delivering = asyncio.create_task(deliver())
        with contextlib.suppress(ConnectionError, OSError):
            while data := await source.read(65536):
                queue.put_nowait((max(self._loop.time(), ready) + one_way, data))
        queue.put_nowait((max(self._loop.time(), ready) + one_way, b""))
        await delivering

    def stop(self) -> None:
        async def close() -> None:
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


class SpotifyNetwork:
    """``app`` over HTTPS with keep-alive behind a latency proxy: ``api_url`` goes through the
    proxy, ``direct_url`` does not (for the bench's own control calls)."""

    def __init__(self, app: Any, rtt_ms: float = 0.0) -> None:
        self.certificate = TestCertificate()
        self.server = KeepAliveServer(app, self.certificate)
        self.proxy = LatencyProxy(self.server.port, rtt_ms)

    @property
    def ca_file(self) -> str:
        return self.certificate.ca_file

    @property
    def base_url(self) -> str:
        return self.proxy.base_url

    @property
    def api_url(self) -> str:
        return f"{self.proxy.base_url}/v1/"

    @property
    def direct_url(self) -> str:
        return self.server.base_url

    def stop(self) -> None:
        self.proxy.stop()
        self.server.stop()
        self.certificate.cleanup()

    def __enter__(self) -> SpotifyNetwork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ProxyProcess:
    """A ``LatencyProxy`` in a process of its own (``python -m bench.network``)."""

    def __init__(self, upstream_port: int, rtt_ms: float) -> None:
        self.rtt_ms = rtt_ms
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.network", str(upstream_port), str(rtt_ms)],
            cwd=Path(__file__).resolve().parents[1], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        self.port = int(self._process.stdout.readline())

    @property
    def base_url(self) -> str:
        return f"https://{LOOPBACK}:{self.port}"

    @property
    def connections(self) -> int:
        """Connections opened through the proxy so far."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write("count\n")
        self._process.stdin.flush()
        return int(self._process.stdout.readline())

    def stop(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()


def serve_proxy(upstream_port: int, rtt_ms: float) -> None:
    proxy = LatencyProxy(upstream_port, rtt_ms)
    print(proxy.port, flush=True)
    for _line in sys.stdin:  # "count" until the bench closes our stdin
        print(proxy.connections, flush=True)
    proxy.stop()


if __name__ == "__main__":
    serve_proxy(int(sys.argv[1]), float(sys.argv[2]))
