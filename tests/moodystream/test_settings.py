"""Settings decide demo mode, admin and cookie security in one place; production is strict.

Each case imports the settings afresh in a subprocess, with a clean environment, exactly as a
new process (or Lambda container) would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.urls import resolve, Resolver404
try:
    resolve('/admin/')
    admin_routed = True
except Resolver404:
    admin_routed = False
print(json.dumps({
    'demo': settings.DEMO_MODE,
    'admin_app': 'django.contrib.admin' in settings.INSTALLED_APPS,
    'admin_routed': admin_routed,
    'secure_cookies': settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE,
    'debug': settings.DEBUG,
    'databases': list(settings.DATABASES),
    'api': settings.SPOTIFY_API_BASE_URL,
    'session_engine': settings.SESSION_ENGINE,
}))
"""


def run_settings(**env: str) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SPOTIPY_", "SPOTIFY_", "DJANGO_", "DEMO_", "ENABLE_", "DEBUG"))
    }
    base.update(MOODYSTREAM_IGNORE_DOTENV="1", DJANGO_SETTINGS_MODULE="moodystream.settings")
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT_ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(**env: str) -> dict[str, object]:
    result = run_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


REAL_CREDENTIALS = {
    "SPOTIPY_CLIENT_ID": "abc",
    "SPOTIPY_CLIENT_SECRET": "def",
    "SPOTIPY_REDIRECT_URI": "http://127.0.0.1:8000/callback/",
    "DJANGO_SECRET_KEY": "k" * 50,
}


def test_without_credentials_it_is_the_demo_with_no_database() -> None:
    values = settings_with()
    assert values["demo"] is True
    assert values["api"] == ""  # the in-process emulator
    assert values["databases"] == []
    assert values["admin_routed"] is False
    assert values["session_engine"] == "moodystream.sessions"


def test_with_credentials_it_talks_to_real_spotify() -> None:
    values = settings_with(**REAL_CREDENTIALS)
    assert values["demo"] is False
    assert values["api"] == "https://api.spotify.com/v1/"


def test_secret_key_is_required_outside_debug_and_demo() -> None:
    credentials = {k: v for k, v in REAL_CREDENTIALS.items() if k != "DJANGO_SECRET_KEY"}
    result = run_settings(**credentials)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_admin_is_off_unless_asked_for_locally() -> None:
    assert settings_with(ENABLE_ADMIN="true")["admin_routed"] is True


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEMO_MODE": "true"}, "Demo mode cannot be switched on in production"),
        ({"ENABLE_ADMIN": "true"}, "admin is never enabled in production"),
        ({"DEBUG": "true"}, "DEBUG must be off in production"),
    ],
)
def test_production_refuses_unsafe_switches(env: dict[str, str], message: str) -> None:
    result = run_settings(DJANGO_ENV="production", ALLOWED_HOSTS="example.org", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_is_never_demo_and_cookies_are_secure() -> None:
    values = settings_with(
        DJANGO_ENV="production", ALLOWED_HOSTS="example.org", **REAL_CREDENTIALS
    )
    assert values["demo"] is False
    assert values["secure_cookies"] is True
    assert values["debug"] is False
    assert values["admin_routed"] is False


@pytest.mark.parametrize("debug", ["1", "0"])
def test_real_spotify_never_runs_on_the_public_demo_key(debug: str) -> None:
    credentials = {k: v for k, v in REAL_CREDENTIALS.items() if k != "DJANGO_SECRET_KEY"}
    result = run_settings(DEBUG=debug, **credentials)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required with real Spotify credentials" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr  # says how to make one


def test_runserver_with_real_credentials_and_no_key_refuses_to_serve() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SPOTIPY_", "SPOTIFY_", "DJANGO_", "DEMO_", "ENABLE_", "DEBUG"))
    }
    credentials = {k: v for k, v in REAL_CREDENTIALS.items() if k != "DJANGO_SECRET_KEY"}
    env.update(MOODYSTREAM_IGNORE_DOTENV="1", DEBUG="1", **credentials)
    result = subprocess.run(
        [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:0"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr
