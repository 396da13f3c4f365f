"""Create (or check) a stage's shared-state table: DynamoDB, on demand, TTL on ``x``.

    .venv/bin/python deploy/state_table.py [STAGE]      (STAGE: prod by default)

The table is named by the stage's ``MOODYSTREAM_STATE_TABLE`` in zappa_settings.json (and in
deploy/iam-policy*.json, the only table the function may touch), in the stage's region. Run
by ``deploy/zappa.sh deploy`` and ``update``; running it again changes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared_state.dynamodb import TTL_ATTRIBUTE, table_definition  # noqa: E402


def stage_table(stage: str) -> tuple[str, str]:
    """(table name, region) of ``stage``."""
    config = json.loads((ROOT / "zappa_settings.json").read_text())[stage]
    return config["environment_variables"]["MOODYSTREAM_STATE_TABLE"], config["aws_region"]


def ensure_table(client: Any, name: str) -> bool:
    """Create ``name`` unless it exists, wait for it, switch TTL on; whether it was created."""
    created = False
    try:
        client.describe_table(TableName=name)
    except client.exceptions.ResourceNotFoundException:
        client.create_table(**table_definition(name))
        created = True
    client.get_waiter("table_exists").wait(TableName=name)
    ttl = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        client.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": TTL_ATTRIBUTE})
    return created


def main(argv: list[str]) -> int:
    import boto3

    name, region = stage_table(argv[0] if argv else "prod")
    created = ensure_table(boto3.client("dynamodb", region_name=region), name)
    print(f"{'created' if created else 'checked'} DynamoDB table {name} ({region})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
