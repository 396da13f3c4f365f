"""Signing in from a terminal (``generate_playlist``): the browser comes back to a one-shot
server on 127.0.0.1.  The terminal's side of the sign-in: talking to Spotify is left to
``spotify/accounts.py``.

Spotify takes plain-HTTP redirect URIs only for loopback literals (``http://127.0.0.1:PORT``).
spotipy's ``start_local_http_server`` listens there; our handler reads ``code``/``state``/``error``
and serves a plain page (spotipy's has inline script and style).  Anyone on this machine can
reach that port, so only an answer carrying this sign-in's ``state`` ends the wait; anything
else is ignored, up to ``MAX_REQUESTS`` requests and the time-out.
``demo_sign_in`` approves the emulator's consent page as a demo user, without a browser.
"""

from __future__ import annotations

import threading
import time
import webbrowser
from collections.abc import Callable, Sequence
from urllib.parse import parse_qs, parse_qsl, urlsplit

import requests
from spotipy.oauth2 import RequestHandler, start_local_http_server

from playlists.spotify.accounts import SignInRequest, exchange_code, start_sign_in
from playlists.spotify.errors import SpotifyAuthError, SpotifyUnavailable
from playlists.spotify.types import SpotifyApp, TokenSet

#: Requests the one-shot server answers before giving up (the time-out bounds it too).
MAX_REQUESTS = 50


class _Handler(RequestHandler):  # type: ignore[misc]  # spotipy is untyped
    def do_GET(self) -> None:
        """Read ``code``, ``state`` and ``error`` (spotipy's own reading drops the state of an
        ``error`` answer, which we need to tell a refusal from a stray request)."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        self.server.state = query.get("state")
        self.server.auth_code = query.get("code")
        self.server.error = query.get("error")
        done = _answered(self.server)
        message = "Signed in. You can close this tab and go back to the terminal."
        page = f"<!doctype html><title>MoodyStream</title><p>{message if done else 'Not here.'}"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(page.encode())


def sign_in_with_browser(app: SpotifyApp, scopes: Sequence[str], *,
                         open_browser: Callable[[str], object] = webbrowser.open,
                         echo: Callable[[str], object] = print,
                         timeout: float = 300.0) -> TokenSet:
    """Authorization code + PKCE through the user's browser and a loopback redirect."""
    parts = urlsplit(app.redirect_uri)
    if parts.scheme != "http" or parts.hostname != "127.0.0.1" or not parts.port:
        raise ValueError("the redirect URI must be http://127.0.0.1:PORT/... (loopback)")
    request = start_sign_in(app, scopes)
    server = start_local_http_server(parts.port, handler=_Handler)
    server.expected_state = request.state
    try:
        echo(f"Sign in to Spotify in your browser (or open this address):\n  {request.url}")
        # On a thread of its own: the server must be listening when the browser comes back.
        threading.Thread(target=open_browser, args=(request.url,), daemon=True).start()
        deadline = time.monotonic() + timeout
        for _ in range(MAX_REQUESTS):
            server.timeout = deadline - time.monotonic()
            if server.timeout <= 0:
                break
            server.handle_request()
            if _answered(server):
                break
            # A favicon, or anyone else on this machine without our state: not the answer.
            server.auth_code = server.error = server.state = None
        else:
            raise SpotifyAuthError("too many requests that were not the sign-in's answer")
        if not _answered(server):
            raise SpotifyAuthError("no answer from the browser in time")
    finally:
        server.server_close()
    params = {"state": getattr(server, "state", None) or "", "code": server.auth_code or ""}
    return _tokens(app, params | ({"error": str(server.error)} if server.error else {}), request)


def _answered(server: object) -> bool:
    """The browser came back with this sign-in's ``state`` and a code or an error."""
    state = getattr(server, "state", None)
    answer = getattr(server, "auth_code", None) or getattr(server, "error", None)
    return bool(answer) and state is not None and state == getattr(server, "expected_state", "")


def demo_sign_in(app: SpotifyApp, scopes: Sequence[str], user_id: str) -> TokenSet:
    """The same flow against the emulator, pressing "Agree" on its consent page as ``user_id``."""
    request = start_sign_in(app, scopes)
    form = dict(parse_qsl(urlsplit(request.url).query), user_id=user_id, decision="approve")
    try:
        answer = requests.post(app.url("authorize"), data=form, allow_redirects=False, timeout=10)
    except requests.RequestException as exc:
        raise SpotifyUnavailable("the demo emulator did not answer") from exc
    if not (location := answer.headers.get("Location", "")):
        raise SpotifyAuthError(f"the demo consent page refused: HTTP {answer.status_code}")
    return _tokens(app, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}, request)


def _tokens(app: SpotifyApp, params: dict[str, str], request: SignInRequest) -> TokenSet:
    if "error" in params:
        raise SpotifyAuthError(f"Spotify sign-in did not complete: {params['error']}")
    if params.get("state") != request.state:
        raise SpotifyAuthError("the sign-in answer does not match this request (state)")
    if not params.get("code"):
        raise SpotifyAuthError("the sign-in answer has no code")
    return exchange_code(app, params["code"], request.code_verifier)
