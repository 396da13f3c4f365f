"""Signing in from a terminal: the browser comes back to a one-shot server on 127.0.0.1.

Spotify accepts plain-HTTP redirect URIs only for loopback literals (``http://127.0.0.1:PORT``),
so the command listens there for exactly one ``/callback``, checks ``state`` and trades the code
(PKCE) for tokens through ``accounts.py``.  ``demo_sign_in`` does the same against the emulator
without a browser, approving the consent page as a demo user.
"""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, parse_qsl, urlsplit

import requests

from .accounts import (
    SpotifyApp,
    TokenSet,
    build_authorize_url,
    exchange_code,
    new_pkce_pair,
    new_state,
)
from .errors import SpotifyAuthError, SpotifyUnavailable

PAGE = (
    b"<!doctype html><meta charset=utf-8><title>MoodyStream</title>"
    b"<p>Signed in. You can close this tab and go back to the terminal.</p>"
)


class LoopbackCallback:
    """Listens on the redirect URI's host and port for one request to its path."""

    def __init__(self, redirect_uri: str) -> None:
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "::1"):
            raise ValueError("the redirect URI must be http://127.0.0.1:PORT/... (loopback)")
        self.path = parts.path or "/"
        self.params: dict[str, str] | None = None
        self._done = threading.Event()
        callback = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path.rstrip("/") != callback.path.rstrip("/"):
                    self.send_error(404)
                    return
                callback.params = {k: v[0] for k, v in parse_qs(url.query).items()}
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(PAGE)
                callback._done.set()

            def log_message(self, *args: object) -> None:  # the code is a secret: no logs
                pass

        self._server = HTTPServer((parts.hostname, parts.port or 80), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackCallback:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, timeout: float) -> dict[str, str]:
        if not self._done.wait(timeout):
            raise SpotifyAuthError("no answer from the browser in time")
        assert self.params is not None
        return self.params


def sign_in_with_browser(
    app: SpotifyApp,
    scopes: tuple[str, ...] | list[str],
    *,
    open_browser: Callable[[str], object] = webbrowser.open,
    echo: Callable[[str], object] = print,
    timeout: float = 300.0,
) -> TokenSet:
    """Authorization code + PKCE through the user's browser and a loopback redirect."""
    pkce, state = new_pkce_pair(), new_state()
    url = build_authorize_url(app, state=state, code_challenge=pkce.challenge, scopes=scopes)
    with LoopbackCallback(app.redirect_uri) as callback:
        echo(f"Sign in to Spotify in your browser (or open this address):\n  {url}")
        open_browser(url)
        params = callback.wait(timeout)
    return _tokens_from_redirect(app, params, state, pkce.verifier)


def demo_sign_in(
    app: SpotifyApp, scopes: tuple[str, ...] | list[str], user_id: str
) -> TokenSet:
    """The same flow against the emulator, pressing "Agree" on its consent page as ``user_id``."""
    pkce, state = new_pkce_pair(), new_state()
    url = build_authorize_url(app, state=state, code_challenge=pkce.challenge, scopes=scopes)
    form = dict(parse_qsl(urlsplit(url).query), user_id=user_id, decision="approve")
    try:
        answer = requests.post(app.url("authorize"), data=form, allow_redirects=False, timeout=10)
    except requests.RequestException as exc:
        raise SpotifyUnavailable("the demo emulator did not answer") from exc
    location = answer.headers.get("Location", "")
    if not location:
        raise SpotifyAuthError(f"the demo consent page refused: HTTP {answer.status_code}")
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    return _tokens_from_redirect(app, params, state, pkce.verifier)


def _tokens_from_redirect(
    app: SpotifyApp, params: dict[str, str], state: str, verifier: str
) -> TokenSet:
    if params.get("state") != state:
        raise SpotifyAuthError("the sign-in answer does not match this request (state)")
    if "error" in params:
        raise SpotifyAuthError(f"Spotify sign-in did not complete: {params['error']}")
    if "code" not in params:
        raise SpotifyAuthError("the sign-in answer has no code")
    return exchange_code(app, params["code"], verifier)
