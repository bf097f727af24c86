"""The roll of a `future.series` hedge as a pure paired plan: move the short from the held
(old) contract to the next one in steps, such that after any fill — whole or partial — the
combined short stays within `[low, high]` (`(target − band) × exposure`,
`max_ratio × exposure`, in base units) and neither leg is ever net long.

Each step is one order: buy back a slice of the old contract (reduce-only) while
`old + new − slice ≥ low`, else sell a slice of the new one while `old + new + slice ≤
high`. Either moves the total monotonically, so any partial fill of it keeps the bounds.
The engine runs one step per cycle (`roll_step.plan_roll`, `engine/roll.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from bot.domain.dated_series import listed_contracts
from bot.domain.model import Market

__all__ = [
    "RollBounds",
    "RollLegs",
    "RollMove",
    "RollStep",
    "after_fill",
    "floor_to",
    "next_roll_step",
    "roll_due",
    "roll_target",
]

ZERO = Decimal(0)


class RollMove(StrEnum):
    BUY_OLD = "buy_old"  # reduce-only buy of the expiring contract
    SELL_NEW = "sell_new"  # post-only sell of the next contract


@dataclass(frozen=True, slots=True)
class RollLegs:
    """The two shorts, in base units, as positive sizes."""

    old: Decimal
    new: Decimal

    @property
    def total(self) -> Decimal:
        return self.old + self.new


@dataclass(frozen=True, slots=True)
class RollBounds:
    """The combined short's allowed range and the order limits, all in base units."""

    low: Decimal
    high: Decimal
    max_slice: Decimal
    step: Decimal


@dataclass(frozen=True, slots=True)
class RollStep:
    move: RollMove
    amount: Decimal


def roll_due(now_ms: int, expiry_ms: int, roll_before_ms: int) -> bool:
    """Whether the held contract is inside its roll window."""
    return now_ms >= expiry_ms - roll_before_ms


def floor_to(amount: Decimal, step: Decimal) -> Decimal:
    """`amount` rounded down to a multiple of `step`; 0 when not positive."""
    return (amount / step).to_integral_value(rounding=ROUND_DOWN) * step if amount > 0 else ZERO


def next_roll_step(legs: RollLegs, bounds: RollBounds) -> RollStep | None:
    """The next order of the roll; None when the old leg is flat (done) or no slice of
    `step` fits the bounds (the caller escalates by rule)."""
    if legs.old <= 0:
        return None
    down = floor_to(min(legs.old, legs.total - bounds.low, bounds.max_slice), bounds.step)
    if down > 0:
        return RollStep(RollMove.BUY_OLD, down)
    up = floor_to(min(bounds.high - legs.total, bounds.max_slice), bounds.step)
    if up > 0:
        return RollStep(RollMove.SELL_NEW, up)
    return None


def after_fill(legs: RollLegs, step: RollStep, filled: Decimal) -> RollLegs:
    """The legs after `filled` (≤ step.amount) of `step` traded."""
    if step.move is RollMove.BUY_OLD:
        return RollLegs(legs.old - filled, legs.new)
    return RollLegs(legs.old, legs.new + filled)


def roll_target(markets: Iterable[Market], held: Market, series: str, now_ms: int) -> Market | None:
    """The contract a roll out of `held` moves into: the series' first listed contract
    (open to trade at `now_ms`) that expires after `held`; None when none is listed."""
    if held.expiry_ms is None:
        return None
    expiry = held.expiry_ms
    later = [
        m
        for m in listed_contracts(markets, series, now_ms)
        if m.expiry_ms is not None and m.expiry_ms > expiry
    ]
    return later[0] if later else None
