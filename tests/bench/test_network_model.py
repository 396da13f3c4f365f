"""The bench's model of production: Spotify's network (HTTPS, keep-alive, round trips charged by
a proxy) and Lambda's CPU share and price."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench import lambda_cpu
from bench.network import SpotifyNetwork

RTT_MS = 200


def hello(environ: dict, start_response) -> list[bytes]:  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Iterator[SpotifyNetwork]:
    with SpotifyNetwork(hello, rtt_ms=RTT_MS) as served:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", served.ca_file)
        yield served


def timed_get(session: requests.Session, url: str) -> float:
    started = time.perf_counter()
    answer = session.get(url, timeout=10)
    assert answer.text == "hello"
    return time.perf_counter() - started


def test_a_new_https_connection_costs_three_round_trips_and_a_kept_alive_one_one(
    network: SpotifyNetwork,
) -> None:
    rtt = RTT_MS / 1000
    with requests.Session() as session:
        first = timed_get(session, network.base_url)  # TCP, TLS 1.3, the request
        again = timed_get(session, network.base_url)

    assert first >= 3 * rtt
    assert again >= rtt
    assert first - again >= rtt  # the handshakes' two round trips, less the noise of a busy CPU
    assert network.proxy.connections == 1


def test_the_certificate_is_trusted_only_where_the_run_says_so(network: SpotifyNetwork,
                                                               monkeypatch) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(network.base_url, timeout=10)


def test_lambda_gives_one_vcpu_at_1769_mb_and_bills_gb_seconds_and_requests() -> None:
    assert lambda_cpu.cpu_share(1769) == 1
    assert lambda_cpu.cpu_share(1024) == pytest.approx(0.579, abs=0.001)
    gb_seconds, dollars = lambda_cpu.cost_per_thousand(1.0, 1024, requests=2)
    assert gb_seconds == 1000
    assert dollars == pytest.approx(1000 * 0.0000166667 + 2000 * 0.20 / 1e6)


def test_a_cpu_quota_is_written_as_cgroup_v1_bandwidth(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1")
    monkeypatch.setattr(lambda_cpu, "CGROUP_ROOT", tmp_path)

    quota, note = lambda_cpu.quota_for(1024)

    assert quota is not None and note == ""
    assert (quota.path / "cpu.cfs_period_us").read_text() == "100000"
    assert (quota.path / "cpu.cfs_quota_us").read_text() == str(round(1024 / 1769 * 100000))


def test_without_a_cgroup_cpu_controller_the_bench_says_why(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(lambda_cpu, "CGROUP_ROOT", tmp_path)

    quota, note = lambda_cpu.quota_for(1024)

    assert quota is None
    assert "no cgroup CPU controller" in note
