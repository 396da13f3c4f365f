"""Validation of emulator responses against Spotify's OpenAPI description (openapi-core).

The description is vendored in the repository: ``spotify_emulator/openapi/`` (see SOURCE.md).
Three documented corrections are applied before validating; each is a place where the
description contradicts what Spotify really sends (see SPEC_CORRECTIONS).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = PROJECT_ROOT / "spotify_emulator" / "openapi" / "openapi.yml"
SPEC_HOST = "https://api.spotify.com"

SPEC_CORRECTIONS = """
1. AlbumObject lists ``popularity`` as required, yet marks it deprecated, and Spotify leaves
   it out for Development Mode apps since February 2026 (the README in shared/ says so). We
   drop it from ``required``; tests in test_modes.py assert that extended mode does send it.
2. CursorPagingObject.next and CursorObject.after are not nullable in the description, but
   Spotify sends ``null`` on the last page (spotipy's ``next()`` relies on that). We mark
   them nullable.
3. PlaylistTrackObject.item/track use a ``discriminator`` on ``type`` without a mapping, so
   the implicit mapping looks for schemas named "track"/"episode", which do not exist: no
   real response could validate. We add the mapping the description obviously intends.
"""


def _load() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader


def corrected_spec() -> dict[str, Any]:
    spec = _load()
    schemas = spec["components"]["schemas"]
    album_required = schemas["AlbumObject"]["required"]
    schemas["AlbumObject"]["required"] = [r for r in album_required if r != "popularity"]
    schemas["CursorPagingObject"]["properties"]["next"]["nullable"] = True
    schemas["CursorObject"]["properties"]["after"]["nullable"] = True
    mapping = {"track": "#/components/schemas/TrackObject",
               "episode": "#/components/schemas/EpisodeObject"}
    for key in ("item", "track"):
        schemas["PlaylistTrackObject"]["properties"][key]["discriminator"]["mapping"] = mapping
    return spec


class SpecChecker:
    """Validates a response for its path + method + status; undeclared error statuses are
    checked against the generic error body (``components.responses.BadRequest``)."""

    def __init__(self) -> None:
        self.raw = corrected_spec()
        self.openapi = OpenAPI.from_dict(self.raw)
        error_schema = self.raw["components"]["responses"]["BadRequest"]["content"][
            "application/json"]["schema"]
        error_schema = json.loads(json.dumps(error_schema))
        error_schema["properties"]["error"] = self.raw["components"]["schemas"]["ErrorObject"]
        self.error_validator = OAS30Validator(error_schema)

    @functools.cached_property
    def deprecated_operations(self) -> set[tuple[str, str]]:
        return {(method.upper(), path) for path, ops in self.raw["paths"].items()
                for method, op in ops.items() if isinstance(op, dict) and op.get("deprecated")}

    def errors(self, response: requests.Response) -> list[str]:
        """Human-readable validation errors (empty when the response conforms)."""
        prepared = response.request
        url = urlsplit(prepared.url)
        path = url.path[url.path.index("/v1/"):]
        request = MockRequest(SPEC_HOST, prepared.method, path, args=dict(parse_qsl(url.query)))
        content_type = response.headers.get("Content-Type", "application/json").split(";")[0]
        mock = MockResponse(response.content, status_code=response.status_code,
                            content_type=content_type)
        found = []
        for err in self.openapi.iter_response_errors(request, mock):
            undeclared = (ResponseNotFound, PathNotFound, OperationNotFound)
            if isinstance(err, undeclared) and response.status_code >= 400:
                found += [e.message for e in self.error_validator.iter_errors(response.json())]
                continue
            cause = err.__cause__
            details = [f"{list(e.absolute_path)}: {e.message[:300]}"
                       for e in getattr(cause, "schema_errors", [])]
            found.append(f"{type(err).__name__}: {err}"[:300] + "".join(
                f"\n  {d}" for d in details))
        return found

    def assert_valid(self, response: requests.Response) -> None:
        problems = self.errors(response)
        assert not problems, (f"{response.request.method} {response.request.url} -> "
                              f"{response.status_code} does not match the spec:\n"
                              + "\n".join(problems))
