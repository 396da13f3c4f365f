"""Signing in from a terminal: the browser comes back to a one-shot server on 127.0.0.1.

Spotify accepts plain-HTTP redirect URIs only for loopback literals (``http://127.0.0.1:PORT``).
spotipy's ``start_local_http_server`` listens there and reads ``code``, ``state`` or ``error``
from the redirect; our handler only swaps spotipy's page (inline script and style) for a plain
one.  ``demo_sign_in`` does the same against the emulator without a browser, approving the
consent page as a demo user.
"""

from __future__ import annotations

import threading
import time
import webbrowser
from collections.abc import Callable, Sequence
from urllib.parse import parse_qs, parse_qsl, urlsplit

import requests
from spotipy.oauth2 import RequestHandler, start_local_http_server

from .accounts import SpotifyApp, TokenSet, exchange_code, start_sign_in
from .errors import SpotifyAuthError, SpotifyUnavailable

PAGE = "<!doctype html><meta charset=utf-8><title>MoodyStream</title><p>{}</p>"


class _Handler(RequestHandler):  # type: ignore[misc]  # spotipy is untyped
    def _write(self, text: str) -> int:
        done = self.server.auth_code or self.server.error
        message = "Signed in. You can close this tab and go back to the terminal." if done else (
            "Nothing to see here.")
        written: int = self.wfile.write(PAGE.format(message).encode())
        return written


def sign_in_with_browser(
    app: SpotifyApp,
    scopes: Sequence[str],
    *,
    open_browser: Callable[[str], object] = webbrowser.open,
    echo: Callable[[str], object] = print,
    timeout: float = 300.0,
) -> TokenSet:
    """Authorization code + PKCE through the user's browser and a loopback redirect."""
    parts = urlsplit(app.redirect_uri)
    if parts.scheme != "http" or parts.hostname != "127.0.0.1" or not parts.port:
        raise ValueError("the redirect URI must be http://127.0.0.1:PORT/... (loopback)")
    request = start_sign_in(app, scopes)
    server = start_local_http_server(parts.port, handler=_Handler)
    try:
        echo(f"Sign in to Spotify in your browser (or open this address):\n  {request.url}")
        # A thread of its own: the server must be listening before the browser comes back.
        threading.Thread(target=open_browser, args=(request.url,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while server.auth_code is None and server.error is None:  # skip stray requests
            server.timeout = deadline - time.monotonic()
            if server.timeout <= 0:
                raise SpotifyAuthError("no answer from the browser in time")
            server.handle_request()
        params = {"state": getattr(server, "state", None) or "", "code": server.auth_code or ""}
        if server.error is not None:
            params["error"] = str(server.error)
    finally:
        server.server_close()
    return _tokens_from_redirect(app, params, request.state, request.code_verifier)


def demo_sign_in(app: SpotifyApp, scopes: Sequence[str], user_id: str) -> TokenSet:
    """The same flow against the emulator, pressing "Agree" on its consent page as ``user_id``."""
    request = start_sign_in(app, scopes)
    form = dict(parse_qsl(urlsplit(request.url).query), user_id=user_id, decision="approve")
    try:
        answer = requests.post(app.url("authorize"), data=form, allow_redirects=False, timeout=10)
    except requests.RequestException as exc:
        raise SpotifyUnavailable("the demo emulator did not answer") from exc
    location = answer.headers.get("Location", "")
    if not location:
        raise SpotifyAuthError(f"the demo consent page refused: HTTP {answer.status_code}")
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    return _tokens_from_redirect(app, params, request.state, request.code_verifier)


def _tokens_from_redirect(
    app: SpotifyApp, params: dict[str, str], state: str, verifier: str
) -> TokenSet:
    if "error" in params:
        raise SpotifyAuthError(f"Spotify sign-in did not complete: {params['error']}")
    if params.get("state") != state:
        raise SpotifyAuthError("the sign-in answer does not match this request (state)")
    if not params.get("code"):
        raise SpotifyAuthError("the sign-in answer has no code")
    return exchange_code(app, params["code"], verifier)
