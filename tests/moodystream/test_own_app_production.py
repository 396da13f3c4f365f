"""A production deployment with no Spotify credentials of its own: own-app sign-in only.

Its secret in Secrets Manager (moto here) holds only the Django key. The app reads it on the
first request as production does, offers "Use your own Spotify app" and nothing else, and a
listener signs in with their own app (the emulator stands in for Spotify) and generates.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import boto3
import pytest
import requests
from django.test import Client
from moto import mock_aws

from accounts.session import SESSION_OWN_CLIENT_ID
from accounts.sign_in_modes import sign_in_modes
from moodystream import aws_secrets, credentials
from moodystream.aws_secrets import SecretUnavailable, fetch_app_secret
from spotify_emulator import USER_ECLECTIC, ClientApp
from spotify_emulator.testing import approve_consent
from tests.conftest import local_path
from tests.moodystream.test_settings import PRODUCTION, load_settings  # noqa: F401 - fixture
from tests.playlists.views.test_generator import make_preview

NAME = "moodystream/spotify"
REGION = "eu-west-1"
DJANGO_KEY_ONLY = {"DJANGO_SECRET_KEY": "django-key-" + "q" * 50}
HOST = "127.0.0.1:8000"


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    for variable in list(os.environ):
        if variable.startswith("AWS_"):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    credentials.forget_secret()
    yield
    credentials.forget_secret()


@pytest.fixture
def no_spotify_credentials(settings, spotify_settings):
    """As production has it, with a secret that names no Spotify app."""
    settings.SPOTIFY_SECRET_NAME = NAME
    settings.SPOTIFY_SECRET_REGION = REGION
    settings.SPOTIFY_CLIENT_ID = settings.SPOTIFY_CLIENT_SECRET = ""
    settings.SPOTIFY_REDIRECT_URI = ""
    settings.SPOTIFY_SIGN_IN_MODES = ()  # the default
    return settings


def create_secret(values: dict[str, str]) -> None:
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=NAME, SecretString=json.dumps(values)
    )


def test_production_settings_load_without_spotify_credentials(load_settings) -> None:  # noqa: F811
    values = load_settings(**PRODUCTION, SPOTIFY_SECRET_NAME=NAME)
    assert values["SPOTIFY_CLIENT_ID"] == "" and values["SPOTIFY_SIGN_IN_MODES"] == ()
    with pytest.raises(Exception, match="SPOTIFY_SIGN_IN_MODES"):
        load_settings(**PRODUCTION, SPOTIFY_SECRET_NAME=NAME, SPOTIFY_SIGN_IN_MODES="everyone")


@mock_aws
def test_a_secret_with_only_the_django_key_is_complete() -> None:
    create_secret(DJANGO_KEY_ONLY)
    values = fetch_app_secret(NAME, REGION)
    assert values["DJANGO_SECRET_KEY"] == DJANGO_KEY_ONLY["DJANGO_SECRET_KEY"]
    assert values["SPOTIFY_CLIENT_ID"] == values["SPOTIFY_CLIENT_SECRET"] == ""


@mock_aws
def test_half_an_operator_app_is_still_refused() -> None:
    create_secret({**DJANGO_KEY_ONLY, "SPOTIFY_CLIENT_ID": "abc"})
    with pytest.raises(SecretUnavailable,
                       match=r"missing key\(s\): SPOTIFY_CLIENT_SECRET, SPOTIFY_REDIRECT_URI$"):
        fetch_app_secret(NAME, REGION)
    assert aws_secrets.SPOTIFY_APP_KEYS == (
        "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI")


@mock_aws
def test_serves_the_own_app_path_end_to_end(no_spotify_credentials, emulator) -> None:
    create_secret(DJANGO_KEY_ONLY)
    client = Client(HTTP_HOST=HOST)

    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    assert 'href="/connect/own-app/"' in html and 'id="connect"' not in html
    assert sign_in_modes() == ("own-app",)
    assert client.get("/login/")["Location"] == "/connect/own-app/"

    client_id = secrets.token_hex(16)
    callback = f"http://{HOST}/connect/own-app/callback/"
    emulator.app.register_client(ClientApp(client_id, secrets.token_hex(16), [callback],
                                           allowed_users=(), owner=USER_ECLECTIC))
    started = client.post("/connect/own-app/", {"client_id": client_id})
    assert started.status_code == 302
    location = approve_consent(started["Location"], USER_ECLECTIC,
                               http_session=requests.Session())
    assert client.get(local_path(location))["Location"] == "/generate/"
    assert client.session[SESSION_OWN_CLIENT_ID] == client_id
    assert make_preview(client).status_code == 200
    # The session was sealed with the key from the secret.
    assert credentials.secret_key() == DJANGO_KEY_ONLY["DJANGO_SECRET_KEY"]
