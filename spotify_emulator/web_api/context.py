"""Per-request context handed to Web API handlers: who is calling, from where, in which mode."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request

from spotify_emulator.accounts.tokens import AccessToken
from spotify_emulator.catalogue.model import Catalogue
from spotify_emulator.catalogue.search import SearchEngine
from spotify_emulator.catalogue.users import DemoUser
from spotify_emulator.clock import Clock
from spotify_emulator.config import ClientApp, ImageHost
from spotify_emulator.ids import is_base62_id
from spotify_emulator.responses import ApiError
from spotify_emulator.sites.images import ImageUrls
from spotify_emulator.state import EmulatorState

#: Spotify's words for a malformed id (400) and for a well-formed one it does not know (404).
INVALID_ID = "invalid id"
NON_EXISTING_ID = "non existing id"


@dataclass(frozen=True)
class ApiServices:
    """What the Web API handlers read and change, the same for every request."""

    catalogue: Catalogue
    state: EmulatorState
    clock: Clock
    image_host: ImageHost
    #: The search engine, built on the first search (its index takes a while).
    search_engine: Callable[[], SearchEngine]


class ApiContext:
    def __init__(self, services: ApiServices, request: Request, token: AccessToken,
                 client: ClientApp, user: DemoUser | None, root: str, *,
                 extended: bool) -> None:
        self.request = request
        self.token = token
        self.client = client
        self._user = user
        self.root = root
        self.base = f"{root}/v1"
        self.extended = extended
        self.catalogue = services.catalogue
        self.state = services.state
        self.clock = services.clock
        self.search_engine = services.search_engine
        self.images = ImageUrls.for_host(services.image_host, root)

    @property
    def user(self) -> DemoUser:
        if self._user is None:
            # A client-credentials token has no user behind it.
            raise ApiError(401, "Valid user authentication required")
        return self._user

    @property
    def args(self) -> Any:
        return self.request.args

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def extra_args(self, *skip: str) -> list[tuple[str, str]]:
        """The request's query parameters except paging ones, for next/previous URLs."""
        dropped = {"offset", "limit", "after", *skip}
        return [(k, v) for k, v in self.request.args.items(multi=True) if k not in dropped]

    def has_scope(self, scope: str) -> bool:
        return scope in self.token.scopes

    def require_scope(self, *any_of: str) -> None:
        """403 unless the token carries at least one of ``any_of``."""
        if not any(s in self.token.scopes for s in any_of):
            raise ApiError(403, "Insufficient client scope")

    def json_body(self, required: bool = True) -> Any:
        raw = self.request.get_data(cache=True)
        if not raw.strip():
            if required:
                raise ApiError(400, "Error parsing JSON.")
            return None
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "Error parsing JSON.") from None

    @staticmethod
    def check_id(value: str) -> str:
        if not is_base62_id(value):
            raise ApiError(400, INVALID_ID)
        return value
