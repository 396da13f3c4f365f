"""Serving the emulator over real HTTP: in a background thread (tests) or in the foreground.

Uses Werkzeug's threaded development server; good for loopback tests and demos only.
"""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Response

from spotify_emulator.app import EmulatorApp


class QuietRequestHandler(WSGIRequestHandler):
    """No per-request access log lines (tests run thousands of requests)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        pass


def mount(app: EmulatorApp, prefix: str) -> Any:
    """Wrap ``app`` so it lives under ``prefix`` (like the Django demo mount)."""
    prefix = "/" + prefix.strip("/")
    return DispatcherMiddleware(Response("Not found", status=404), {prefix: app})


class EmulatorServer:
    """A running server: ``base_url`` (no trailing slash), ``app``, ``stop()``."""

    def __init__(self, app: EmulatorApp, server: BaseWSGIServer, prefix: str = "") -> None:
        self.app = app
        self._server = server
        host, port = server.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        self.base_url = f"http://{host}:{port}{prefix}"
        self.api_url = f"{self.base_url}/v1/"
        self.authorize_url = f"{self.base_url}/authorize"
        self.token_url = f"{self.base_url}/api/token"
        self._thread: threading.Thread | None = None

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="spotify-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_in_thread(app: EmulatorApp, host: str = "127.0.0.1", port: int = 0,
                    prefix: str = "", quiet: bool = True) -> EmulatorServer:
    """Start a threaded server in a daemon thread; ``port=0`` picks a free port."""
    wsgi = mount(app, prefix) if prefix else app
    handler = QuietRequestHandler if quiet else WSGIRequestHandler
    server = make_server(host, port, wsgi, threaded=True, request_handler=handler)
    return EmulatorServer(app, server, "/" + prefix.strip("/") if prefix else "").start()
