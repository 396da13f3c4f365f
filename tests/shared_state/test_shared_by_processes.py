"""Two processes (two Lambda containers) sharing one table through a ``moto_server``: a claim
is won once and a budget holds across both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.shared_state.conftest import FAKE_AWS, TABLE

ROOT = Path(__file__).resolve().parents[2]
CONTAINER = """
import json, sys, threading
from shared_state.dynamodb import DynamoDBState
store = DynamoDBState(sys.argv[2], region="eu-west-1", endpoint_url=sys.argv[1])
claimed, allowed = [], []
def work(n):
    if store.claim("save:alex:one-preview", {"by": sys.argv[3] + str(n)}, ttl=60):
        claimed.append(n)
    for _ in range(5):
        allowed.append(store.spend("budget:alex", 1, limit=30, window=300).allowed)
threads = [threading.Thread(target=work, args=(n,)) for n in range(5)]
[t.start() for t in threads]
[t.join(60) for t in threads]
print(json.dumps({"claimed": len(claimed), "allowed": allowed.count(True)}))
"""


def test_two_processes_share_claims_and_budgets(moto_server: str) -> None:
    env = {**os.environ, **FAKE_AWS, "PYTHONPATH": str(ROOT)}
    containers = [
        subprocess.Popen([sys.executable, "-c", CONTAINER, moto_server, TABLE, name],
                         stdout=subprocess.PIPE, env=env, cwd=ROOT, text=True)
        for name in ("a", "b")
    ]
    results = [json.loads(c.communicate(timeout=120)[0]) for c in containers]
    assert sum(r["claimed"] for r in results) == 1  # 10 claims of one preview, one winner
    assert sum(r["allowed"] for r in results) == 30  # 50 look-ups against a budget of 30
