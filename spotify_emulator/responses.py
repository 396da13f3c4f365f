"""Response helpers in Spotify's formats (JSON bodies, the Web API error object) and the
emulator's root URL, which every absolute link is built from."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request, Response


class ApiError(Exception):
    """Raised by Web API handlers; becomes ``{"error": {"status", "message"}}``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None,
                 reason: str | None = None) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.reason = reason

    def response(self) -> Response:
        return error_response(self.status, self.message, self.headers, self.reason)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, headers=headers,
                    content_type="application/json; charset=utf-8")


def error_response(status: int, message: str, headers: dict[str, str] | None = None,
                   reason: str | None = None) -> Response:
    error: dict[str, Any] = {"status": status, "message": message}
    if reason:
        error["reason"] = reason
    return json_response({"error": error}, status=status, headers=headers)


def empty_response(status: int = 200) -> Response:
    """Spotify answers some writes with an empty body (e.g. PUT /me/library: 200)."""
    return Response(b"", status=status)


def root_url(request: Request) -> str:
    """Scheme + host + mount prefix (WSGI SCRIPT_NAME), without a trailing slash."""
    return request.root_url.rstrip("/")
