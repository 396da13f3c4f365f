"""Lambda's CPU share and price, for the bench's container model.

Lambda gives a function CPU in proportion to its memory: 1,769 MB is one vCPU (AWS Lambda
developer guide, "Configure Lambda function memory"), so 1,024 MB is about 0.58 of one and CPU
time counts about 1.7x in wall time.  ``CpuQuota`` gives a process that share of one CPU with
the kernel's CFS bandwidth control, as root: cgroup v2 ``cpu.max`` or, on a cgroup v1 host,
``cpu.cfs_quota_us`` (the kernel's default 100 ms period).  Where neither can be written, the
bench runs without a quota and says so.

Price: AWS Lambda, x86, first pricing tier (eu-west-1 as us-east-1), read on 2026-12-07 from
aws.amazon.com/lambda/pricing: $0.0000166667 per GB-second and $0.20 per million requests.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FULL_VCPU_MB = 1769
PERIOD_US = 100_000
PRICE_PER_GB_SECOND = 0.0000166667
PRICE_PER_REQUEST = 0.20 / 1_000_000
PRICE_SOURCE = ("AWS Lambda x86, $0.0000166667 per GB-s + $0.20 per 1M requests "
                "(aws.amazon.com/lambda/pricing, read 2026-12-07)")
CGROUP_ROOT = Path("/sys/fs/cgroup")


def cpu_share(memory_mb: int) -> float:
    """The vCPUs Lambda gives ``memory_mb`` (one at 1,769 MB)."""
    return memory_mb / FULL_VCPU_MB


def cost_per_thousand(seconds: float, memory_mb: int, requests: int = 1) -> tuple[float, float]:
    """(GB-seconds, dollars) for 1,000 units of work of ``seconds`` each, billed as ``requests``
    invocations each (Lambda bills wall time by the millisecond, memory in GB = MB / 1024)."""
    gb_seconds = 1000 * seconds * memory_mb / 1024
    return gb_seconds, gb_seconds * PRICE_PER_GB_SECOND + 1000 * requests * PRICE_PER_REQUEST


class QuotaUnavailable(Exception):
    """No CPU quota can be set here; the message says why."""


class CpuQuota:
    """A cgroup whose processes share ``share`` of one CPU; ``add(pid)``, then ``remove()`` once
    they have exited."""

    def __init__(self, share: float, name: str) -> None:
        self.share = share
        quota_us = max(1000, round(share * PERIOD_US))
        v2, v1 = CGROUP_ROOT / "cgroup.controllers", CGROUP_ROOT / "cpu" / "cpu.cfs_quota_us"
        if v2.exists() and "cpu" in v2.read_text().split():
            self.path = CGROUP_ROOT / name
            settings = {"cpu.max": f"{quota_us} {PERIOD_US}"}
        elif v1.exists():
            self.path = CGROUP_ROOT / "cpu" / name
            settings = {"cpu.cfs_period_us": str(PERIOD_US), "cpu.cfs_quota_us": str(quota_us)}
        else:
            raise QuotaUnavailable("no cgroup CPU controller at /sys/fs/cgroup")
        try:
            self.path.mkdir(exist_ok=True)
            for file, value in settings.items():
                (self.path / file).write_text(value)
        except OSError as exc:
            self.remove()
            raise QuotaUnavailable(f"cannot set a CPU quota in {self.path} "
                                   f"({exc.strerror}; the bench needs root)") from None

    def throttled_s(self) -> float:
        """Time the kernel held this cgroup's processes back, so far (``cpu.stat``)."""
        stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines()
                    if len(line.split()) == 2)
        if "throttled_usec" in stat:  # v2
            return int(stat["throttled_usec"]) / 1e6
        return int(stat.get("throttled_time", 0)) / 1e9  # v1: nanoseconds

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def remove(self) -> None:
        with contextlib.suppress(OSError):  # still in use, or never made
            self.path.rmdir()


def quota_for(memory_mb: int) -> tuple[CpuQuota | None, str]:
    """A quota at ``memory_mb``'s share, or ``None`` and why not."""
    try:
        return CpuQuota(cpu_share(memory_mb), f"moodystream-bench-{memory_mb}-{os.getpid()}"), ""
    except QuotaUnavailable as exc:
        return None, str(exc)
