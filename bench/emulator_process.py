"""The emulator in a process of its own, for the figures that must not share a CPU (and a GIL)
with it: ``python -m bench.emulator_process`` prints its base URL and serves until stdin closes.

Driven over the emulator's control API (latency, reset, tokens); ``Remote`` is the bench side.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def serve() -> None:
    from spotify_emulator import EmulatorConfig, create_app, serve_in_thread

    server = serve_in_thread(create_app(EmulatorConfig(mode="development")))
    print(server.base_url, flush=True)
    sys.stdin.read()  # until the bench closes our stdin
    server.stop()


@dataclass
class Remote:
    """The bench's handle on an emulator process."""

    process: subprocess.Popen
    base_url: str
    token: str = ""

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/v1/"

    def control(self, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        url = f"{self.base_url}/_control/{route}"  # http://127.0.0.1: our own child process
        request = Request(url, data=data, method=method,  # noqa: S310
                          headers={"Content-Type": "application/json"})
        with urlopen(request, timeout=30) as answer:  # noqa: S310
            return json.loads(answer.read() or b"null")

    def fresh_state(self) -> None:
        """Back to the seeded world; the latency and a token for the user survive it."""
        latency = self.control("GET", "state").get("latency_ms", 0)
        self.control("POST", "reset")
        self.control("POST", "latency", {"ms": latency})
        self.issue_token()

    def issue_token(self) -> None:
        from bench.environment import USER
        from spotify_emulator import ALL_SCOPES

        answer = self.control("POST", "token", {"user_id": USER, "scopes": list(ALL_SCOPES)})
        self.token = answer["access_token"]

    def set_latency(self, ms: int) -> None:
        self.control("POST", "latency", {"ms": ms})

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start() -> Remote:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.emulator_process"],
        cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=60)
    if not line or not line[0].startswith("http"):
        process.kill()
        raise RuntimeError("the emulator process did not start")
    remote = Remote(process, line[0].strip())
    remote.issue_token()
    return remote


if __name__ == "__main__":
    serve()
