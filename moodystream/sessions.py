"""Session engine: the whole session lives in an encrypted, authenticated cookie.

Django's ``signed_cookies`` engine only signs: anyone holding the cookie can base64-decode it
and read the Spotify refresh token inside. Here the serialised session is compressed and sealed
with Fernet (AES-128-CBC + HMAC-SHA256, with a timestamp), keyed through HKDF from the secret
key (``moodystream.credentials.secret_key()``: SECRET_KEY locally, the app secret in production),
so a copied cookie reveals nothing and a tampered one is rejected (the user starts a fresh,
empty session). Rotating SECRET_KEY with SECRET_KEY_FALLBACKS keeps existing sessions readable.

Nothing is stored on the server, so sign-out cannot reach a copy of the cookie made before it.
What bounds a copy instead is sealed into the cookie and checked on every request:

* an **absolute lifetime** (``ABSOLUTE_LIFETIME_SECONDS``, 7 days) counted from the moment the
  session was created, which for a signed-in session is the sign-in (the app flushes the session
  then); it travels with the cookie as ``_born`` and is never renewed;
* an **idle limit** (``IDLE_LIMIT_SECONDS``, 24 hours): Fernet's own timestamp says when the
  cookie was last written, and a cookie older than that is refused. While the session is used,
  the cookie is re-sealed (same ``_born``) at most every ``RENEW_AFTER_SECONDS``.

A cookie whose content decrypts but has an unexpected structure (a key the app reads holding
the wrong kind of value) is treated as tampered with: a fresh, empty session. What each key
must hold is declared by its owner and named in ``settings.SESSION_SCHEMAS``
(:mod:`moodystream.session_schema`): this engine imports no app.
"""

from __future__ import annotations

import base64
import functools
import json
import time
import zlib
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.sessions.backends.signed_cookies import SessionStore as SignedCookieStore
from django.utils.module_loading import import_string

from moodystream import credentials
from moodystream.session_schema import SessionSchema, merged

_KDF_INFO = b"moodystream.sessions.v1"
#: What else is sealed like a session, each under a key of its own (HKDF's ``info``), so that
#: one kind of sealed value is never accepted as another (a page's draft as a session cookie).
DRAFT_PURPOSE = b"moodystream.draft.v1"

ABSOLUTE_LIFETIME_SECONDS = 7 * 24 * 3600
IDLE_LIMIT_SECONDS = 24 * 3600
#: A session in use gets a freshly sealed cookie (renewing the idle limit only) this often.
RENEW_AFTER_SECONDS = 15 * 60
#: The sealed key holding the session's creation time (epoch seconds).
BORN_KEY = "_born"
#: The most characters the cookie's value may take (it is ASCII: characters are bytes).
#: Browsers silently drop a cookie whose name, value and attributes pass 4,096 bytes; the name
#: and attributes take about 130. The generator refuses options that would not leave room
#: (see :func:`fits`); past it, what can be lost is dropped first.
MAX_COOKIE_CHARS = 3800
#: The latest ``_born`` a cookie can carry, for measuring the biggest cookie a session makes.
_LATEST_BORN = 2**31 - 1


def now() -> int:
    """The clock every session check uses (a seam for tests that travel in time)."""
    return int(time.time())


def _fernet_key(secret: str, info: bytes = _KDF_INFO) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


@functools.lru_cache(maxsize=8)
def _cipher(secret_key: str, fallbacks: tuple[str, ...], info: bytes = _KDF_INFO) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key, info)) for key in (secret_key, *fallbacks)])


def session_cipher(purpose: bytes = _KDF_INFO) -> MultiFernet:
    """The cipher for the current SECRET_KEY (and its fallbacks), built once per key set;
    ``purpose`` (e.g. ``DRAFT_PURPOSE``) derives another key from the same secret."""
    return _cipher(credentials.secret_key(), tuple(settings.SECRET_KEY_FALLBACKS), purpose)


def serialise(data: dict[str, Any]) -> bytes:
    """Compact JSON (UTF-8, not \\u escapes: CJK text costs 3 bytes, not 6), compressed."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return zlib.compress(text.encode(), level=9)


def seal(data: dict[str, Any], *, purpose: bytes = _KDF_INFO) -> str:
    return session_cipher(purpose).encrypt_at_time(serialise(data), now()).decode("ascii")


def unseal(token: str, *, max_age: int, purpose: bytes = _KDF_INFO) -> dict[str, Any]:
    """Decrypt a sealed session; raise ``InvalidToken`` if tampered with, foreign or too old."""
    payload = session_cipher(purpose).decrypt_at_time(token.encode("ascii"), max_age, now())
    data = json.loads(zlib.decompress(payload))
    if not isinstance(data, dict):
        raise InvalidToken
    return data


def fits(data: Mapping[str, Any]) -> bool:
    """Whether a session holding ``data`` is sealed into a cookie browsers keep (measured on
    the sealed cookie itself: bytes after compression and encryption, not characters)."""
    return len(seal({**data, BORN_KEY: _LATEST_BORN})) <= MAX_COOKIE_CHARS


@functools.lru_cache(maxsize=4)
def _schema(names: tuple[str, ...]) -> SessionSchema:
    return merged(import_string(name) for name in names)


def schema() -> SessionSchema:
    """Every owner's session keys, from ``settings.SESSION_SCHEMAS`` (imported on first use)."""
    return _schema(tuple(settings.SESSION_SCHEMAS))


def sealed_at(token: str) -> int:
    """When ``token`` was sealed (only call it on a token that ``unseal`` accepted)."""
    return session_cipher().extract_timestamp(token.encode("ascii"))


class SessionStore(SignedCookieStore):
    """Cookie session store whose cookie is encrypted, not only signed, and that expires."""

    _born: int | None = None

    def load(self) -> dict[str, Any]:
        token = self.session_key or ""
        try:
            data = unseal(token, max_age=IDLE_LIMIT_SECONDS)
            born = data.pop(BORN_KEY, None)
            if not isinstance(born, int) or not now() - ABSOLUTE_LIFETIME_SECONDS < born <= now():
                raise InvalidToken  # past the absolute lifetime (or no lifetime at all)
            if not schema().accepts(data):
                raise InvalidToken
        except (InvalidToken, ValueError, UnicodeError, zlib.error, TypeError):
            # Tampered, expired, truncated, odd inside or from another key: start again, empty.
            self._born = None
            self.create()
            return {}
        self._born = born
        if now() - sealed_at(token) >= RENEW_AFTER_SECONDS:
            self.modified = True  # in use: re-seal so the idle limit counts from now
        return data

    def clear(self) -> None:
        super().clear()
        self._born = None  # flush() (sign-in, sign-out) starts a new lifetime

    def get_expiry_age(self, **kwargs: Any) -> int:
        """The browser may keep the cookie only for what is left of its absolute lifetime."""
        if self._born is None:
            return ABSOLUTE_LIFETIME_SECONDS
        return max(0, self._born + ABSOLUTE_LIFETIME_SECONDS - now())

    def _get_session_key(self) -> str:
        if self._born is None:
            self._born = now()
        # SessionBase._session is a property django-stubs does not declare.
        data = {**self._session, BORN_KEY: self._born}  # type: ignore[attr-defined]
        sealed = seal(data)
        if len(sealed) > MAX_COOKIE_CHARS:
            # A pending sign-in or a message, rather than the browser dropping everything.
            disposable = schema().disposable
            sealed = seal({k: v for k, v in data.items() if k not in disposable})
        return sealed
