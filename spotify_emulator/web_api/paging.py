"""Spotify's paging objects (offset- and cursor-based) with absolute emulator URLs.

``next``/``previous`` keep the request's other query parameters, so following them repeats
the same query, exactly as on api.spotify.com.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from spotify_emulator.responses import ApiError


def parse_limit(args: Mapping[str, str], default: int, maximum: int) -> int:
    raw = args.get("limit")
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ApiError(400, "Invalid limit")
    return int(raw)


def parse_offset(args: Mapping[str, str], maximum: int | None = None) -> int:
    raw = args.get("offset")
    if raw is None or raw == "":
        return 0
    if not raw.isdigit() or (maximum is not None and int(raw) > maximum):
        raise ApiError(400, "Invalid offset")
    return int(raw)


def page_url(url: str, extra: Sequence[tuple[str, str]], **params: Any) -> str:
    """``url`` with ``params`` first (Spotify puts offset/limit first) then ``extra``."""
    pairs = [(k, str(v)) for k, v in params.items() if v is not None]
    keys = set(params)
    pairs += [(k, v) for k, v in extra if k not in keys]
    return f"{url}?{urlencode(pairs)}"


def offset_page[T](items: Sequence[T], offset: int, limit: int, url: str,
                   serialize: Callable[[T], Any], extra: Sequence[tuple[str, str]] = (),
                   total: int | None = None) -> dict:
    """A PagingObject over ``items`` (the full list)."""
    total = len(items) if total is None else total
    window = items[offset: offset + limit]
    nxt = page_url(url, extra, offset=offset + limit, limit=limit) \
        if offset + limit < total else None
    prev = page_url(url, extra, offset=max(0, offset - limit), limit=limit) if offset > 0 else None
    return {
        "href": page_url(url, extra, offset=offset, limit=limit),
        "items": [serialize(i) for i in window],
        "limit": limit,
        "next": nxt,
        "offset": offset,
        "previous": prev,
        "total": total,
    }


def cursor_page(ids: Sequence[str], after: str | None, limit: int, url: str,
                serialize: Callable[[str], Any], extra: Sequence[tuple[str, str]] = ()) -> dict:
    """A CursorPagingObject over ``ids`` sorted ascending; ``after`` is the last id seen.

    On the last page ``next`` and ``cursors.after`` are null, as Spotify sends them.
    """
    ordered = sorted(ids)
    start = 0
    if after:
        start = next((i for i, v in enumerate(ordered) if v > after), len(ordered))
    window = ordered[start: start + limit]
    more = start + limit < len(ordered)
    last = window[-1] if window and more else None
    return {
        "href": page_url(url, extra, after=after, limit=limit),
        "items": [serialize(i) for i in window],
        "limit": limit,
        "next": page_url(url, extra, after=last, limit=limit) if last else None,
        "cursors": {"after": last},
        "total": len(ordered),
    }
