"""Each listener's share of the app's Spotify budget, held across every container.

Spotify counts rate limits and quota per developer account over a rolling window, so one busy
listener can spend everyone's. These budgets are sliding windows in the shared store
(``shared_state``), per Spotify account (``ConnectedUser.key``: /me's account_id, hashed by the
store), so they hold whichever container answers:

* ``SUGGESTIONS``: artist look-ups that reach Spotify (cached answers are free);
* ``PREVIEW_BURST`` and ``PREVIEWS``: previews, counted in the Spotify requests they are
  expected to make (``preview_cost``: 50 artists × 200 tracks costs more than 10 × 50), over
  30 seconds (Spotify's own window) and 10 minutes;
* ``SAVES``: saves that write to Spotify (a repeat answered with the first one's playlist is
  free).

A spent budget is a page (or JSON) saying how long to wait, never a call to Spotify. If the
store cannot be reached, the request goes on (logged): budgets protect the app's quota, and
Spotify's own 429s remain the last word.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.session import ConnectedUser
from playlists.services.generation_error import GenerationError
from playlists.services.options import GenerationOptions
from shared_state.store import SharedStateUnavailable
from shared_state.stores import shared_state

logger = logging.getLogger("playlists.budgets")


@dataclass(frozen=True)
class Budget:
    name: str
    limit: int
    window_seconds: int
    what: str  # for the page: "artist suggestions", ...


SUGGESTIONS = Budget("suggestions", 30, 300, "artist suggestions")
PREVIEW_BURST = Budget("preview-burst", 600, 30, "previews")
PREVIEWS = Budget("previews", 3000, 600, "previews")
SAVES = Budget("saves", 30, 600, "saves")


class BudgetSpent(GenerationError):
    """A budget ran out where a page cannot be answered at once (inside a save)."""

    def __init__(self, budget: Budget, retry_after: float) -> None:
        super().__init__(f"That is a lot of {budget.what} in a short time: you can go on in "
                         f"about {wait_in_words(retry_after)}.")
        self.budget, self.retry_after = budget, retry_after


def charge_or_raise(user: ConnectedUser, budget: Budget) -> None:
    """``charge``, raising ``BudgetSpent`` when it is spent."""
    spent = charge(user, budget)
    if spent:
        raise BudgetSpent(*spent)


def preview_cost(options: GenerationOptions) -> int:
    """The Spotify requests a preview with these options is expected to make (a little more
    than measured: 51 for 20 artists × 50 tracks, 131-173 for 50 × 200; BENCHMARKS.md)."""
    return 4 + 3 * options.artist_count + options.track_count // 25


def charge(user: ConnectedUser, *budgets: Budget, cost: int = 1) -> tuple[Budget, float] | None:
    """Spend ``cost`` from each budget in turn; the first one spent and the seconds to wait,
    or ``None`` when all had room (always, in a demo run with budgets switched off)."""
    if settings.DEMO_WITHOUT_BUDGETS:
        return None
    store = shared_state()
    for budget in budgets:
        try:
            spent = store.spend(f"budget:{budget.name}:{user.key}", cost,
                                limit=budget.limit, window=budget.window_seconds)
        except SharedStateUnavailable as exc:
            logger.warning("budget %s not checked: %s", budget.name, exc)
            continue
        if not spent.allowed:
            logger.info("budget %s spent; %.0f s to wait", budget.name, spent.retry_after)
            return budget, spent.retry_after
    return None


def wait_in_words(seconds: float) -> str:
    seconds = max(1, math.ceil(seconds))
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def spent_page(request: HttpRequest, budget: Budget, retry_after: float) -> HttpResponse:
    """429 with the time to wait, the page and the header."""
    seconds = max(1, math.ceil(retry_after))
    response = render(request, "errors/budget_spent.html",
                      {"what": budget.what, "wait": wait_in_words(seconds)}, status=429)
    response["Retry-After"] = str(seconds)
    return response
