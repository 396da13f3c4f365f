"""The production store: one DynamoDB table (on-demand) every Lambda container sees.

Table layout (created by ``deploy/state_table.py``): partition key ``k`` and sort key ``s``
(strings), TTL attribute ``x`` (epoch seconds). A record is ``s = "-"`` with its fields in the
map ``v``; a budget window is ``s = "-"`` with the number ``n``; a pause is ``s = "pause#<name>"``
with ``u``, its end, under its group's key, so one query reads a group's pauses. Every condition
checks ``x`` itself, since DynamoDB removes expired items only eventually.

boto3 is imported and the client made on first use: nothing touches the network at import.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .store import Record, SharedState, SharedStateUnavailable, Value, stored_key

RECORD = "-"
PAUSE = "pause#"


def _field(value: Any) -> Value:
    return int(value) if isinstance(value, Decimal) else str(value)


def table_definition(name: str) -> dict[str, Any]:
    """``CreateTable``'s arguments: the layout above, billed per request."""
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"},
                      {"AttributeName": "s", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"},
                                 {"AttributeName": "s", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }


TTL_ATTRIBUTE = "x"


class DynamoDBState(SharedState):
    def __init__(self, table: str, *, region: str, endpoint_url: str | None = None,
                 clock: Callable[[], float] = time.time, client: Any = None,
                 timeout: float = 2.0) -> None:
        super().__init__(clock)
        self.table, self._region, self._endpoint_url = table, region, endpoint_url or None
        self._timeout = timeout
        self._client, self._client_lock = client, threading.Lock()

    @property
    def client(self) -> Any:
        with self._client_lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                self._client = boto3.client(
                    "dynamodb", region_name=self._region, endpoint_url=self._endpoint_url,
                    config=Config(connect_timeout=self._timeout, read_timeout=self._timeout,
                                  retries={"max_attempts": 3, "mode": "standard"}),
                )
            return self._client

    def _call(self, operation: str, **kwargs: Any) -> tuple[bool, dict[str, Any]]:
        """(True, answer), or (False, the item as found) when the condition failed."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return True, getattr(self.client, operation)(TableName=self.table, **kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False, exc.response.get("Item") or {}
            raise SharedStateUnavailable(f"DynamoDB {operation}: {exc}") from exc
        except BotoCoreError as exc:
            raise SharedStateUnavailable(f"DynamoDB {operation}: {exc}") from exc

    def _now(self) -> dict[str, Any]:
        return {"N": str(int(self.clock()))}

    @staticmethod
    def _key(key: str, sort: str = RECORD) -> dict[str, Any]:
        return {"k": {"S": stored_key(key)}, "s": {"S": sort}}

    @staticmethod
    def _map(value: Mapping[str, Value]) -> dict[str, Any]:
        return {"M": {k: ({"N": str(v)} if isinstance(v, int) else {"S": str(v)})
                      for k, v in value.items()}}

    def _expect(self, expect: Mapping[str, Value]) -> tuple[str, dict[str, str], dict[str, Any]]:
        names = {f"#e{i}": name for i, name in enumerate(expect)}
        values = {f":e{i}": self._map({"_": v})["M"]["_"] for i, v in enumerate(expect.values())}
        condition = " AND ".join(f"v.#e{i} = :e{i}" for i in range(len(expect)))
        return condition, names, values

    def claim(self, key: str, value: Mapping[str, Value], ttl: int) -> bool:
        done, _ = self._call(
            "put_item", Item={**self._key(key), "v": self._map(value),
                              "x": {"N": str(self.expiry(ttl))}},
            ConditionExpression="attribute_not_exists(k) OR x <= :now",
            ExpressionAttributeValues={":now": self._now()},
        )
        return done

    def read(self, key: str) -> Record | None:
        _, answer = self._call("get_item", Key=self._key(key), ConsistentRead=True)
        item = answer.get("Item")
        if not item or int(item["x"]["N"]) <= self.clock() or "v" not in item:
            return None
        return {k: _field(Decimal(v["N"]) if "N" in v else v["S"])
                for k, v in item["v"]["M"].items()}

    def replace(self, key: str, value: Mapping[str, Value], ttl: int, *,
                expect: Mapping[str, Value]) -> bool:
        condition, names, values = self._expect(expect)
        done, _ = self._call(
            "put_item", Item={**self._key(key), "v": self._map(value),
                              "x": {"N": str(self.expiry(ttl))}},
            ConditionExpression=f"x > :now AND {condition}" if condition else "x > :now",
            ExpressionAttributeValues={":now": self._now(), **values},
            **({"ExpressionAttributeNames": names} if names else {}),
        )
        return done

    def release(self, key: str, *, expect: Mapping[str, Value]) -> bool:
        condition, names, values = self._expect(expect)
        done, _ = self._call(
            "delete_item", Key=self._key(key),
            ConditionExpression=f"x > :now AND {condition}" if condition else "x > :now",
            ExpressionAttributeValues={":now": self._now(), **values},
            **({"ExpressionAttributeNames": names} if names else {}),
        )
        return done

    def _count(self, key: str) -> int:
        _, answer = self._call("get_item", Key=self._key(key), ConsistentRead=True)
        item = answer.get("Item")
        return int(item["n"]["N"]) if item and "n" in item else 0

    def _add_if_at_most(self, key: str, cost: int, room: int, expires: int) -> tuple[bool, int]:
        done, answer = self._call(
            "update_item", Key=self._key(key),
            UpdateExpression="ADD n :cost SET x = :x",
            ConditionExpression="attribute_not_exists(n) OR n <= :room",
            ExpressionAttributeValues={":cost": {"N": str(cost)}, ":room": {"N": str(room)},
                                       ":x": {"N": str(expires)}},
            ReturnValues="UPDATED_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        if done:
            return True, int(answer["Attributes"]["n"]["N"])
        return False, int(answer["n"]["N"]) if "n" in answer else self._count(key)

    def pause_until(self, group: str, name: str, until: float) -> None:
        end = {"N": str(int(until + 0.999))}
        self._call(
            "put_item", Item={**self._key(group, PAUSE + name), "u": end, "x": end},
            ConditionExpression="attribute_not_exists(u) OR u < :u",
            ExpressionAttributeValues={":u": end},
        )

    def pauses(self, group: str) -> dict[str, float]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.query(
                TableName=self.table, ConsistentRead=True,
                KeyConditionExpression="k = :k AND begins_with(s, :p)",
                ExpressionAttributeValues={":k": {"S": stored_key(group)}, ":p": {"S": PAUSE}},
            )
        except (BotoCoreError, ClientError) as exc:
            raise SharedStateUnavailable(f"DynamoDB query: {exc}") from exc
        now = self.clock()
        return {item["s"]["S"][len(PAUSE):]: float(item["u"]["N"])
                for item in answer.get("Items", ()) if float(item["u"]["N"]) > now}
