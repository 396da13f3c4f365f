"""The one accessor for the app's credentials: the Spotify app and Django's secret key.

Where they come from is decided once, from settings (which only read the environment):

* with ``SPOTIFY_SECRET_NAME`` set (production, outside demo mode): from that AWS Secrets
  Manager secret, read on first use and cached for the container (:mod:`moodystream.aws_secrets`),
  never copied into ``django.conf.settings``;
* otherwise: from the settings read from the environment (or demo mode's built-in client).

While the secret cannot be read, :func:`unavailable` says why, and
``moodystream.middleware.ServiceUnavailableMiddleware`` answers with the 503 page; the accessors
below raise :class:`~moodystream.aws_secrets.SecretUnavailable` (a request never gets that far).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.conf import settings

from moodystream.aws_secrets import CachedAppSecret, SecretUnavailable
from moodystream.config_rules import credentials_from_secret

__all__ = [
    "SecretUnavailable",
    "SpotifyAppCredentials",
    "forget_secret",
    "secret_key",
    "spotify_app_credentials",
    "unavailable",
    "uses_secret",
]


@dataclass(frozen=True)
class SpotifyAppCredentials:
    """The operator's Spotify app. An empty ``redirect_uri`` means: this site's /callback/."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str


_lock = threading.Lock()
_secret: CachedAppSecret | None = None


def uses_secret() -> bool:
    """Whether the credentials come from Secrets Manager (else from settings): the rule the
    settings applied, ``moodystream.config_rules.credentials_from_secret``."""
    return credentials_from_secret(
        is_production=settings.IS_PRODUCTION,
        secret_name=settings.SPOTIFY_SECRET_NAME,
        demo_mode=settings.DEMO_MODE,
    )


def _secret_values() -> dict[str, str]:
    if not settings.SPOTIFY_SECRET_NAME:
        raise SecretUnavailable("SPOTIFY_SECRET_NAME is not set")
    return _cached_secret().values()


def _cached_secret() -> CachedAppSecret:
    global _secret
    with _lock:
        if _secret is None or (_secret.name, _secret.region) != (
            settings.SPOTIFY_SECRET_NAME,
            settings.SPOTIFY_SECRET_REGION,
        ):
            _secret = CachedAppSecret(settings.SPOTIFY_SECRET_NAME, settings.SPOTIFY_SECRET_REGION)
        return _secret


def forget_secret() -> None:
    """Drop the cached secret and its failures (for tests; a new container starts empty)."""
    global _secret
    with _lock:
        _secret = None


def unavailable() -> SecretUnavailable | None:
    """Why the credentials cannot be had right now, or None when they can.

    The first call reads the secret (if there is one); later calls cost a dictionary lookup,
    except for a retry after a transient failure, at most every 30 s.
    """
    if not uses_secret():
        return None
    try:
        _secret_values()
    except SecretUnavailable as exc:
        return exc
    return None


def spotify_app_credentials() -> SpotifyAppCredentials:
    """The Spotify app's client id, client secret and registered redirect URI."""
    if uses_secret():
        values = _secret_values()
        return SpotifyAppCredentials(
            client_id=values["SPOTIFY_CLIENT_ID"],
            client_secret=values["SPOTIFY_CLIENT_SECRET"],
            redirect_uri=values["SPOTIFY_REDIRECT_URI"],
        )
    return SpotifyAppCredentials(
        client_id=settings.SPOTIFY_CLIENT_ID,
        client_secret=settings.SPOTIFY_CLIENT_SECRET,
        redirect_uri=settings.SPOTIFY_REDIRECT_URI,
    )


def secret_key() -> str:
    """Django's secret key (session encryption, signing)."""
    if uses_secret():
        return _secret_values()["DJANGO_SECRET_KEY"]
    return str(settings.SECRET_KEY)
