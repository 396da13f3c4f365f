"""Terminal sign-in: browser → emulator consent → loopback redirect → tokens (PKCE, state)."""

from __future__ import annotations

import socket

import pytest
import requests

from accounts.terminal_sign_in import demo_sign_in, sign_in_with_browser
from playlists.spotify.errors import SpotifyAuthError
from playlists.spotify.types import SpotifyApp
from spotify_emulator import DEMO_CLIENT, USER_TYPICAL
from spotify_emulator.testing import approve_consent
from tests.playlists.spotify.emulator_support import SCOPES


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_app(emulator, port: int) -> SpotifyApp:
    # The demo client accepts any loopback port for http://127.0.0.1/callback/.
    return SpotifyApp(DEMO_CLIENT.client_id, DEMO_CLIENT.client_secret,
                      f"http://127.0.0.1:{port}/callback/", emulator.base_url)


def browser(decision: str = "approve"):
    """A stand-in browser: agree (or cancel) on the consent page, follow the redirect."""

    def open_url(url: str) -> None:
        location = approve_consent(url, USER_TYPICAL, decision=decision)
        assert location.startswith("http://127.0.0.1:")
        assert requests.get(location, timeout=5).status_code == 200

    return open_url


def test_browser_sign_in_through_the_loopback_redirect(emulator) -> None:
    messages: list[str] = []
    tokens = sign_in_with_browser(
        demo_app(emulator, free_port()), SCOPES, open_browser=browser(), echo=messages.append
    )
    assert tokens.access_token and tokens.refresh_token
    assert "/authorize?" in messages[0]
    token = emulator.app.tokens.lookup(tokens.access_token)
    assert token is not None and token.user_id == USER_TYPICAL


def test_refused_consent_is_an_auth_error(emulator) -> None:
    with pytest.raises(SpotifyAuthError, match="access_denied"):
        sign_in_with_browser(demo_app(emulator, free_port()), SCOPES,
                             open_browser=browser("deny"), echo=lambda m: None)


def test_no_answer_times_out(emulator) -> None:
    with pytest.raises(SpotifyAuthError, match="in time"):
        sign_in_with_browser(demo_app(emulator, free_port()), SCOPES,
                             open_browser=lambda url: None, echo=lambda m: None, timeout=0.2)


@pytest.mark.parametrize(
    "redirect_uri", ["http://localhost:8888/callback", "https://example.com/callback"]
)
def test_only_loopback_redirects_are_served(redirect_uri: str) -> None:
    app = SpotifyApp(DEMO_CLIENT.client_id, DEMO_CLIENT.client_secret, redirect_uri)
    with pytest.raises(ValueError, match="loopback"):
        sign_in_with_browser(app, SCOPES, open_browser=lambda url: None, echo=lambda m: None)


def test_a_stray_request_does_not_end_the_sign_in(emulator) -> None:
    """A browser may ask the loopback server for something else (a favicon) first."""
    port = free_port()

    def open_url(url: str) -> None:
        assert requests.get(f"http://127.0.0.1:{port}/favicon.ico", timeout=5).ok
        browser()(url)

    tokens = sign_in_with_browser(demo_app(emulator, port), SCOPES, open_browser=open_url,
                                  echo=lambda m: None)
    assert emulator.app.tokens.lookup(tokens.access_token) is not None


def test_demo_sign_in_approves_as_a_demo_user(emulator) -> None:
    tokens = demo_sign_in(demo_app(emulator, 8888), SCOPES, "maya")
    assert emulator.app.tokens.lookup(tokens.access_token).user_id == "maya"
    with pytest.raises(SpotifyAuthError):
        demo_sign_in(demo_app(emulator, 8888), SCOPES, "nobody")


@pytest.mark.parametrize(
    "stray",
    ["/callback?error=access_denied", "/callback?code=forged&state=guessed",
     "/callback?error=access_denied&state=guessed", "/callback?code=forged"],
)
def test_an_answer_without_this_sign_ins_state_is_ignored(emulator, stray: str) -> None:
    """Anyone on this machine can reach the loopback port: without our state, not the answer."""
    port = free_port()

    def open_url(url: str) -> None:
        assert requests.get(f"http://127.0.0.1:{port}{stray}", timeout=5).text.endswith(
            "Not here.")
        browser()(url)

    tokens = sign_in_with_browser(demo_app(emulator, port), SCOPES, open_browser=open_url,
                                  echo=lambda m: None)
    assert emulator.app.tokens.lookup(tokens.access_token) is not None


def test_waiting_is_bounded_by_the_time_out_whatever_strays_arrive(emulator) -> None:
    port = free_port()

    def strays(url: str) -> None:
        for _ in range(3):
            requests.get(f"http://127.0.0.1:{port}/callback?error=access_denied", timeout=5)

    with pytest.raises(SpotifyAuthError, match="in time"):
        sign_in_with_browser(demo_app(emulator, port), SCOPES, open_browser=strays,
                             echo=lambda m: None, timeout=0.5)
