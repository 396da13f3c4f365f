"""Settings decide demo mode, admin and cookie security in one place, reading only the environment.

Settings do no I/O and install nothing, so each case evaluates ``moodystream/settings.py`` afresh
in this process (``runpy``) with a clean environment, as a new process or Lambda container would.
Only the admin's URL routing needs a new process (Django's app registry is set up once).
"""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

from moodystream import aws_secrets

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = PROJECT_ROOT / "moodystream" / "settings.py"
CALLER_PREFIXES = ("SPOTIPY_", "SPOTIFY_", "DJANGO_", "MOODYSTREAM_", "AWS_")
OLD_SWITCHES = (
    "DEBUG",
    "DEMO_MODE",
    "ENABLE_ADMIN",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "STATIC_URL",
    "SECURE_COOKIES",
    "LOG_LEVEL",
)

REAL_CREDENTIALS = {
    "SPOTIFY_CLIENT_ID": "abc",
    "SPOTIFY_CLIENT_SECRET": "def",
    "SPOTIFY_REDIRECT_URI": "http://127.0.0.1:8000/callback/",
    "DJANGO_SECRET_KEY": "k" * 50,
}
OLD_CREDENTIALS = {
    "SPOTIPY_CLIENT_ID": "abc",
    "SPOTIPY_CLIENT_SECRET": "def",
    "SPOTIPY_REDIRECT_URI": "http://127.0.0.1:8000/callback/",
    "DJANGO_SECRET_KEY": "k" * 50,
}
PRODUCTION = {"DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "example.org"}


@pytest.fixture
def load_settings(monkeypatch: pytest.MonkeyPatch):
    """Evaluate the settings module with exactly these variables (and no .env)."""

    def _load(**variables: str) -> dict[str, Any]:
        for name in list(os.environ):
            if name.startswith(CALLER_PREFIXES) or name in OLD_SWITCHES:
                monkeypatch.delenv(name)
        monkeypatch.setenv("MOODYSTREAM_IGNORE_DOTENV", "1")
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE), run_name="settings_under_test")

    return _load


def test_without_credentials_it_is_the_demo_with_no_database(load_settings) -> None:
    values = load_settings()
    assert values["DEMO_MODE"] is True
    assert values["SPOTIFY_API_BASE_URL"] == ""  # the in-process emulator
    assert values["DATABASES"] == {}
    assert "django.contrib.admin" not in values["INSTALLED_APPS"]
    assert values["SESSION_ENGINE"] == "moodystream.sessions"


def test_with_credentials_it_talks_to_real_spotify(load_settings) -> None:
    values = load_settings(**REAL_CREDENTIALS)
    assert values["DEMO_MODE"] is False
    assert values["SPOTIFY_API_BASE_URL"] == "https://api.spotify.com/v1/"
    assert values["SPOTIFY_CLIENT_ID"] == "abc"
    assert values["SPOTIFY_CLIENT_SECRET"] == "def"
    assert values["SECRET_KEY"] == "k" * 50


def test_old_variable_names_are_still_read(load_settings) -> None:
    values = load_settings(
        **OLD_CREDENTIALS,
        DEBUG="true",
        ALLOWED_HOSTS="old.example",
        CSRF_TRUSTED_ORIGINS="https://old.example",
        STATIC_URL="/old-static/",
        SECURE_COOKIES="true",
        LOG_LEVEL="WARNING",
        ENABLE_ADMIN="true",
    )
    assert values["SPOTIFY_CLIENT_ID"] == "abc"
    assert values["SPOTIFY_CLIENT_SECRET"] == "def"
    assert values["SPOTIFY_REDIRECT_URI"] == "http://127.0.0.1:8000/callback/"
    assert values["DEBUG"] is True
    assert values["ALLOWED_HOSTS"] == ["old.example"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://old.example"]
    assert values["STATIC_URL"] == "/old-static/"
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["LOGGING"]["root"]["level"] == "WARNING"
    assert values["ENABLE_ADMIN"] is True
    assert load_settings(DEMO_MODE="false", **REAL_CREDENTIALS)["DEMO_MODE"] is False


def test_the_new_name_wins_over_the_old_one(load_settings) -> None:
    values = load_settings(
        **REAL_CREDENTIALS,
        SPOTIPY_CLIENT_ID="old-id",
        DEBUG="true",
        DJANGO_DEBUG="false",
        ALLOWED_HOSTS="old.example",
        DJANGO_ALLOWED_HOSTS="new.example",
    )
    assert values["SPOTIFY_CLIENT_ID"] == "abc"
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["new.example"]


def test_every_old_name_is_documented(load_settings) -> None:
    """The README's configuration table and .env.example name both spellings."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    example = (PROJECT_ROOT / ".env.example").read_text()
    values = load_settings()
    for new, old in values["OLD_NAMES"].items():
        assert f"`{new}`" in readme, new
        assert f"`{old}`" in readme, old
    for name in ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI"):
        assert f"\n{name}=" in example


def test_secret_key_is_required_outside_debug_and_demo(load_settings) -> None:
    credentials = {k: v for k, v in REAL_CREDENTIALS.items() if k != "DJANGO_SECRET_KEY"}
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is required"):
        load_settings(**credentials)


def test_admin_is_off_unless_asked_for_locally(load_settings) -> None:
    values = load_settings(DJANGO_ENABLE_ADMIN="true")
    assert "django.contrib.admin" in values["INSTALLED_APPS"]
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_admin_is_routed_when_enabled() -> None:
    """URL routing is decided when the URLconf is imported: a fresh process sees it."""
    probe = (
        "import django, json; django.setup(); from django.urls import resolve; "
        "print(json.dumps(resolve('/admin/').app_name))"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(CALLER_PREFIXES) and k not in OLD_SWITCHES
    }
    env.update(
        MOODYSTREAM_IGNORE_DOTENV="1",
        DJANGO_SETTINGS_MODULE="moodystream.settings",
        DJANGO_ENABLE_ADMIN="true",
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == "admin"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"MOODYSTREAM_DEMO_MODE": "true"}, "Demo mode cannot be switched on in production"),
        ({"DEMO_MODE": "true"}, "Demo mode cannot be switched on in production"),
        ({"DJANGO_ENABLE_ADMIN": "true"}, "admin is never enabled in production"),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off in production"),
        ({"DEBUG": "true"}, "DJANGO_DEBUG must be off in production"),
    ],
)
def test_production_refuses_unsafe_switches(
    load_settings, variables: dict[str, str], message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(**PRODUCTION, **variables)


def test_production_is_never_demo_and_cookies_are_secure(load_settings) -> None:
    values = load_settings(**PRODUCTION, SPOTIFY_SECRET_NAME="moodystream/spotify")
    assert values["DEMO_MODE"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["DEBUG"] is False
    assert "django.contrib.admin" not in values["INSTALLED_APPS"]
    assert values["SECURE_SSL_REDIRECT"] is True


def test_production_reads_no_secret_while_settings_load(
    load_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The secret is read on first use, never at import; credentials never sit in settings."""

    def no_read(name: str, region: str) -> dict[str, str]:
        raise AssertionError("settings must not read the secret")

    monkeypatch.setattr(aws_secrets, "fetch_app_secret", no_read)
    values = load_settings(
        **PRODUCTION,
        **REAL_CREDENTIALS,  # ignored in production: the secret holds them
        SPOTIFY_SECRET_NAME="moodystream/spotify",
        SPOTIFY_SECRET_REGION="eu-west-1",
    )

    assert values["SPOTIFY_SECRET_NAME"] == "moodystream/spotify"
    assert values["SPOTIFY_CLIENT_ID"] == values["SPOTIFY_CLIENT_SECRET"] == ""
    assert isinstance(values["SECRET_KEY"], Promise)  # resolved by moodystream.credentials
    assert "moodystream.log_redaction.RedactSecretsFilter" in json.dumps(values["LOGGING"])


def test_a_secret_name_locally_means_credentials_from_the_secret(load_settings) -> None:
    values = load_settings(SPOTIFY_SECRET_NAME="moodystream/spotify-dev", **REAL_CREDENTIALS)
    assert values["DEMO_MODE"] is False
    assert values["SPOTIFY_CLIENT_ID"] == ""
    assert isinstance(values["SECRET_KEY"], Promise)


@pytest.mark.parametrize("debug", ["1", "0"])
def test_real_spotify_never_runs_on_the_public_demo_key(load_settings, debug: str) -> None:
    credentials = {k: v for k, v in REAL_CREDENTIALS.items() if k != "DJANGO_SECRET_KEY"}
    with pytest.raises(ImproperlyConfigured) as refused:
        load_settings(DJANGO_DEBUG=debug, **credentials)
    assert "DJANGO_SECRET_KEY is required with real Spotify credentials" in str(refused.value)
    assert "secrets.token_urlsafe" in str(refused.value)  # says how to make one


def test_runserver_with_real_credentials_and_no_key_refuses_to_serve() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(CALLER_PREFIXES) and key not in OLD_SWITCHES
    }
    credentials = {k: v for k, v in REAL_CREDENTIALS.items() if k != "DJANGO_SECRET_KEY"}
    env.update(MOODYSTREAM_IGNORE_DOTENV="1", DJANGO_DEBUG="1", **credentials)
    result = subprocess.run(
        [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:0"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required with real Spotify credentials" in result.stderr


def test_the_mounted_emulators_control_api_is_off_unless_asked_for(load_settings) -> None:
    assert load_settings()["DEMO_EMULATOR_CONTROL_API"] is False
    on = {"MOODYSTREAM_DEMO_EMULATOR_CONTROL_API": "1"}
    assert load_settings(**on)["DEMO_EMULATOR_CONTROL_API"] is True
    assert load_settings(**on, **REAL_CREDENTIALS)["DEMO_EMULATOR_CONTROL_API"] is False


def test_listeners_budgets_can_be_switched_off_in_demo_mode_only(load_settings) -> None:
    assert load_settings()["DEMO_WITHOUT_BUDGETS"] is False
    off = {"MOODYSTREAM_DEMO_WITHOUT_BUDGETS": "1"}
    assert load_settings(**off)["DEMO_WITHOUT_BUDGETS"] is True
    assert load_settings(**off, **REAL_CREDENTIALS)["DEMO_WITHOUT_BUDGETS"] is False


@pytest.mark.parametrize(
    "variable", ["SPOTIFY_API_BASE_URL", "SPOTIFY_ACCOUNTS_BASE_URL"]
)
def test_the_public_demo_key_is_refused_when_spotify_is_not_on_this_machine(
    load_settings, variable: str
) -> None:
    """Demo mode with real Spotify's addresses would seal real tokens with a public key."""
    real = {"SPOTIFY_API_BASE_URL": "https://api.spotify.com/v1/",
            "SPOTIFY_ACCOUNTS_BASE_URL": "https://accounts.spotify.com/"}[variable]
    with pytest.raises(ImproperlyConfigured, match="needs DJANGO_SECRET_KEY"):
        load_settings(**{variable: real})
    assert load_settings(**{variable: real}, DJANGO_SECRET_KEY="k" * 50)["SECRET_KEY"] == "k" * 50


@pytest.mark.parametrize(
    "url", ["", "http://127.0.0.1:8765/v1/", "http://[::1]:8765/", "http://localhost:9/"]
)
def test_the_demo_key_still_serves_an_emulator_on_this_machine(load_settings, url: str) -> None:
    values = load_settings(SPOTIFY_API_BASE_URL=url, SPOTIFY_ACCOUNTS_BASE_URL=url)
    assert values["DEMO_MODE"] is True
    assert values["SECRET_KEY"].startswith("django-insecure-moodystream-local-demo-key")


def test_the_shared_state_is_dynamodb_in_production_and_in_process_locally(
    load_settings,
) -> None:
    local = load_settings()
    assert local["MOODYSTREAM_STATE_BACKEND"] == "memory"
    production = load_settings(**PRODUCTION, SPOTIFY_SECRET_NAME="s",
                               MOODYSTREAM_STATE_TABLE="moodystream-prod-state")
    assert production["MOODYSTREAM_STATE_BACKEND"] == "dynamodb"
    assert production["MOODYSTREAM_STATE_TABLE"] == "moodystream-prod-state"
    with pytest.raises(ImproperlyConfigured, match="MOODYSTREAM_STATE_BACKEND"):
        load_settings(MOODYSTREAM_STATE_BACKEND="redis")
