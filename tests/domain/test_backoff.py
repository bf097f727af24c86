"""Backing off a rejected plan: 5 s doubling to a 5-minute cap, per plan, in the memory."""

from __future__ import annotations

import pytest

from bot.domain.backoff import MAX_DELAY_MS, Backoff, after_rejection, delay_ms, waiting
from bot.domain.memory import HedgeLegs, HedgeMemory, note_order_outcome

KEY = "BTC:grow:0>-1"
MEMORY = HedgeMemory(HedgeLegs("main", "BTC", "main", "BTC/USDT:USDT"))


@pytest.mark.parametrize(
    ("attempts", "ms"),
    [(1, 5_000), (2, 10_000), (3, 20_000), (6, 160_000), (7, MAX_DELAY_MS), (500, MAX_DELAY_MS)],
)
def test_the_wait_doubles_from_five_seconds_up_to_five_minutes(attempts: int, ms: int) -> None:
    """delay_ms: 5 s after the first rejection, doubling with each one, never above 5 min."""
    assert delay_ms(attempts) == ms


def test_a_rejection_of_the_same_plan_waits_longer_and_a_new_plan_starts_over() -> None:
    """Same key: one more attempt from the new time; another key: attempt 1 again."""
    first = after_rejection(None, KEY, 1_000)
    assert first == Backoff(KEY, 1, 6_000)
    assert after_rejection(first, KEY, 7_000) == Backoff(KEY, 2, 17_000)
    assert after_rejection(first, "BTC:grow:0>-0.5", 7_000) == Backoff("BTC:grow:0>-0.5", 1, 12_000)


def test_only_the_backed_off_plan_waits_and_only_until_its_time() -> None:
    """`waiting` notes the seconds left for the same plan; other plans and later times pass."""
    backoff = Backoff(KEY, 2, 20_000)
    assert waiting(backoff, KEY, 10_500) == (
        "backing off after 2 rejection(s) in a row: next attempt in 10 s"
    )
    assert waiting(backoff, KEY, 20_000) is None
    assert waiting(backoff, "BTC:shrink:-1>0", 10_500) is None
    assert waiting(None, KEY, 0) is None


def test_the_memory_backs_off_a_keyed_rejection_and_forgets_it_after_a_placement() -> None:
    """A rejection with a key sets the back-off; one without (post-only, risk reduction)
    only counts; an accepted order clears both."""
    rejected = note_order_outcome(MEMORY, rejected=True, retry_key=KEY, now_ms=1_000)
    assert rejected.backoff == Backoff(KEY, 1, 6_000) and rejected.rejections == 1
    again = note_order_outcome(rejected, rejected=True, now_ms=2_000)
    assert again.backoff == rejected.backoff and again.rejections == 2
    placed = note_order_outcome(again, rejected=False)
    assert placed.backoff is None and placed.rejections == 0
