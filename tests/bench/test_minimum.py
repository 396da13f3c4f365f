"""``bench.minimum``: the smallest request count, and the critical path as the fewest rounds of any
plan within the request target (not the rounds of the plan with the fewest requests)."""

from __future__ import annotations

from types import SimpleNamespace

from bench.minimum import ArtistPlan, MinimalPlan, _cheapest

RESULTS = [f"t{n}" for n in range(100)]  # the artist's search results, in order


def catalogue(deep_album_tracks: list[str]) -> SimpleNamespace:
    """Every search result on an album of its own, except ``deep_album_tracks`` (album "A",
    first in the artist's release list)."""
    tracks = {t: SimpleNamespace(album_id="A" if t in deep_album_tracks else f"album-{t}")
              for t in RESULTS}
    albums = {"A": SimpleNamespace(track_ids=deep_album_tracks)}
    albums |= {f"album-{t}": SimpleNamespace(track_ids=[t]) for t in RESULTS}
    return SimpleNamespace(tracks=tracks, albums=albums,
                           discography={"artist": [("A", "album")]})


def picks(*ids: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(id=i) for i in ids]


def test_three_deep_picks_on_one_album_cost_fewest_requests_by_album_but_fewest_rounds_by_search(
) -> None:
    deep = ["t30", "t60", "t95"]
    plan = _cheapest("artist", "Name", picks("t0", *deep), RESULTS, catalogue(deep),
                     frozenset(), 1)
    # First page, release list, album: 3 requests in 3 rounds; three search windows would be
    # 4 requests but only 2 rounds (the first page's total places them).
    assert (plan.search_pages, plan.release_pages, plan.album_requests) == (1, 1, 1)
    assert plan.requests == 3 and plan.rounds == 3
    assert plan.requests_within(2) == 4 and plan.requests_within(1) == 10  # ten pages at once
    others = [_cheapest(f"other {n}", "Other", picks("t0", "t95"), RESULTS, catalogue(["t95"]),
                        frozenset(), 1) for n in range(4)]  # 2 requests in 2 rounds each
    # 1 top artists + 3 + 4 x 2 + create + add = 14; the search windows make 15 (<= 1.3x):
    # top artists, 2 rounds, create, one items write.
    whole = MinimalPlan(tracks=50, artists=[plan, *others])
    assert whole.requests == 14
    assert whole.round_trips == 1 + 2 + 1 + 1


def test_a_deep_pick_in_one_window_is_both_cheapest_and_fewest_rounds() -> None:
    plan = _cheapest("artist", "Name", picks("t0", "t95"), RESULTS, catalogue(["t95"]),
                     frozenset(), 1)
    assert (plan.search_pages, plan.search_windows, plan.requests) == (1, 1, 2)
    assert plan.rounds == 2 and plan.requests_within(2) == 2
    assert MinimalPlan(tracks=50, artists=[plan]).round_trips == 1 + 2 + 1 + 1


def test_fewer_rounds_beyond_the_request_target_do_not_count() -> None:
    deep = ["t40", "t55", "t70", "t85", "t95"]
    plan = _cheapest("artist", "Name", picks("t0", *deep), RESULTS, catalogue(deep),
                     frozenset(), 1)
    assert plan.requests == 3 and plan.requests_within(2) == 6
    # 1 + 6 + 2 = 9 requests against 1 + 3 + 2 = 6: over 1.3x, so the release list's three
    # rounds stand.
    assert MinimalPlan(tracks=50, artists=[plan]).round_trips == 1 + 3 + 1 + 1


def test_picks_on_the_first_page_take_one_round() -> None:
    plan = _cheapest("artist", "Name", picks("t0", "t7"), RESULTS, catalogue([]), frozenset(), 1)
    assert plan.requests == plan.rounds == 1
    assert MinimalPlan(tracks=150, artists=[plan]).round_trips == 1 + 1 + 1 + 2


def test_a_plan_built_by_hand_counts_its_own_rounds() -> None:
    plan = ArtistPlan("Name", picks=2, search_pages=1, release_pages=1, album_requests=1)
    assert plan.requests_within(3) == 3 and plan.requests_within(2) > 10**5
