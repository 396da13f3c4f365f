"""Session engine: the whole session lives in an encrypted, authenticated cookie.

Django's ``signed_cookies`` engine only signs: anyone holding the cookie can base64-decode it
and read the Spotify refresh token inside. Here the serialised session is compressed and sealed
with Fernet (AES-128-CBC + HMAC-SHA256, with a timestamp), keyed through HKDF from the secret
key (``moodystream.credentials.secret_key()``: SECRET_KEY locally, the app secret in production),
so a copied cookie reveals nothing and a tampered one is rejected (the user starts a fresh,
empty session). Rotating SECRET_KEY with SECRET_KEY_FALLBACKS keeps existing sessions readable.
"""

from __future__ import annotations

import base64
import functools
import json
import zlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.sessions.backends.signed_cookies import SessionStore as SignedCookieStore

from moodystream import credentials

_KDF_INFO = b"moodystream.sessions.v1"


def _fernet_key(secret: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KDF_INFO).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


@functools.lru_cache(maxsize=4)
def _cipher(secret_key: str, fallbacks: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key)) for key in (secret_key, *fallbacks)])


def session_cipher() -> MultiFernet:
    """The cipher for the current SECRET_KEY (and its fallbacks), built once per key set."""
    return _cipher(credentials.secret_key(), tuple(settings.SECRET_KEY_FALLBACKS))


def seal(data: dict[str, Any]) -> str:
    payload = zlib.compress(json.dumps(data, separators=(",", ":")).encode(), level=9)
    return session_cipher().encrypt(payload).decode("ascii")


def unseal(token: str, *, max_age: int) -> dict[str, Any]:
    """Decrypt a sealed session; raise ``InvalidToken`` if tampered with, foreign or too old."""
    payload = session_cipher().decrypt(token.encode("ascii"), ttl=max_age)
    data = json.loads(zlib.decompress(payload))
    if not isinstance(data, dict):
        raise InvalidToken
    return data


class SessionStore(SignedCookieStore):
    """Cookie session store whose cookie is encrypted, not only signed."""

    def load(self) -> dict[str, Any]:
        try:
            return unseal(self.session_key or "", max_age=self.get_session_cookie_age())
        except (InvalidToken, ValueError, UnicodeError, zlib.error):
            # Tampered, expired, truncated or from another key: start again, empty.
            self.create()
            return {}

    def _get_session_key(self) -> str:
        # SessionBase._session is a property django-stubs does not declare.
        return seal(self._session)  # type: ignore[attr-defined]
