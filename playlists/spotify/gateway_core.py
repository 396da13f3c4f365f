"""The gateway's machinery: one session, the call policy, concurrency, memo and cache, paging.

``SpotifyGateway`` (``gateway.py``) adds the endpoints on top; this module knows no endpoint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Self, TypeVar, cast

import requests
import spotipy
from requests.adapters import HTTPAdapter

from .cache import CATALOGUE_CACHE, TTLCache, cache_enabled_by_default
from .concurrency import LayeredPool, Memo
from .models import ApiMode
from .transport import ResponseTap, Transport

T = TypeVar("T")
R = TypeVar("R")

DEV_PAGE_LIMIT = 10  # /search and /artists/{id}/albums in Development Mode
PAGE_LIMIT = 50  # everything else that pages by offset


class GatewayCore:
    """Everything a Spotify gateway needs except the endpoints themselves."""

    def __init__(
        self,
        access_token: str,
        *,
        api_base_url: str,
        refresh_access_token: Callable[[], str] | None = None,
        max_workers: int = 8,
        request_timeout: float = 10.0,
        max_wait_for_rate_limit: float = 5.0,
        max_retries: int = 3,
        api_mode: ApiMode = "development",
        rate_limit_budget: float | None = None,
        use_catalogue_cache: bool | None = None,
        catalogue_cache: TTLCache = CATALOGUE_CACHE,
        market: str | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if api_mode not in ("development", "extended"):
            raise ValueError(f"api_mode must be 'development' or 'extended', not {api_mode!r}")
        self.api_base_url = api_base_url.rstrip("/") + "/"
        self.api_mode: ApiMode = api_mode
        self.max_workers = max_workers
        self.request_timeout = request_timeout
        self.market = market
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max_workers, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        tap = ResponseTap()
        self._session.hooks["response"].append(tap.hook)
        client = spotipy.Spotify(
            auth=access_token,
            requests_session=self._session,
            requests_timeout=request_timeout,
            retries=0,
            status_retries=0,
        )
        client.prefix = self.api_base_url
        self._sp = client
        extra: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        if clock is not None:  # tests: a virtual clock that ``sleep`` advances
            extra["clock"] = clock
        self._transport = Transport(
            client,
            tap,
            access_token=access_token,
            refresh_access_token=refresh_access_token,
            max_retries=max_retries,
            max_in_flight=max_workers,
            max_wait_for_rate_limit=max_wait_for_rate_limit,
            rate_limit_budget=(
                rate_limit_budget if rate_limit_budget is not None
                else max(10.0, 2 * max_wait_for_rate_limit)
            ),
            **extra,
        )
        self._pool = LayeredPool(max_workers)
        self._memo = Memo()
        if use_catalogue_cache is None:
            use_catalogue_cache = cache_enabled_by_default()
        self._cache = catalogue_cache if use_catalogue_cache else None
        self._extended_lock = threading.Lock()
        self._extended_refused: set[str] = set()

    # -- lifecycle and bookkeeping -------------------------------------------------------
    def close(self) -> None:
        """Release threads and connections; look-ups still running give up at once."""
        self._transport.closed = True
        self._pool.close()
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def request_count(self) -> int:
        """HTTP requests sent by this gateway (retries included)."""
        return self._transport.request_count

    @property
    def token_refresh_count(self) -> int:
        return self._transport.refresh_count

    @property
    def supports_popularity(self) -> bool:
        """Extended Quota mode: popularity, artist top tracks and batch look-ups."""
        return self.api_mode == "extended"

    # -- concurrency ----------------------------------------------------------------------
    def gather(self, *thunks: Callable[[], T]) -> list[T]:
        """Run independent look-ups concurrently; results in order, first error raised."""
        return self._pool.gather(thunks)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        return self._pool.map(fn, items)

    # -- plumbing -------------------------------------------------------------------------
    def _call(
        self,
        op: str,
        request: Callable[[spotipy.Spotify], Any],
        parse: Callable[[Any], T] = lambda raw: raw,
        **policy: bool,
    ) -> T:
        return self._transport.call(op, request, parse, **policy)

    def _get(self, op: str, path: str, parse: Callable[[Any], T], **params: Any) -> T:
        params = {k: v for k, v in params.items() if v is not None}
        return self._call(op, lambda sp: sp._get(path, **params), parse)

    def _memoised(self, key: Hashable, compute: Callable[[], T], *, public: bool = False) -> T:
        """Once per gateway; public catalogue data also goes through the process cache.

        Lists come back as copies: the memoised (and cached) one is shared.
        """
        if public and self._cache is not None:
            cache, cache_key = self._cache, (self.api_base_url, self.api_mode, key)

            def compute_cached() -> T:
                hit = cache.get(cache_key)
                if hit is not None:
                    return cast(T, hit)
                value = compute()
                cache.set(cache_key, value)
                return value

            value = self._memo.get(key, compute_cached)
        else:
            value = self._memo.get(key, compute)
        return list(value) if isinstance(value, list) else value  # type: ignore[return-value]

    def _offset_pages(
        self,
        op: str,
        path: str,
        parse_items: Callable[[Sequence[Any]], list[T]],
        *,
        limit: int,
        max_items: int | None = None,
        first_page: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> list[T]:
        """All items of an offset-paged list: page one, then the rest concurrently."""

        def fetch(offset: int) -> dict[str, Any]:
            def get() -> dict[str, Any]:
                return self._get(op, path, _page, limit=limit, offset=offset, **params)

            # One by one, so that a later, longer read reuses the pages already fetched.
            return self._memo.get(("page", path, tuple(sorted(params.items())), limit, offset), get)

        first = first_page if first_page is not None else fetch(0)
        raw_items = first.get("items") or ()
        items = parse_items(raw_items)
        total = int(first.get("total") or 0)
        if max_items is not None:
            total = min(total, max_items)
        # Step by what Spotify actually returned, in case it clamps ``limit``.
        step = len(raw_items)
        if step:
            for page in self.map(fetch, range(step, total, step)):
                items.extend(parse_items(page.get("items") or ()))
        return items[:max_items] if max_items is not None else items

    def _extended(self, feature: str) -> bool:
        with self._extended_lock:
            return self.api_mode == "extended" and feature not in self._extended_refused

    def _refused(self, feature: str) -> None:
        with self._extended_lock:
            self._extended_refused.add(feature)

    def _write(
        self,
        op: str,
        request: Callable[[spotipy.Spotify], Any],
        parse: Callable[[Any], T] = lambda raw: raw,
        **policy: bool,
    ) -> T:
        """A playlist write: afterwards the memoised playlist pages are stale."""
        try:
            return self._call(op, request, parse, **policy)
        finally:
            self._memo.forget(lambda key: isinstance(key, tuple) and key[0] == "playlists")


def _page(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("items", []), list):
        raise TypeError("not a paging object")
    return raw


def chunks[T](items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
