"""Deterministic identifiers in Spotify's formats (base62 ids, ISRC, UPC, image URLs).

Derived from a hash of (seed, kind, key) so the same seed always gives the same catalogue,
independent of generation order.
"""

from __future__ import annotations

import hashlib
import re

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE62_ID_RE = re.compile(r"^[0-9A-Za-z]{22}$")
URI_RE = re.compile(r"^spotify:(?P<type>[a-z]+):(?P<id>[0-9A-Za-z]+)$")


def _digest(seed: int, kind: str, key: str) -> bytes:
    return hashlib.blake2b(f"{seed}\x1f{kind}\x1f{key}".encode(), digest_size=20).digest()


_BASE62_TABLE = bytes(ord(BASE62[i % 62]) for i in range(256))


def base62_id(seed: int, kind: str, key: str) -> str:
    """A 22-character base62 id, like every Spotify catalogue id (byte-mapped: fast)."""
    digest = hashlib.blake2b(f"{seed}\x1f{kind}\x1f{key}".encode(), digest_size=22).digest()
    return digest.translate(_BASE62_TABLE).decode("ascii")


def hex_id(seed: int, kind: str, key: str, length: int = 24) -> str:
    return _digest(seed, kind, key).hex()[:length]


def isrc(seed: int, key: str, year: int) -> str:
    """An ISRC: country (QZ = reserved for testing-ish use), registrant, year, designation."""
    d = _digest(seed, "isrc", key)
    registrant = "".join(BASE62[10 + b % 26] for b in d[:3])
    designation = int.from_bytes(d[3:6], "big") % 100000
    return f"QZ{registrant}{year % 100:02d}{designation:05d}"


def upc(seed: int, key: str) -> str:
    """A 12-digit UPC with a valid check digit."""
    d = int.from_bytes(_digest(seed, "upc", key), "big")
    body = f"{d % 10**11:011d}"
    odd = sum(int(c) for c in body[0::2])
    even = sum(int(c) for c in body[1::2])
    check = (10 - (odd * 3 + even) % 10) % 10
    return body + str(check)


def is_base62_id(value: str) -> bool:
    return bool(BASE62_ID_RE.match(value))


def parse_uri(uri: str) -> tuple[str, str] | None:
    """Split ``spotify:type:id`` into (type, id), or None when it is not such a URI."""
    m = URI_RE.match(uri.strip())
    if not m:
        return None
    return m.group("type"), m.group("id")
