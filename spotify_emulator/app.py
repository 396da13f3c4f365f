"""The WSGI application: routes requests to the accounts service, the Web API and the
control API, applying faults, rate limits, auth and Development Mode rules on the way.

Every absolute URL is derived from the request (host + SCRIPT_NAME), so the app works both
standalone and mounted under a prefix inside another WSGI app.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
import traceback
from collections.abc import Iterable
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from spotify_emulator import control
from spotify_emulator.accounts import dashboard
from spotify_emulator.accounts import service as accounts_service
from spotify_emulator.accounts.tokens import AccessToken
from spotify_emulator.config import EmulatorConfig
from spotify_emulator.emulator import Emulator
from spotify_emulator.faults import DEFAULT_MESSAGES, FaultRule
from spotify_emulator.requestlog import RequestRecord
from spotify_emulator.responses import ApiError, error_response, json_response, root_url
from spotify_emulator.sites import images, web_player
from spotify_emulator.web_api.context import ApiContext, ApiServices
from spotify_emulator.web_api.routes import build_map

log = logging.getLogger("spotify_emulator")

#: The CDN and the web player: served before faults, rate limits and the request log (they are
#: not the Web API, whose traffic the log counts).
SITE_PREFIXES = ("/image/", "/mosaic/", "/open/")

NOT_REGISTERED = ("Check settings on developer.spotify.com/dashboard, "
                  "the user may not be registered.")
OWNER_NEEDS_PREMIUM = ("Active premium subscription required for the owner of the app. When the "
                       "subscription status changes, it can take a few hours before requests "
                       "are allowed again.")


class DropConnection(Exception):
    """Raised to abandon a request without answering (a dropped connection)."""


class EmulatorApp(Emulator):
    """A Spotify emulator instance. Call it as a WSGI app; use its attributes (those of
    :class:`~spotify_emulator.emulator.Emulator`) in tests."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        super().__init__(config)
        self._api_map, self._api_routes = build_map()
        self._api_services = ApiServices(self.catalogue, self.state, self.clock,
                                         self.config.image_host, self.search_engine)

    # -- WSGI ---------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        started = time.perf_counter()
        record = RequestRecord(request.method, request.path, request.query_string.decode(
            "latin-1"), 0, 0.0, None, None, started=started)
        try:
            response = self._handle(request, record)
        except DropConnection:
            return self._drop(environ, start_response)
        except Exception:  # the server must answer; tests see it through app.errors
            if self.config.raise_errors:
                raise
            self.errors.append(traceback.format_exc())
            log.exception("unexpected error in the Spotify emulator")
            response = error_response(500, "Server error.")
        record.status = response.status_code
        record.duration_ms = round((time.perf_counter() - started) * 1000, 3)
        if not request.path.startswith(("/_control", "/static/", "/dashboard", *SITE_PREFIXES)):
            self.request_log.add(record)
        return response(environ, start_response)

    def _drop(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        sock = environ.get("werkzeug.socket")
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            raise ConnectionAbortedError("connection dropped by fault injection")
        # In-process (no socket to drop): the closest thing is an empty 502.
        return Response(b"", status=502)(environ, start_response)

    def _handle(self, request: Request, record: RequestRecord) -> Response:
        path = request.path
        if path.startswith("/_control"):
            if not self.config.enable_control_api:
                return error_response(404, "Service not found")
            return control.handle(self, request)
        if path == "/static/consent.css":
            return accounts_service.stylesheet(request)
        if path == "/static/favicon.svg":
            return web_player.favicon()
        if path.startswith(("/image/", "/mosaic/")):
            return images.serve(self.catalogue, self.state, request)
        if path.startswith("/open/"):
            return web_player.handle(self.catalogue, self.state, request)
        if path == "/dashboard" or path.startswith("/dashboard/"):
            return dashboard.handle(self.apps, self.state.users, request)
        delay = self.faults.latency_seconds()
        if delay > 0:
            time.sleep(delay)
        fault = self.faults.pick(request.method, path)
        if fault is not None:
            record.fault = fault.kind
            early = self._apply_fault(fault)
            if early is not None:
                return early
        response = self._route(request, record)
        if fault is not None and fault.kind == "malformed":
            body = response.get_data()
            response = Response(body[: max(1, len(body) // 2)], status=200,
                                content_type="application/json; charset=utf-8")
        return response

    def _apply_fault(self, fault: FaultRule) -> Response | None:
        if fault.kind == "error":
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else None
            message = fault.message or DEFAULT_MESSAGES.get(fault.status, "Server error.")
            return error_response(fault.status, message, headers)
        if fault.kind in ("timeout", "drop"):
            time.sleep(fault.seconds)
            if fault.kind == "drop":
                raise DropConnection()
        return None

    def _route(self, request: Request, record: RequestRecord) -> Response:
        path = request.path
        if path == "/authorize":
            if request.method not in ("GET", "POST"):
                return error_response(405, "Method not allowed")
            return accounts_service.authorize(self.apps, self.state.users, self.tokens,
                                              request)
        if path == "/api/token":
            if request.method != "POST":
                return error_response(405, "Method not allowed")
            return accounts_service.token(self.apps, self.tokens, request)
        if path == "/v1" or path.startswith("/v1/"):
            try:
                return self._web_api(request, record)
            except ApiError as err:
                return err.response()
        if path in ("/", ""):
            return json_response({
                "emulator": "Spotify Web API emulator (demo, not the real Spotify)",
                "authorize": f"{root_url(request)}/authorize",
                "token": f"{root_url(request)}/api/token",
                "api": f"{root_url(request)}/v1/",
                "dashboard": f"{root_url(request)}/dashboard",
                "mode": self.mode,
            })
        return error_response(404, "Service not found")

    # -- Web API pipeline ---------------------------------------------------------------
    def _authenticate(self, request: Request) -> AccessToken:
        header = request.headers.get("Authorization", "")
        if not header:
            raise ApiError(401, "No token provided")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer":
            raise ApiError(400, "Only valid bearer authentication supported")
        token = self.tokens.lookup(value.strip())
        if token is None:
            raise ApiError(401, "Invalid access token", _www_auth("Invalid access token"))
        return token

    def _web_api(self, request: Request, record: RequestRecord) -> Response:
        token = self._authenticate(request)
        record.client_id, record.user_id = token.client_id, token.user_id or None
        client = self.clients.get(token.client_id)
        if client is None:
            raise ApiError(401, "Invalid access token")
        self.rate_limiter.check(client.developer_account)
        if token.revoked:
            raise ApiError(401, "Invalid access token", _www_auth("Invalid access token"))
        if self.tokens.is_expired(token):
            raise ApiError(401, "The access token expired", _www_auth("The access token expired"))
        user = self.state.users.get(token.user_id) if token.user_id else None
        if self.mode == "development" and self.owner_lacks_premium(client):
            raise ApiError(403, OWNER_NEEDS_PREMIUM)
        if user is not None and self.mode == "development" \
                and user.id not in self.allowed_users(client):
            raise ApiError(403, NOT_REGISTERED)
        adapter = self._api_map.bind("emulator", "/")
        try:
            endpoint, args = adapter.match(request.path.rstrip("/") or "/", request.method)
        except MethodNotAllowed:
            raise ApiError(405, "Method not allowed") from None
        except NotFound:
            raise ApiError(404, "Service not found") from None
        route = self._api_routes[endpoint]
        if route.extended_only and self.mode != "extended":
            raise ApiError(403, "Forbidden")
        self.rate_limiter.check_endpoint(client.developer_account, route.rule)
        ctx = ApiContext(self._api_services, request, token, client, user, root_url(request),
                         extended=self.mode == "extended")
        return route.handler(ctx, **args)


def _www_auth(description: str) -> dict[str, str]:
    return {"WWW-Authenticate":
            f'Bearer realm="spotify", error="invalid_token", error_description="{description}"'}


def create_app(config: EmulatorConfig | None = None) -> EmulatorApp:
    """Build an emulator WSGI app (the catalogue is cached per seed, so this is cheap)."""
    return EmulatorApp(config)
