"""Demo mode as `make run` serves it: the app with the emulator mounted, over real HTTP.

The server's own calls to the emulator never follow the request's Host, the emulator's control
API is off, and its pages carry the app's security headers.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests
from django.core.wsgi import get_wsgi_application
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from accounts.demo_emulator import mount
from spotify_emulator import USER_TYPICAL
from spotify_emulator.server import QuietRequestHandler
from spotify_emulator.testing import approve_consent


@dataclass
class Served:
    base_url: str
    port: int
    seen: list[dict[str, str]] = field(default_factory=list)


def serve(app) -> tuple[Served, object]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    return Served(f"http://127.0.0.1:{port}", port), server


@pytest.fixture
def listener() -> Iterator[Served]:
    """Someone else's server on another loopback port, recording whatever reaches it."""
    served: Served | None = None

    @Request.application
    def record(request: Request) -> Response:
        assert served is not None
        served.seen.append({"path": request.path, "auth": request.headers.get("Authorization", "")})
        return Response(json.dumps({"access_token": "stolen"}), content_type="application/json")

    served, server = serve(record)
    yield served
    server.shutdown()


@pytest.fixture
def demo(settings) -> Iterator[Served]:
    settings.DEMO_MODE = True
    settings.DEMO_EMULATOR_CONTROL_API = False
    settings.SPOTIFY_CLIENT_ID = "moodystream-demo"
    settings.SPOTIFY_CLIENT_SECRET = "moodystream-demo-secret"
    settings.SPOTIFY_REDIRECT_URI = ""
    settings.SPOTIFY_API_BASE_URL = ""
    settings.SPOTIFY_ACCOUNTS_BASE_URL = ""
    served, server = serve(mount(get_wsgi_application()))
    yield served
    server.shutdown()


def sign_in(demo: Served, http: requests.Session, host: str | None = None) -> requests.Response:
    headers = {"Host": host} if host else {}
    start = http.get(demo.base_url + "/login/", allow_redirects=False)
    assert start.status_code == 302
    location = approve_consent(start.headers["Location"], USER_TYPICAL, http_session=http)
    return http.get(location, headers=headers, allow_redirects=False)


def test_a_forged_host_never_receives_the_users_token(demo, listener) -> None:
    http = requests.Session()
    assert sign_in(demo, http).headers["Location"] == "/generate/"
    forged = {"Host": f"127.0.0.1:{listener.port}"}
    found = http.get(demo.base_url + "/artists/search/", params={"q": "Neon"}, headers=forged)
    assert found.status_code == 200, found.text
    assert found.json()["artists"]
    page = http.get(demo.base_url + "/generate/", headers=forged)
    assert page.status_code == 200 and "Connected as" in page.text
    assert listener.seen == []


def test_a_forged_host_on_the_callback_never_gets_the_code_exchanged_there(
    demo, listener
) -> None:
    answer = sign_in(demo, requests.Session(), host=f"127.0.0.1:{listener.port}")
    assert answer.status_code in (302, 400)
    assert listener.seen == []


@pytest.mark.parametrize(
    ("method", "route", "headers", "body"),
    [
        ("POST", "token", {"Content-Type": "text/plain", "Origin": "http://evil.com"},
         '{"user_id": "alex"}'),
        ("POST", "reset", {"Content-Type": "text/plain"}, ""),
        ("GET", "state", {}, None),
        ("GET", "users", {}, None),
    ],
)
def test_the_control_api_is_off_when_mounted(demo, method, route, headers, body) -> None:
    response = requests.request(
        method, f"{demo.base_url}/demo-spotify/_control/{route}", headers=headers, data=body,
        timeout=10,
    )
    assert response.status_code == 404
    assert "access_token" not in response.text


def test_emulator_pages_carry_the_apps_security_headers(demo) -> None:
    start = requests.get(demo.base_url + "/login/", allow_redirects=False, timeout=10)
    consent = requests.get(start.headers["Location"], timeout=10)
    assert consent.status_code == 200 and "<form" in consent.text
    app_page = requests.get(demo.base_url + "/", timeout=10)
    for response in (consent, requests.get(demo.base_url + "/demo-spotify/nope", timeout=10)):
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'self'" in csp
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == app_page.headers["Referrer-Policy"]
    assert "frame-ancestors 'none'" in app_page.headers["Content-Security-Policy"]


def test_the_own_app_sign_in_never_calls_a_forged_host_either(demo, listener, settings) -> None:
    settings.SPOTIFY_SIGN_IN_MODES = ("operator", "own-app")
    http = requests.Session()
    forged = {"Host": f"127.0.0.1:{listener.port}"}
    page = http.get(demo.base_url + "/connect/own-app/", headers=forged)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    start = http.post(
        demo.base_url + "/connect/own-app/",
        data={"csrfmiddlewaretoken": token, "client_id": "0123456789abcdef0123456789abcdef"},
        headers=forged,
        allow_redirects=False,
    )
    assert start.status_code in (302, 400), start.text[:300]
    assert listener.seen == []  # the authorize-page check went to this server's own address


@pytest.mark.parametrize("path", ["/demo-spotify/dashboard", "/demo-spotify/open/"])
def test_head_on_the_emulators_pages_is_a_get_without_a_body(demo, path: str) -> None:
    get = requests.get(demo.base_url + path, timeout=10)
    head = requests.head(demo.base_url + path, timeout=10)
    assert head.status_code == get.status_code
    assert head.status_code != 405
    assert head.content == b""
    assert head.headers["Content-Security-Policy"] == get.headers["Content-Security-Policy"]
    assert head.headers["X-Frame-Options"] == get.headers["X-Frame-Options"]
