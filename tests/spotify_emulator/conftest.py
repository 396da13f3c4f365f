"""Fixtures for the emulator's own tests: the plugin's fixtures plus small HTTP helpers.

The root conftest may enable ``spotify_emulator.testing`` with ``pytest_plugins``; pytest
only honours that in the root conftest, so the fixtures are imported by name here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
import requests

from spotify_emulator import ALL_SCOPES, DEMO_CLIENT, USER_TYPICAL, EmulatorServer
from spotify_emulator.testing import (  # noqa: F401 - fixtures used by name
    emulator,
    emulator_app,
    emulator_config,
    emulator_server,
    make_emulator,
)

from .spec import SpecChecker


class Api:
    """A tiny HTTP client bound to one emulator and one access token."""

    def __init__(self, server: EmulatorServer, token: str | None) -> None:
        self.server = server
        self.token = token
        self.session = requests.Session()

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        url = path if path.startswith("http") else self.server.base_url + path
        headers = {**self.headers(), **kw.pop("headers", {})}
        kw.setdefault("timeout", 10)
        return self.session.request(method, url, headers=headers, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)


LoginFactory = Callable[..., Api]


@pytest.fixture
def login(emulator: EmulatorServer) -> LoginFactory:  # noqa: F811 - the fixture
    """``login(user_id=alex, scopes=ALL_SCOPES, client_id=demo)`` -> Api with a fresh token."""

    def factory(user_id: str = USER_TYPICAL, scopes: Iterable[str] = ALL_SCOPES,
                client_id: str = DEMO_CLIENT.client_id, server: EmulatorServer | None = None
                ) -> Api:
        target = server or emulator
        token = target.app.issue_token(user_id, scopes, client_id)["access_token"]
        return Api(target, token)

    return factory


@pytest.fixture
def api(login: LoginFactory) -> Api:
    """Alex (the typical user) with every scope."""
    return login()


SpecFor = Callable[[str], SpecChecker]


@pytest.fixture(scope="session")
def spec_for() -> SpecFor:
    """``spec_for(mode)``: the checker for "development" (deprecated fields absent) or
    "extended" (the description as it is), each built once."""
    checkers: dict[str, SpecChecker] = {}

    def get(mode: str) -> SpecChecker:
        if mode not in checkers:
            checkers[mode] = SpecChecker(mode)
        return checkers[mode]

    return get


def error_of(response: requests.Response) -> tuple[int, str]:
    """(status, message) from a Spotify error body, checking the body's shape on the way."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code
    return response.status_code, body["error"]["message"]
