"""``generate_playlist --client-id``: the listener's own app from a terminal, as a public client
over the loopback redirect, against the emulator (no operator credentials at all)."""

from __future__ import annotations

import secrets
import socket
from io import StringIO

import pytest
import requests
from django.core.management import CommandError, call_command

from playlists.management.commands import generate_playlist
from spotify_emulator import USER_ECLECTIC, USER_TYPICAL, ClientApp
from spotify_emulator.testing import approve_consent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def no_operator(spotify_settings):
    spotify_settings.SPOTIFY_CLIENT_ID = ""
    spotify_settings.SPOTIFY_CLIENT_SECRET = ""
    return spotify_settings


@pytest.fixture
def browser(monkeypatch):
    """Stands in for the listener's browser: agree on the consent page as ``user``."""
    seen: dict[str, str] = {"user": USER_ECLECTIC}

    def open_url(url: str) -> None:
        seen["url"] = url
        location = approve_consent(url, seen["user"])
        assert requests.get(location, timeout=5).status_code == 200  # the loopback server

    monkeypatch.setattr(generate_playlist, "_open_browser", open_url)
    return seen


def own_app(emulator, redirect_uri: str, owner: str = USER_ECLECTIC) -> str:
    client_id = secrets.token_hex(16)
    emulator.app.register_client(ClientApp(client_id, secrets.token_hex(16), [redirect_uri],
                                           allowed_users=(), owner=owner, name="Terminal"))
    return client_id


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("generate_playlist", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_default_redirect_is_the_loopback_literal() -> None:
    assert generate_playlist.LOOPBACK_REDIRECT == "http://127.0.0.1:8888/callback"


def test_signs_in_with_the_client_id_only_and_saves(no_operator, emulator, browser) -> None:
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    client_id = own_app(emulator, redirect_uri)
    out, err = run("--client-id", client_id.upper(), "--redirect-uri", redirect_uri,
                   "--seed", "3", "--length", "12", "--name", "From my terminal")
    assert f"client_id={client_id}" in browser["url"]
    assert "Saved “From my terminal” (12 tracks" in out
    grants = list(emulator.app.tokens.refresh_grants.values())
    assert [(g.client_id, g.user_id, g.public_client) for g in grants] == [
        (client_id, USER_ECLECTIC, True)]
    assert f"Client ID …{client_id[-6:]}" in err


def test_an_account_that_may_not_use_the_app(no_operator, emulator, browser) -> None:
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    client_id = own_app(emulator, redirect_uri)
    browser["user"] = USER_TYPICAL
    with pytest.raises(CommandError, match="neither your app's owner nor one of its users"):
        run("--client-id", client_id, "--redirect-uri", redirect_uri, "--dry-run")


@pytest.mark.parametrize("bad", ["xyz", "0" * 31])
def test_a_malformed_client_id_is_refused_before_any_browser(no_operator, bad: str) -> None:
    with pytest.raises(CommandError, match="--client-id: "):
        run("--client-id", bad, "--dry-run")
