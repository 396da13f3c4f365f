"""Stores under test: the in-process one, and DynamoDB's played by moto (in-process or as a
``moto_server`` process on a loopback port, as two containers would share the real table)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from shared_state.dynamodb import TTL_ATTRIBUTE, DynamoDBState, table_definition
from shared_state.memory import MemoryState
from shared_state.store import SharedState

TABLE = "moodystream-state-test"
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}


class Clock:
    """Epoch seconds that only move when a test says so."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def create_table(client) -> None:
    client.create_table(**table_definition(TABLE))
    client.update_time_to_live(TableName=TABLE, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": TTL_ATTRIBUTE})


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FAKE_AWS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request, clock: Clock, fake_aws) -> Iterator[SharedState]:
    """Each implementation behind the same interface (DynamoDB: moto, in-process)."""
    if request.param == "memory":
        yield MemoryState(clock)
        return
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_table(client)
        yield DynamoDBState(TABLE, region="eu-west-1", clock=clock, client=client)


#: moto_server's own app, served one request at a time: moto applies a conditional write in two
#: steps (check, then write) that its server's threads could interleave, where DynamoDB's are
#: atomic; one at a time, the fake is as strict as the real table.
MOTO_SERVER = (
    "import sys\n"
    "from moto.server import DomainDispatcherApplication, create_backend_app\n"
    "from werkzeug.serving import run_simple\n"
    "run_simple('127.0.0.1', int(sys.argv[1]), DomainDispatcherApplication(create_backend_app),"
    " threaded=False)\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A ``moto_server`` on a loopback port with the table created; its URL. Stopped at the end
    (bounded: it must answer within 30 s)."""
    import boto3

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", MOTO_SERVER, str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **FAKE_AWS},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        client = boto3.client("dynamodb", endpoint_url=url, region_name="eu-west-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        create_table(client)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def memory_store(clock: Clock) -> SharedState:
    """Threads racing inside one process (moto's in-process fake is not atomic between
    threads; the same races against DynamoDB run through ``moto_server``)."""
    return MemoryState(clock)
