"""The deploy step creates each stage's shared-state table, as the function's policy names it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))

import state_table  # noqa: E402

SETTINGS = json.loads((ROOT / "zappa_settings.json").read_text())


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_the_table_is_created_on_demand_with_ttl_and_again_changes_nothing(
    stage: str, monkeypatch
) -> None:
    import boto3
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    name, region = state_table.stage_table(stage)
    assert name == f"moodystream-{stage}-state" and region == SETTINGS[stage]["aws_region"]
    with mock_aws():
        client = boto3.client("dynamodb", region_name=region)
        assert state_table.ensure_table(client, name) is True
        assert state_table.ensure_table(client, name) is False
        table = client.describe_table(TableName=name)["Table"]
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        ttl = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "x"}


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_the_function_uses_dynamodb_in_production(stage: str) -> None:
    env = SETTINGS[stage]["environment_variables"]
    assert env["DJANGO_ENV"] == "production"  # MOODYSTREAM_STATE_BACKEND defaults to dynamodb
    assert "MOODYSTREAM_STATE_BACKEND" not in env or env["MOODYSTREAM_STATE_BACKEND"] == "dynamodb"


def test_zappa_sh_creates_the_table_before_deploying_and_updating() -> None:
    script = (ROOT / "deploy" / "zappa.sh").read_text()
    for command in ("deploy)", "update)"):
        branch = script.split(f"    {command}", 1)[1].split(";;", 1)[0]
        assert branch.index("state_table") < branch.index("run_zappa")
