"""The accounts service's data types, spotipy-free so that the views, the gateway factory and
the terminal command can hold them without loading spotipy (the music is ``playlists/music.py``)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Self

ApiMode = Literal["development", "extended"]


@dataclass(frozen=True)
class SpotifyApp:
    """A Spotify application: ``client_secret`` is ``""`` for a public client (PKCE only)."""
    client_id: str
    client_secret: str
    redirect_uri: str
    accounts_base_url: str = "https://accounts.spotify.com/"

    def url(self, path: str) -> str:
        return self.accounts_base_url.rstrip("/") + "/" + path.lstrip("/")


# The session keeps tokens under one-letter keys: the session cookie has a byte budget.
_COMPACT = {"a": "access_token", "r": "refresh_token", "e": "expires_at", "s": "scope"}


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: int
    scope: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {key: getattr(self, name) for key, name in _COMPACT.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        return cls(str(data["a"]), str(data["r"]), int(data["e"]), str(data.get("s", "")))
