"""Validation of emulator responses against Spotify's OpenAPI description (openapi-core).

The description is vendored in the repository: ``spotify_emulator/openapi/`` (see SOURCE.md).
Four documented corrections are applied before validating; each is a place where the
description contradicts what Spotify really sends (see SPEC_CORRECTIONS).

Development mode: Spotify leaves out of Development Mode responses the fields the description
marks ``deprecated: true``, so for that mode every deprecated property is made absent: no
longer required, and present it fails validation (its schema becomes ``not: {}``). Extended
mode validates against the description as it is, deprecated fields and all.
"""

from __future__ import annotations

import copy
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
4. PagingPlaylistObject.items are SimplifiedPlaylistObjects, but Spotify's playlist search
   pages hold ``null`` entries (widely reported since 2024; spotipy users filter them out).
   We allow ``null`` there.
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
    playlist_page = schemas["PagingPlaylistObject"]["allOf"][1]["properties"]["items"]
    playlist_page["items"] = {"anyOf": [playlist_page["items"],
                                        {"enum": [None], "nullable": True}]}
    return spec


#: What a deprecated property becomes in development mode: nothing validates against it.
ABSENT = {"not": {}, "description": "deprecated: absent in Development Mode"}


def _deprecated_names(schema: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    """The deprecated properties of ``schema``: its own and its ``allOf`` parts' (followed
    through ``$ref``), the names its ``required`` may list."""
    names = {name for name, prop in (schema.get("properties") or {}).items()
             if isinstance(prop, dict) and prop.get("deprecated")}
    for part in schema.get("allOf") or ():
        ref = part.get("$ref", "")
        names |= _deprecated_names(schemas[ref.rsplit("/", 1)[-1]] if ref else part, schemas)
    return names


def _make_absent(node: Any, schemas: dict[str, Any]) -> None:
    if isinstance(node, list):
        for value in node:
            _make_absent(value, schemas)
    if not isinstance(node, dict):
        return
    if isinstance(node.get("required"), list):
        names = _deprecated_names(node, schemas)
        node["required"] = [r for r in node["required"] if r not in names]
        if not node["required"]:
            del node["required"]  # OpenAPI 3.0 wants a non-empty list or none
    for value in node.values():
        _make_absent(value, schemas)
    props = node.get("properties")
    if isinstance(props, dict):
        for name, prop in props.items():
            if isinstance(prop, dict) and prop.get("deprecated"):
                props[name] = dict(ABSENT)


def development_spec() -> dict[str, Any]:
    """The corrected description with every deprecated property absent."""
    spec = corrected_spec()
    schemas = spec["components"]["schemas"]
    original = copy.deepcopy(schemas)  # names are read before anything is replaced
    _make_absent(spec, original)
    return spec


def _leaves(error: Any) -> list[Any]:
    """The innermost errors under an anyOf/oneOf/allOf failure: they name the bad field."""
    if not error.context:
        return [error]
    return [leaf for sub in error.context for leaf in _leaves(sub)]


class SpecChecker:
    """Validates a response for its path + method + status; undeclared error statuses are
    checked against the generic error body (``components.responses.BadRequest``).

    ``mode="development"`` validates against ``development_spec()`` (deprecated = absent)."""

    def __init__(self, mode: str = "extended") -> None:
        if mode not in ("development", "extended"):
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.raw = development_spec() if mode == "development" else corrected_spec()
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
            details = [f"{list(leaf.absolute_path)}: {leaf.message[:300]}"
                       for e in getattr(cause, "schema_errors", []) for leaf in _leaves(e)]
            found.append(f"{type(err).__name__}: {err}"[:300] + "".join(
                f"\n  {d}" for d in details))
        return found

    def assert_valid(self, response: requests.Response) -> None:
        problems = self.errors(response)
        assert not problems, (f"{response.request.method} {response.request.url} -> "
                              f"{response.status_code} does not match the spec:\n"
                              + "\n".join(problems))
