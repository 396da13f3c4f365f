"""Configuration objects: the emulator's knobs and the client apps it knows.

Kept free of any runtime state so that a config can be shared, compared and reused
to build several independent emulator instances.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

Mode = Literal["development", "extended"]
MODES: tuple[str, ...] = ("development", "extended")
#: Where image URLs point: Spotify's CDN (i.scdn.co, as the real API answers) or the
#: emulator's own ``/image/`` and ``/mosaic/`` routes (the demo: works offline).
ImageHost = Literal["spotify", "emulator"]
IMAGE_HOSTS: tuple[str, ...] = ("spotify", "emulator")

#: Spotify allows at most this many allow-listed users per Development Mode app.
MAX_DEV_MODE_USERS = 5

LOOPBACK_HOSTS = ("127.0.0.1", "::1")

#: Default search noise (sd in popularity points): enough that covers and karaoke sometimes
#: outrank an original, as on Spotify, while an artist's first page stays their best songs.
DEFAULT_SEARCH_NOISE = 8.0


def is_insecure_redirect_uri(uri: str) -> bool:
    """Plain HTTP to anything but a loopback literal (``localhost`` included): Spotify's
    "INVALID_CLIENT: Insecure redirect URI"."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme == "http" and (host == "localhost" or host not in LOOPBACK_HOSTS)


def check_redirect_uri_allowed(uri: str) -> str | None:
    """Return why Spotify would refuse ``uri`` as a redirect URI, or None if it is fine.

    Spotify (since 2025) accepts HTTPS URIs and plain-HTTP loopback *literals* only;
    ``localhost`` is refused outright.
    """
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "malformed redirect URI"
    if not parts.scheme or not host:
        return "malformed redirect URI"
    if host == "localhost":
        return "localhost is not allowed as a redirect URI; use 127.0.0.1 or [::1]"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        return None
    if parts.scheme == "http":
        return "insecure redirect URI: plain http is only allowed for loopback literals"
    return None  # custom schemes (mobile apps) are allowed by Spotify


@dataclass(frozen=True)
class ClientApp:
    """A registered app as on the Spotify developer dashboard.

    ``allowed_users=None`` means the emulator's default allow-list (five demo users);
    it only matters in development mode. ``allow_any_loopback_port`` makes a registered
    ``http://127.0.0.1/path`` (no port) match any port, RFC 8252 section 7.3 style, for
    demo servers whose port varies.

    ``owner`` is the developer account that registered the app (a demo user id for apps made
    on the demo dashboard). Since July 2026 Spotify counts rate limits and quota per developer
    account, so every app of one owner shares one budget; an app with no owner stands for a
    developer account of its own. A demo-user owner is automatically one of the app's users
    and, in development mode, needs Premium for the app to be served at all.
    """

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...] | list[str] = ()
    allowed_users: tuple[str, ...] | list[str] | None = None
    allow_any_loopback_port: bool = False
    name: str = "MoodyStream"
    owner: str | None = None

    @property
    def developer_account(self) -> str:
        """Whose rate limit and quota this app's requests spend."""
        return self.owner or f"client:{self.client_id}"

    def __post_init__(self) -> None:
        object.__setattr__(self, "redirect_uris", tuple(self.redirect_uris))
        if self.allowed_users is not None:
            object.__setattr__(self, "allowed_users", tuple(self.allowed_users))
        for uri in self.redirect_uris:
            problem = check_redirect_uri_allowed(uri)
            if problem:
                raise ValueError(f"redirect URI {uri!r} cannot be registered: {problem}")


DEMO_CLIENT = ClientApp(
    client_id="moodystream-demo",
    client_secret="moodystream-demo-secret",  # noqa: S106 - public demo value
    redirect_uris=["http://127.0.0.1/callback/", "http://127.0.0.1:8888/callback"],
    allow_any_loopback_port=True,
    name="MoodyStream (demo)",
)


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that shapes an emulator instance; see the package docstring."""

    mode: Mode = "development"
    seed: int = 42
    access_token_ttl: int = 3600
    #: Requests allowed per developer account in any rolling 30-second window; None = unlimited.
    rate_limit_per_30s: int | None = None
    #: Fixed added latency, or a (min, max) range jittered with the seeded RNG.
    latency_ms: int | tuple[int, int] = 0
    #: Fault rules active from the start (and after every reset); each a dict with the
    #: fields of ``FaultInjector.add``, e.g. {"pattern": "/v1/search", "status": 503,
    #: "probability": 0.1}.
    fault_rules: tuple[dict, ...] | list[dict] = ()
    enable_control_api: bool = True
    clients: tuple[ClientApp, ...] | list[ClientApp] = (DEMO_CLIENT,)
    #: Spotify's refresh responses usually carry no new refresh token; True rotates them.
    rotate_refresh_tokens: bool = False
    authorization_code_ttl: int = 600
    refresh_token_lifetime: int = 183 * 24 * 3600  # about 6 months after the consent
    #: Start with every developer account in "quota exceeded" state (429, QUOTA_EXCEEDED).
    quota_exceeded: bool = False
    quota_retry_after: int = 4 * 3600
    #: "Today" for release dates of the newest albums (``tag:new``); None = the clock's date.
    catalogue_date: dt.date | None = None
    #: Serve this catalogue file (see :mod:`spotify_emulator.catalogue.catalogue_file`) with
    #: its users instead of the synthetic catalogue generated from ``seed``.
    catalogue_file: str | Path | None = None
    #: Search ranks by hidden popularity plus a fixed per-track Gaussian offset with this
    #: standard deviation (popularity points): popularity-led but noisy, like Spotify's.
    search_noise: float = DEFAULT_SEARCH_NOISE
    #: Re-raise unexpected handler exceptions instead of answering 500 (in-process tests).
    raise_errors: bool = False
    #: "spotify": Spotify-shaped CDN URLs; "emulator": the emulator's own generated covers.
    image_host: ImageHost = "spotify"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.image_host not in IMAGE_HOSTS:
            raise ValueError(f"image_host must be one of {IMAGE_HOSTS}, not {self.image_host!r}")
        object.__setattr__(self, "clients", tuple(self.clients))
        ids = [c.client_id for c in self.clients]
        if len(set(ids)) != len(ids):
            raise ValueError("client ids must be unique")
        for client in self.clients:
            if client.allowed_users is not None and len(client.allowed_users) > MAX_DEV_MODE_USERS:
                raise ValueError(
                    f"client {client.client_id!r}: Development Mode apps allow at most "
                    f"{MAX_DEV_MODE_USERS} users"
                )
        object.__setattr__(self, "fault_rules", tuple(dict(r) for r in self.fault_rules))
        if self.search_noise < 0:
            raise ValueError("search_noise is a standard deviation: it cannot be negative")
        if isinstance(self.latency_ms, list):
            object.__setattr__(self, "latency_ms", tuple(self.latency_ms))

    def replace(self, **changes: object) -> EmulatorConfig:
        """A copy with some fields changed (``dataclasses.replace`` spelled as a method)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


__all__ = [
    "DEFAULT_SEARCH_NOISE",
    "DEMO_CLIENT",
    "IMAGE_HOSTS",
    "MAX_DEV_MODE_USERS",
    "MODES",
    "ClientApp",
    "EmulatorConfig",
    "ImageHost",
    "Mode",
    "check_redirect_uri_allowed",
    "is_insecure_redirect_uri",
]
