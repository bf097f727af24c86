"""Sizing the risk guard's heavier actions: a lower leverage, a smaller short.

Both assume a linear short whose liquidation price should sit at `target` (quote per base).
Amounts are quote (USDT), sizes base units (BTC).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from bot.domain.liquidation import MarginBracket

__all__ = ["leverage_for", "reduction_for"]

ZERO = Decimal(0)


def leverage_for(notional: Decimal, margin_wanted: Decimal, current: int | None) -> int | None:
    """The leverage at which the initial margin (notional / leverage, quote) is at least
    `margin_wanted`: floor(notional / margin_wanted), at least 1 and at least one step below
    `current`. None when the leverage is unknown or already 1x."""
    if current is None or current <= 1:
        return None
    if margin_wanted <= 0:
        return current - 1
    target = int((notional / margin_wanted).to_integral_value(rounding=ROUND_FLOOR))
    return max(1, min(target, current - 1))


def reduction_for(
    *,
    size: Decimal,
    mark: Decimal,
    target: Decimal,
    margin_balance: Decimal,
    brackets: Sequence[MarginBracket],
    margin_per_base: Decimal = ZERO,
) -> Decimal:
    """Base units of the short (`size` < 0) to KEEP so that liquidation moves to `target`
    (> mark), or 0 when no part of it can stay.

    The margin balance (quote, unrealized P&L at `mark` included) that stays behind the kept
    `k` base units is `margin_balance + margin_per_base × k`: a constant `margin_balance` when
    the margin stays with the position (cross margin, or isolated margin that is added back
    after the cut); `margin_per_base` > 0 models isolated margin released pro rata. Per
    bracket it solves MB(k) − k·(target − mark) ≥ k·target·MMR − cum and keeps the largest
    `k` (at most |size|) whose notional at `target` lies in that bracket.
    """
    held = abs(size)
    ordered = sorted(brackets, key=lambda b: b.notional_floor)
    best = ZERO
    for i, bracket in enumerate(ordered):
        lowest = bracket.notional_floor / target
        if lowest > held:
            break
        last = i == len(ordered) - 1
        highest = held if last else min(held, bracket.notional_cap / target)
        room = margin_balance + bracket.cum
        slope = target * (1 + bracket.maint_margin_ratio) - mark - margin_per_base
        if slope > 0:
            highest = min(highest, room / slope)
        elif room < 0:
            continue
        if highest >= lowest:
            best = max(best, highest)
    return best
