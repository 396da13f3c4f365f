"""The test-only control API under ``{root}/_control/`` (JSON in, JSON out).

The same knobs as the Python object API, for tests that drive the emulator over HTTP.
Disabled (404) when ``EmulatorConfig.enable_control_api`` is False.

    GET    /_control/state                     summary: mode, clock, users, rules, limits
    POST   /_control/reset                     back to the initial state
    POST   /_control/mode          {"mode": "extended"}
    POST   /_control/clock/advance {"seconds": 3600}
    POST   /_control/latency       {"ms": 200} | {"min_ms": 50, "max_ms": 300}
    GET    /_control/faults                    active rules
    POST   /_control/faults        {"pattern": "/v1/me/top/*", "kind": "error", "status": 503,
                                    "probability": 0.5 | "count": 2, "retry_after": 7,
                                    "method": "GET", "seconds": 5, "message": "..."}
    DELETE /_control/faults[/<id>]             remove all rules / one rule
    POST   /_control/rate-limit    {"per_30s": 10 | null}
    POST   /_control/quota         {"exceeded": true, "retry_after": 14400,
                                    "account": "maya"}  (one developer account; else all)
    POST   /_control/revoke        {"user_id": "alex", "access": true, "refresh": true,
                                    "client_id": null} | {"token": "..."}
    POST   /_control/token         {"user_id": "alex", "scopes": [...], "client_id": null}
    GET    /_control/requests                  request log; DELETE clears it
    GET    /_control/users                     demo users
    GET    /_control/users/<id>/playlists      playlists the user owns, with item URIs
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request, Response

from spotify_emulator.emulator import Emulator
from spotify_emulator.responses import error_response, json_response


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _body(request: Request) -> dict[str, Any]:
    raw = request.get_data()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise ControlError(400, "Error parsing JSON.") from None
    if not isinstance(data, dict):
        raise ControlError(400, "Expected a JSON object")
    return data


def handle(emulator: Emulator, request: Request) -> Response:
    try:
        return _dispatch(emulator, request)
    except ControlError as err:
        return error_response(err.status, err.message)
    except (ValueError, TypeError, KeyError) as err:
        return error_response(400, f"Invalid control request: {err}")


def _summary(emulator: Emulator) -> dict:
    return {
        "mode": emulator.mode,
        "clock": {"now": emulator.clock.now(), "offset": emulator.clock.offset},
        "users": list(emulator.state.users),
        "clients": [c.client_id for c in emulator.clients.values()],
        "developer_accounts": sorted({c.developer_account for c in emulator.clients.values()}),
        "faults": [r.to_dict() for r in emulator.faults.rules],
        "latency_ms": emulator.faults.latency_ms,
        "rate_limit_per_30s": emulator.rate_limiter.per_30s,
        "quota_exceeded": emulator.rate_limiter.quota_exceeded,
        "exhausted_accounts": sorted(emulator.rate_limiter.exhausted_accounts),
        "requests_logged": len(emulator.request_log),
        "unexpected_errors": len(emulator.errors),
    }


def _dispatch(emulator: Emulator, request: Request) -> Response:
    parts = [p for p in request.path.split("/") if p][1:]  # drop "_control"
    method = request.method
    route = "/".join(parts)
    if route == "state" and method == "GET":
        return json_response(_summary(emulator))
    if route == "reset" and method == "POST":
        emulator.reset()
        return json_response(_summary(emulator))
    if route == "mode" and method == "POST":
        emulator.set_mode(_body(request)["mode"])
        return json_response({"mode": emulator.mode})
    if route == "clock/advance" and method == "POST":
        now = emulator.clock.advance(float(_body(request).get("seconds", 0)))
        return json_response({"now": now, "offset": emulator.clock.offset})
    if route == "latency" and method == "POST":
        body = _body(request)
        if "min_ms" in body or "max_ms" in body:
            emulator.faults.set_latency(jitter=(int(body.get("min_ms", 0)), int(body["max_ms"])))
        else:
            emulator.faults.set_latency(int(body.get("ms", 0)))
        return json_response({"latency_ms": emulator.faults.latency_ms})
    if parts[:1] == ["faults"]:
        return _faults(emulator, request, parts[1:])
    if route == "rate-limit" and method == "POST":
        per = _body(request).get("per_30s")
        emulator.rate_limiter.configure(None if per is None else int(per))
        return json_response({"rate_limit_per_30s": emulator.rate_limiter.per_30s})
    if route == "quota" and method == "POST":
        body = _body(request)
        if "retry_after" in body:
            emulator.rate_limiter.quota_retry_after = int(body["retry_after"])
        if body.get("account"):
            emulator.rate_limiter.exhaust_quota(str(body["account"]),
                                                bool(body.get("exceeded", True)))
        else:
            emulator.rate_limiter.quota_exceeded = bool(body.get("exceeded", True))
        limiter = emulator.rate_limiter
        return json_response({"quota_exceeded": limiter.quota_exceeded,
                              "exhausted_accounts": sorted(limiter.exhausted_accounts),
                              "retry_after": limiter.quota_retry_after})
    if route == "revoke" and method == "POST":
        body = _body(request)
        if "token" in body:
            return json_response({"revoked": int(emulator.tokens.revoke_token(str(body["token"])))})
        count = emulator.tokens.revoke_user(str(body["user_id"]), body.get("client_id"),
                                       access=bool(body.get("access", True)),
                                       refresh=bool(body.get("refresh", True)))
        return json_response({"revoked": count})
    if route == "token" and method == "POST":
        body = _body(request)
        return json_response(emulator.issue_token(str(body["user_id"]), body.get("scopes", []),
                                             body.get("client_id")))
    if route == "requests":
        if method == "GET":
            return json_response([r.to_dict() for r in emulator.request_log.entries()])
        if method == "DELETE":
            emulator.request_log.clear()
            return json_response({"cleared": True})
    if route == "users" and method == "GET":
        return json_response([{"id": u.id, "display_name": u.display_name, "label": u.label,
                               "purpose": u.purpose, "product": u.product,
                               "country": u.country} for u in emulator.state.users.values()])
    if len(parts) == 3 and parts[0] == "users" and parts[2] == "playlists" and method == "GET":
        try:
            return json_response(emulator.state.user_playlists(parts[1]))
        except KeyError:
            raise ControlError(404, "Unknown user") from None
    raise ControlError(404, "Unknown control endpoint")


def _faults(emulator: Emulator, request: Request, rest: list[str]) -> Response:
    if request.method == "GET" and not rest:
        return json_response([r.to_dict() for r in emulator.faults.rules])
    if request.method == "DELETE" and not rest:
        emulator.faults.clear()
        return json_response({"cleared": True})
    if request.method == "DELETE" and len(rest) == 1 and rest[0].isdigit():
        if not emulator.faults.remove(int(rest[0])):
            raise ControlError(404, "Unknown fault rule")
        return json_response({"removed": int(rest[0])})
    if request.method == "POST" and not rest:
        body = _body(request)
        allowed = {"pattern", "kind", "status", "retry_after", "probability", "count", "method",
                   "seconds", "message"}
        unknown = set(body) - allowed
        if unknown:
            raise ControlError(400, f"Unknown fault fields: {sorted(unknown)}")
        if "pattern" not in body:
            raise ControlError(400, "pattern is required")
        rule = emulator.faults.add(**body)
        return json_response(rule.to_dict(), status=201)
    raise ControlError(404, "Unknown control endpoint")
