"""End-to-end fixtures: the app in demo mode under `manage.py runserver`, and headless Chromium.

The browser is Debian's `chromium` driven by Playwright through `executable_path`; Playwright
never downloads a browser here. The server is started exactly as `make run` starts it (demo
mode, emulator mounted in the same process), on a free loopback port.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.viewports import VIEWPORTS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DemoServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def emulator_url(self) -> str:
        return self.base_url + "/demo-spotify"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_demo_server(log_dir: Path, **extra_env: str) -> DemoServer:
    """`manage.py runserver` in demo mode on a free loopback port, as `make run` starts it."""
    port = _free_port()
    log_path = log_dir / "server.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SPOTIPY_", "SPOTIFY_", "DJANGO_"))
    }
    # The walk checks what was saved through the mounted emulator's control API, which is off
    # unless asked for (moodystream/wsgi.py).
    env.update(
        MOODYSTREAM_IGNORE_DOTENV="1",
        PYTHONUNBUFFERED="1",
        MOODYSTREAM_DEMO_EMULATOR_CONTROL_API="1",
        MOODYSTREAM_DEMO_WITHOUT_BUDGETS="1",  # one demo account previews and saves all along
        **extra_env,
    )
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = DemoServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(server.base_url + "/", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("runserver did not start:\n" + server.log())
            time.sleep(0.2)
    return server


def stop_demo_server(server: DemoServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    server = start_demo_server(tmp_path_factory.mktemp("runserver"))
    yield server
    stop_demo_server(server)


@pytest.fixture(scope="session")
def own_app_demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo offering both ways in: MoodyStream's app and the listener's own app."""
    server = start_demo_server(
        tmp_path_factory.mktemp("runserver-own-app"), SPOTIFY_SIGN_IN_MODES="operator,own-app"
    )
    yield server
    stop_demo_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class ConsoleWatch:
    """Console errors and CSP violations seen by a page."""

    messages: list[str] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m]


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


def _attach(page, console: ConsoleWatch) -> None:
    page.on(
        "console",
        lambda msg: console.messages.append(msg.text)
        if msg.type in {"error", "warning"}
        else None,
    )
    page.on("pageerror", lambda exc: console.messages.append(f"pageerror: {exc}"))


@pytest.fixture
def page(browser, console: ConsoleWatch, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    _attach(page, console)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, console: ConsoleWatch):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    _attach(page, console)
    yield page
    context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest):
    """Save a screenshot as a test artefact: ``screenshot(page, "preview")`` (the full page;
    ``full_page=False``: what the viewport shows, sticky bars where the user sees them)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take




@pytest.fixture(params=list(VIEWPORTS))
def sized_page(browser, console: ConsoleWatch, request: pytest.FixtureRequest):
    """A page at a laptop's size and at a phone's (the test runs once for each)."""
    context = browser.new_context(**VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    _attach(page, console)
    yield page
    context.close()
