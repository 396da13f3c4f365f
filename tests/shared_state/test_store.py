"""The shared store, as both implementations keep it: conditional records, sliding-window
budgets, pauses that only move later, everything expiring, keys stored as hashes."""

from __future__ import annotations

import threading

from shared_state.store import MAX_TTL_SECONDS, SharedState, stored_key


class TestRecords:
    def test_only_the_first_claim_wins(self, store: SharedState) -> None:
        assert store.claim("save:alex:d1", {"state": "saving", "by": "a"}, ttl=60)
        assert not store.claim("save:alex:d1", {"state": "saving", "by": "b"}, ttl=60)
        assert store.read("save:alex:d1") == {"state": "saving", "by": "a"}

    def test_parallel_claims_leave_exactly_one_winner(self, memory_store: SharedState) -> None:
        store = memory_store
        wins: list[int] = []

        def claim(n: int) -> None:
            if store.claim("save:alex:d2", {"by": str(n)}, ttl=60):
                wins.append(n)

        threads = [threading.Thread(target=claim, args=(n,)) for n in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert len(wins) == 1
        assert store.read("save:alex:d2") == {"by": str(wins[0])}

    def test_replace_and_release_need_the_expected_fields(self, store: SharedState) -> None:
        store.claim("save:k", {"state": "saving", "by": "a"}, ttl=60)
        assert not store.replace("save:k", {"state": "done"}, ttl=60, expect={"by": "b"})
        assert store.replace("save:k", {"state": "done", "n": 3}, ttl=60, expect={"by": "a"})
        assert store.read("save:k") == {"state": "done", "n": 3}
        assert not store.release("save:k", expect={"state": "saving"})
        assert store.release("save:k", expect={"state": "done"})
        assert store.read("save:k") is None

    def test_an_expired_entry_is_absent_and_can_be_claimed_again(self, store, clock) -> None:
        store.claim("save:k", {"by": "a"}, ttl=30)
        clock.advance(31)
        assert store.read("save:k") is None
        assert not store.replace("save:k", {"by": "x"}, ttl=30, expect={"by": "a"})
        assert store.claim("save:k", {"by": "b"}, ttl=30)

    def test_nothing_is_kept_longer_than_a_day(self, store, clock) -> None:
        store.claim("save:k", {"by": "a"}, ttl=10 * MAX_TTL_SECONDS)
        clock.advance(MAX_TTL_SECONDS + 1)
        assert store.read("save:k") is None


class TestBudgets:
    def test_the_budget_holds_and_says_when_there_is_room(self, store, clock) -> None:
        for _ in range(30):
            assert store.spend("budget:u", 1, limit=30, window=300).allowed
        spent = store.spend("budget:u", 1, limit=30, window=300)
        assert not spent.allowed and 1 <= spent.retry_after <= 600

    def test_a_boundary_does_not_let_twice_the_budget_through(self, store, clock) -> None:
        """Fixed windows let 30 just before a boundary and 30 just after; sliding ones do not."""
        clock.now = 300 * (int(clock.now // 300) + 1) - 2  # two seconds before a boundary
        allowed = sum(store.spend("budget:u", 1, limit=30, window=300).allowed for _ in range(30))
        clock.advance(4)
        allowed += sum(store.spend("budget:u", 1, limit=30, window=300).allowed
                       for _ in range(30))
        assert allowed == 30

    def test_room_comes_back_as_the_window_slides(self, store, clock) -> None:
        clock.now = 300 * int(clock.now // 300)
        for _ in range(30):
            store.spend("budget:u", 1, limit=30, window=300)
        refused = store.spend("budget:u", 1, limit=30, window=300)
        clock.advance(refused.retry_after + 1)
        assert store.spend("budget:u", 1, limit=30, window=300).allowed
        clock.advance(600)
        assert sum(store.spend("budget:u", 1, limit=30, window=300).allowed
                   for _ in range(40)) == 30

    def test_a_cost_counts_whole_and_too_big_a_cost_is_refused(self, store) -> None:
        assert store.spend("budget:p", 150, limit=400, window=600).allowed
        assert store.spend("budget:p", 200, limit=400, window=600).allowed
        assert not store.spend("budget:p", 60, limit=400, window=600).allowed
        assert store.spend("budget:p", 50, limit=400, window=600).allowed
        assert not store.spend("budget:q", 500, limit=400, window=600).allowed

    def test_budgets_are_kept_per_key(self, store) -> None:
        for _ in range(3):
            store.spend("budget:a", 1, limit=3, window=60)
        assert not store.spend("budget:a", 1, limit=3, window=60).allowed
        assert store.spend("budget:b", 1, limit=3, window=60).allowed

    def test_parallel_spending_never_passes_the_limit(self, memory_store) -> None:
        store = memory_store
        results: list[bool] = []

        def spend() -> None:
            results.append(store.spend("budget:u", 1, limit=10, window=300).allowed)

        threads = [threading.Thread(target=spend) for _ in range(25)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert results.count(True) == 10


class TestPauses:
    def test_a_pause_is_seen_until_it_ends(self, store, clock) -> None:
        store.pause_until("app:x", "GET /artists/{id}/albums", clock.now + 86_000)
        store.pause_until("app:x", "*", clock.now + 5)
        assert store.pauses("app:x") == {"GET /artists/{id}/albums": clock.now + 86_000,
                                         "*": clock.now + 5}
        assert store.pauses("app:y") == {}
        clock.advance(6)
        assert set(store.pauses("app:x")) == {"GET /artists/{id}/albums"}

    def test_a_pause_only_moves_later(self, store, clock) -> None:
        store.pause_until("app:x", "*", clock.now + 60)
        store.pause_until("app:x", "*", clock.now + 10)
        assert store.pauses("app:x")["*"] == clock.now + 60


def test_keys_are_stored_as_hashes() -> None:
    key = stored_key("save:alex@example.com:abcdef")
    assert key.startswith("save:") and "alex" not in key and len(key) == len("save:") + 64


def test_dynamodb_items_hold_no_readable_key(fake_aws, clock) -> None:
    import boto3
    from moto import mock_aws

    from shared_state.dynamodb import DynamoDBState
    from tests.shared_state.conftest import TABLE, create_table

    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_table(client)
        store = DynamoDBState(TABLE, region="eu-west-1", clock=clock, client=client)
        store.claim("save:alex:digest", {"state": "saving"}, ttl=60)
        store.spend("budget:alex", 1, limit=3, window=60)
        items = client.scan(TableName=TABLE)["Items"]
        assert len(items) == 2
        assert "alex" not in repr(items)
        assert all(int(item["x"]["N"]) <= clock.now + MAX_TTL_SECONDS + 660 for item in items)
        ttl = client.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"]
        assert ttl["AttributeName"] == "x"
