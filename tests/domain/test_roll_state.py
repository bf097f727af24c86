"""A roll in the hedge memory: its progress and cost recomputed from our fills, its status
line, and its journal form surviving a restart (or refusing a damaged row). Sizes BTC,
prices and costs USDT, times ms (venue clock)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.memory import HedgeLegs, HedgeMemory, from_data, to_data
from bot.domain.model import Fill, Side
from bot.domain.roll_state import roll_line, roll_progress, start_roll

OLD, NEW = "BTC/USDT:USDT-261225", "BTC/USDT:USDT-270326"


def _fill(symbol: str, side: Side, amount: str, price: str, ts: int = 2_000) -> Fill:
    return Fill(f"t{symbol[-2:]}{side.value}{amount}{ts}", "o", symbol, side, D(amount), D(price),
                D(0), None, True, ts)  # fmt: skip


def _base(fill: Fill) -> D:
    return fill.amount


@pytest.mark.parametrize(
    ("old_price", "new_price", "cost"),
    [
        ("60000", "61000", "-300"),  # contango: the dearer next quarter is sold, basis earned
        ("61000", "60000", "300"),  # backwardation: basis paid
    ],
)
def test_roll_cost_is_the_price_difference_of_the_legs_times_the_amount_moved(
    old_price: str, new_price: str, cost: str
) -> None:
    """0.3 BTC bought back on the old leg and sold on the new one, 1,000 USDT apart: the
    roll cost is ±300 USDT (paid > 0, earned < 0) and 0.3 BTC has moved."""
    roll = start_roll(OLD, NEW, 1_000, D("0.3"))
    fills = [
        _fill(OLD, Side.BUY, "0.1", old_price),
        _fill(NEW, Side.SELL, "0.1", new_price),
        _fill(OLD, Side.BUY, "0.2", old_price),
        _fill(NEW, Side.SELL, "0.2", new_price),
    ]
    after = roll_progress(roll, fills, _base)
    assert after.progress.moved == D("0.3") and after.progress.cost == D(cost)


def test_progress_counts_only_roll_legs_since_the_start() -> None:
    """Fills before the roll started, and sells of the old leg, are not the roll's; a
    one-sided move (old bought, nothing sold yet) has moved nothing and costs nothing."""
    roll = start_roll(OLD, NEW, 1_000, D("0.3"))
    fills = [
        _fill(NEW, Side.SELL, "0.1", "61000", ts=999),
        _fill(OLD, Side.SELL, "0.1", "60000"),
        _fill(OLD, Side.BUY, "0.1", "60000"),
    ]
    after = roll_progress(roll, fills, _base)
    assert after.progress.bought == D("0.1") and after.progress.sold == 0
    assert after.progress.moved == 0 and after.progress.cost == 0


def test_the_status_line_says_what_moved_of_what() -> None:
    """The status shows "rolling A → B (x of y moved)"."""
    roll = roll_progress(
        start_roll(OLD, NEW, 1_000, D("0.300")),
        [_fill(OLD, Side.BUY, "0.1", "60000"), _fill(NEW, Side.SELL, "0.1", "61000")],
        _base,
    )
    assert roll_line(roll) == f"rolling {OLD} → {NEW} (0.1 of 0.3 moved)"


def test_a_roll_survives_the_journal_round_trip_of_the_memory() -> None:
    """The memory journaled with a roll in progress reads back with the same roll (a
    restart resumes it); a memory without one reads back without."""
    legs = HedgeLegs("main", "BTC", "main", OLD)
    roll = roll_progress(
        start_roll(OLD, NEW, 1_000, D("0.3")),
        [_fill(OLD, Side.BUY, "0.1", "60000"), _fill(NEW, Side.SELL, "0.05", "61000")],
        _base,
    )
    memory = HedgeMemory(legs=legs, roll=roll)
    assert from_data(to_data(memory)) == memory
    assert from_data(to_data(HedgeMemory(legs=legs))) == HedgeMemory(legs=legs)


@pytest.mark.parametrize(
    "damage",
    [{"progress": ["1", "x", "0", "0"]}, {"started_ms": "soon"}, {"to": ""}, {"progress": []}],
)
def test_a_damaged_roll_makes_the_row_unusable_rather_than_half_trusted(
    damage: dict[str, object],
) -> None:
    """A journaled roll with a bad amount, time or symbol: the memory is not read at all."""
    legs = HedgeLegs("main", "BTC", "main", OLD)
    data = to_data(HedgeMemory(legs=legs, roll=start_roll(OLD, NEW, 1_000, D("0.3"))))
    data["roll"] = {**data["roll"], **damage}  # type: ignore[dict-item]
    assert from_data(data) is None
