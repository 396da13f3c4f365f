"""moodystream.lambda_handler on the response shapes Zappa 0.63 returns, without a package.

Zappa's handler is replaced by a stand-in returning a fixed response; the packaged handler
itself is driven with real API Gateway events in test_lambda_package.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from moodystream import lambda_handler

SESSION = "moodystream_session=abc; HttpOnly; Path=/; SameSite=Lax; Secure"
CSRF = "csrftoken=def; HttpOnly; Path=/; SameSite=Lax; Secure"


def run(monkeypatch: pytest.MonkeyPatch, response: Any) -> tuple[Any, list[tuple[Any, Any]]]:
    calls: list[tuple[Any, Any]] = []

    def zappa(event: Any, context: Any) -> Any:
        calls.append((event, context))
        return response

    monkeypatch.setattr(lambda_handler, "zappa_lambda_handler", zappa)
    return lambda_handler.handler({"event": 1}, "context"), calls


def test_zappa_rest_response_with_two_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    # What Zappa 0.63 returns for a REST event when Django sets two cookies.
    response = {
        "statusCode": 302,
        "headers": {
            "Content-Type": "text/html",
            "Location": "/prod/",
            "Set-Cookie": CSRF,
            "set-cookie": CSRF,
        },
        "multiValueHeaders": {
            "Content-Type": ["text/html"],
            "Location": ["/prod/"],
            "Set-Cookie": [SESSION, CSRF, SESSION, CSRF],
            "set-cookie": [SESSION, CSRF, SESSION, CSRF],
        },
    }

    result, calls = run(monkeypatch, response)

    assert calls == [({"event": 1}, "context")]
    assert result["statusCode"] == 302
    assert result["multiValueHeaders"] == {
        "Content-Type": ["text/html"],
        "Location": ["/prod/"],
        "Set-Cookie": [SESSION, CSRF],
    }
    # API Gateway merges headers into multiValueHeaders, the same pair only once.
    assert result["headers"] == {
        "Content-Type": "text/html",
        "Location": "/prod/",
        "Set-Cookie": CSRF,
    }


def test_distinct_lines_for_one_cookie_are_all_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    expired = "moodystream_session=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
    response = {
        "statusCode": 200,
        "multiValueHeaders": {"set-cookie": [expired, SESSION], "Set-Cookie": [SESSION, expired]},
    }

    result, _ = run(monkeypatch, response)

    assert result["multiValueHeaders"] == {"set-cookie": [expired, SESSION]}


def test_single_value_headers_keep_different_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without multiValueHeaders, differently-cased names are the only way to send two cookies.
    response = {"statusCode": 200, "headers": {"Set-Cookie": SESSION, "set-cookie": CSRF}}

    result, _ = run(monkeypatch, response)

    assert result["headers"] == {"Set-Cookie": SESSION, "set-cookie": CSRF}


def test_response_without_cookies_is_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    response = {
        "statusCode": 200,
        "body": "<html>",
        "headers": {"Content-Type": "text/html"},
        "multiValueHeaders": {"Content-Type": ["text/html"], "Vary": ["Cookie", "Accept"]},
    }
    expected = {
        key: value.copy() if isinstance(value, dict) else value for key, value in response.items()
    }

    result, _ = run(monkeypatch, response)

    assert result == expected


@pytest.mark.parametrize(
    "response",
    [
        None,  # keep-warm, raw_command
        {},  # manage
        "a scheduled function's result",
        ["a", "list"],
        {"statusCode": 200, "headers": None},
        # HTTP API (v2): cookies are their own list, never duplicated by Zappa
        {"statusCode": 200, "cookies": [SESSION, SESSION], "headers": {"Location": "/"}},
    ],
)
def test_everything_else_passes_through(monkeypatch: pytest.MonkeyPatch, response: Any) -> None:
    result, _ = run(monkeypatch, response)

    assert result == response


def test_it_wraps_zappas_handler() -> None:
    from zappa.handler import lambda_handler as zappa_lambda_handler

    assert lambda_handler.zappa_lambda_handler is zappa_lambda_handler


def test_django_is_set_up_at_import_only_on_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[bool] = []
    monkeypatch.setattr(lambda_handler, "LambdaHandler", lambda: made.append(True))
    monkeypatch.setattr(lambda_handler, "load_what_requests_use", lambda: made.append(False))

    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert not lambda_handler.set_up_in_init_phase()  # a test, a tool: nothing set up

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "moodystream-prod")
    assert not lambda_handler.set_up_in_init_phase()  # no package settings here
    assert made == []

    monkeypatch.setattr(lambda_handler.importlib.util, "find_spec", lambda name: object())
    assert lambda_handler.set_up_in_init_phase()
    assert made == [True, False]  # set up, then the URLconf and the Spotify client loaded


def test_what_requests_use_is_loaded_without_a_request() -> None:
    import sys

    lambda_handler.load_what_requests_use()
    for name in ("playlists.urls", "playlists.views.generator", "playlists.spotify.gateway",
                 "playlists.spotify.accounts", "spotipy", "requests"):
        assert name in sys.modules
