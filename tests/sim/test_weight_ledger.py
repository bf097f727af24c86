"""The rolling one-minute weight budget per API key: 429 with Retry-After over it, 418 bans
for a client that keeps sending over it (`bot.sim.weight_ledger`), on a fake clock."""

from __future__ import annotations

import pytest

from bot.sim.weight_ledger import WeightLedger, binance_limits


class Clock:
    """Monotonic seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _ledger(clock: Clock, limit: int = 100) -> WeightLedger:
    return WeightLedger(binance_limits(limit), clock)


def test_used_weight_is_the_sum_of_the_last_minute(clock: Clock) -> None:
    """Used weight adds each served request's weight and forgets it 60 s later."""
    ledger = _ledger(clock)
    assert ledger.admit("k", "fapi", 40).used == 40
    clock.now += 30
    assert ledger.admit("k", "fapi", 5).used == 45
    clock.now += 30
    assert ledger.admit("k", "fapi", 1).used == 6
    assert ledger.used() == {"k": {"fapi": 6}}


def test_over_the_limit_is_429_with_retry_after_until_it_fits(clock: Clock) -> None:
    """A request that would pass the limit is refused 429, weighs nothing, and is told to wait
    until enough older weight leaves the window."""
    ledger = _ledger(clock)
    ledger.admit("k", "fapi", 60)
    clock.now += 20
    ledger.admit("k", "fapi", 30)
    verdict = ledger.admit("k", "fapi", 20)
    assert (verdict.status, verdict.used, verdict.retry_after_s) == (429, 90, 40)
    clock.now += 40
    assert ledger.admit("k", "fapi", 20).status == 200


def test_keys_and_families_have_their_own_budgets(clock: Clock) -> None:
    """One key's use never refuses another key, nor its own spot requests (6,000 there)."""
    ledger = _ledger(clock)
    ledger.admit("a", "fapi", 100)
    assert ledger.admit("a", "fapi", 1).status == 429
    assert ledger.admit("b", "fapi", 100).status == 200
    assert ledger.admit("a", "api", 500).status == 200
    assert ledger.limits == {"api": 6000, "fapi": 100, "dapi": 100}


def test_repeated_violations_before_retry_after_become_a_418_ban(clock: Clock) -> None:
    """Ignoring Retry-After: the third refused request inside it is banned 418 for 2 minutes
    (even a light request is refused while banned); a second ban lasts 4 minutes."""
    ledger = _ledger(clock)
    ledger.admit("k", "fapi", 100)
    statuses = [ledger.admit("k", "fapi", 10).status for _ in range(4)]
    assert statuses == [429, 429, 429, 418]
    banned = ledger.admit("k", "fapi", 0)
    assert (banned.status, banned.retry_after_s) == (418, 120)
    assert ledger.banned() == {"k": {"fapi": 120}}
    clock.now += 120
    assert ledger.admit("k", "fapi", 10).status == 200
    assert ledger.admit("k", "fapi", 90).status == 200
    assert [ledger.admit("k", "fapi", 10).status for _ in range(4)] == statuses
    assert ledger.admit("k", "fapi", 0).retry_after_s == 240


def test_a_client_that_waits_out_retry_after_is_not_banned(clock: Clock) -> None:
    """A refused request after its Retry-After passed starts again at 429, never 418."""
    ledger = _ledger(clock)
    ledger.admit("k", "fapi", 100)
    for _ in range(5):
        verdict = ledger.admit("k", "fapi", 101)
        assert verdict.status == 429
        clock.now += verdict.retry_after_s
        ledger.admit("k", "fapi", 100)


def test_limit_zero_counts_but_never_refuses(clock: Clock) -> None:
    """limit 0 (the default): every request is served and its weight still reported."""
    ledger = WeightLedger(clock=clock)
    for _ in range(100):
        assert ledger.admit("k", "fapi", 40).status == 200
    assert ledger.used() == {"k": {"fapi": 4000}}
    ledger.reset()
    assert ledger.used() == {}
