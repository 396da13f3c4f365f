"""One emulator instance's parts and the knobs tests turn, without the HTTP routing.

:class:`spotify_emulator.app.EmulatorApp` adds the routing; the control API
(:mod:`spotify_emulator.control`) turns the same knobs over HTTP, so it takes an
:class:`Emulator` and the app module imports it, not the other way round.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable

from spotify_emulator.accounts.clients import ClientApps
from spotify_emulator.accounts.tokens import TokenStore
from spotify_emulator.catalogue.catalogue_file import load_catalogue_file
from spotify_emulator.catalogue.generation import build_catalogue
from spotify_emulator.catalogue.search import SearchEngine
from spotify_emulator.clock import Clock
from spotify_emulator.config import ClientApp, EmulatorConfig, Mode
from spotify_emulator.faults import FaultInjector
from spotify_emulator.ratelimit import RateLimiter
from spotify_emulator.requestlog import RequestLog
from spotify_emulator.state import EmulatorState


class Emulator:
    """Attributes: ``config``, ``clock``, ``catalogue``, ``state``, ``tokens``, ``apps``
    (client apps and the mode), ``faults``, ``rate_limiter``, ``request_log``, ``errors``
    (unexpected exceptions, for test teardown).
    """

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.clock = Clock()
        if self.config.catalogue_file is not None:
            loaded = load_catalogue_file(self.config.catalogue_file)
            self.catalogue, user_base = loaded.catalogue, loaded.user_base
        else:
            today = self.config.catalogue_date or dt.date.today()
            self.catalogue, user_base = build_catalogue(self.config.seed, today), None
        self.state = EmulatorState(self.catalogue, self.clock, user_base)
        self.tokens = TokenStore(self.config, self.clock)
        self.apps = ClientApps(self.config.clients, self.config.mode)
        self.faults = FaultInjector(self.config.seed, self.config.latency_ms,
                                    self.config.fault_rules)
        self.rate_limiter = RateLimiter(self.clock, self.config.rate_limit_per_30s,
                                        self.config.quota_exceeded,
                                        self.config.quota_retry_after)
        self.request_log = RequestLog()
        self.errors: list[str] = []
        self._search_engine: SearchEngine | None = None
        self._lock = threading.RLock()

    # -- knobs for tests ----------------------------------------------------------------
    @property
    def mode(self) -> Mode:
        return self.apps.mode

    @property
    def clients(self) -> dict[str, ClientApp]:
        """The registered client apps by Client ID."""
        return self.apps.by_id

    def client(self, client_id: str) -> ClientApp | None:
        return self.apps.get(client_id)

    def register_client(self, client: ClientApp) -> None:
        """Add (or replace) a client app at run time."""
        self.apps.register(client)

    def set_mode(self, mode: Mode) -> None:
        self.apps.set_mode(mode)

    def allowed_users(self, client: ClientApp) -> tuple[str, ...]:
        """Who may use ``client`` in development mode: its list, and its owner automatically."""
        listed = (self.state.default_allow_list if client.allowed_users is None
                  else tuple(client.allowed_users))
        if client.owner in self.state.users and client.owner not in listed:
            return (client.owner, *listed)
        return listed

    def owner_lacks_premium(self, client: ClientApp) -> bool:
        """Development Mode apps are served only while their owner has Premium (Feb 2026)."""
        owner = self.state.users.get(client.owner or "")
        return owner is not None and owner.product != "premium"

    def issue_token(self, user_id: str, scopes: Iterable[str] = (),
                    client_id: str | None = None) -> dict:
        """Token response for ``user_id`` as if they had consented (skips the browser)."""
        if user_id not in self.state.users:
            raise KeyError(f"unknown demo user {user_id!r}")
        cid = client_id or next(iter(self.clients))
        if cid not in self.clients:
            raise KeyError(f"unknown client {cid!r}")
        return self.tokens.issue_tokens(cid, user_id, tuple(scopes))

    def search_engine(self) -> SearchEngine:
        """One engine (and so one index) per emulator, built on the first search to keep
        start-up fast: the catalogue never changes after start-up."""
        if self._search_engine is None:
            with self._lock:
                if self._search_engine is None:
                    self._search_engine = SearchEngine(self.catalogue, self.config.search_noise)
        return self._search_engine

    def reset(self) -> None:
        """Back to the initial state: data, tokens, faults, limits, log, clock and mode."""
        with self._lock:
            self.state.reset()
            self.tokens.reset()
            self.faults.reset()
            self.rate_limiter.reset()
            self.request_log.clear()
            self.clock.reset()
            self.errors.clear()
            self.apps.reset()
