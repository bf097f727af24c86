"""The trust state machine (domain/trust.py), one table row at a time."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.memory import HedgeLegs, HedgeMemory, Suspect, Trusted
from bot.domain.model import Fill, Position, Side
from bot.domain.trust import CONFIRM_CYCLES, expected_contracts, start_cycle, step

from ._factories import SYMBOL

LEGS = HedgeLegs("main", "BTC", "main", SYMBOL)
BASE = Trusted(D(-1), 1_000)


def _reading(contracts: str, ms: int | None = 2_000) -> Position:
    return Position(symbol=SYMBOL, contracts=D(contracts), timestamp_ms=ms)


def _fill(side: Side, amount: str, ms: int) -> Fill:
    return Fill(f"t{ms}", "o", SYMBOL, side, D(amount), D(60_000), D(0), "USDT", True, ms)


def test_a_passing_reading_becomes_the_baseline_and_clears_a_suspect() -> None:
    """ok → TRUSTED(reading), whatever the state before."""
    memory = HedgeMemory(LEGS, trusted=BASE, suspect=Suspect(D(0), 2))
    out = step(memory, ok=True, position=_reading("-2"), stamp_ms=2_000)
    assert out.trusted and not out.rebaselined
    assert out.memory.trusted == Trusted(D(-2), 2_000) and out.memory.suspect is None


@pytest.mark.parametrize(
    ("contracts", "stamp", "expected_seen", "adopted"),
    [
        ("-3", 2_000, 3, True),  # non-flat, venue-stamped, third time: adopted
        ("0", 2_000, 3, False),  # flat: never adopted by itself
        ("-3", None, 3, False),  # unstamped: never adopted by itself
    ],
)
def test_a_contradicting_reading_is_adopted_only_when_non_flat_and_stamped(
    contracts: str, stamp: int | None, expected_seen: int, adopted: bool
) -> None:
    """The same failing reading three cycles in a row is adopted unless flat or unstamped."""
    memory = HedgeMemory(LEGS, trusted=BASE)
    for _ in range(CONFIRM_CYCLES):
        out = step(memory, ok=False, position=_reading(contracts, stamp), stamp_ms=2_000)
        memory = out.memory
    assert out.rebaselined is adopted and out.trusted is False
    if adopted:
        assert memory.trusted == Trusted(D(contracts), 2_000) and memory.suspect is None
    else:
        assert memory.trusted == BASE and memory.suspect == Suspect(D(contracts), expected_seen)


def test_another_contradicting_reading_restarts_the_count() -> None:
    """SUSPECT(c, n) and a different failing reading c' → SUSPECT(c', 1)."""
    memory = HedgeMemory(LEGS, trusted=BASE, suspect=Suspect(D(-3), 2))
    out = step(memory, ok=False, position=_reading("-4"), stamp_ms=2_000)
    assert out.memory.suspect == Suspect(D(-4), 1) and out.memory.trusted == BASE


def test_a_rebaseline_request_drops_baseline_and_suspect_once() -> None:
    """`start_cycle` consumes the operator's request: no baseline, no suspect, flag cleared."""
    memory = HedgeMemory(LEGS, trusted=BASE, suspect=Suspect(D(0), 2), rebaseline=True)
    started = start_cycle(memory)
    assert (started.trusted, started.suspect, started.rebaseline) == (None, None, False)
    assert start_cycle(started) is started


def test_expected_position_adds_our_fills_after_the_baseline() -> None:
    """-1 at t=1000, then sell 0.5 (t=1500) and buy 0.2 (t=1600): -1.3; a fill at the
    baseline's own time is already in it."""
    fills = (
        _fill(Side.SELL, "9", 1_000),
        _fill(Side.SELL, "0.5", 1_500),
        _fill(Side.BUY, "0.2", 1_600),
    )
    assert expected_contracts(BASE, fills) == D("-1.3")
    assert expected_contracts(None, fills) is None
