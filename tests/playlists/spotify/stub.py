"""A tiny scripted HTTP server: each request takes the next canned answer for its path.

For transport tests that need answers the emulator does not give (non-JSON 403 bodies,
timeouts on a chosen request, exact sequences), without any network beyond loopback.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Answer:
    status: int = 200
    body: Any = field(default_factory=dict)  # dict/list → JSON; str → raw text
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering (after reading the request)


@dataclass
class Seen:
    method: str
    path: str
    query: str
    authorization: str
    body: bytes


class ScriptedSpotify:
    def __init__(self) -> None:
        self.answers: dict[str, deque[Answer]] = defaultdict(deque)
        self.default: dict[str, Answer] = {}
        self.seen: list[Seen] = []
        self.in_flight = self.max_in_flight = 0
        self._lock = threading.Lock()

    def script(self, path: str, *answers: Answer) -> None:
        self.answers[path].extend(answers)

    def count(self, path: str) -> int:
        return sum(s.path == path for s in self.seen)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        path = request.path.rstrip("/")  # spotipy asks for "me/", Spotify answers both
        with self._lock:
            self.seen.append(
                Seen(request.method, path, request.query_string.decode(),
                     request.headers.get("Authorization", ""), request.get_data())
            )
            queue = self.answers.get(path)
            answer = queue.popleft() if queue else self.default.get(path, Answer())
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return self._answer(answer, environ, start_response)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, answer: Answer, environ: dict, start_response: Any) -> Any:
        if answer.delay:
            time.sleep(answer.delay)
        if answer.drop:
            sock = environ.get("werkzeug.socket")
            assert isinstance(sock, socket.socket), "werkzeug no longer exposes the socket"
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            raise ConnectionAbortedError("dropped by the script")
        if isinstance(answer.body, str):
            body, ctype = answer.body, "text/html"
        else:
            body, ctype = json.dumps(answer.body), "application/json"
        return Response(body, answer.status, answer.headers, content_type=ctype)(
            environ, start_response
        )


@contextmanager
def scripted_spotify() -> Iterator[tuple[ScriptedSpotify, str]]:
    """The app and its API base URL (``http://127.0.0.1:PORT/v1/``)."""
    app = ScriptedSpotify()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}/v1/"
    finally:
        server.shutdown()
        thread.join(5)
