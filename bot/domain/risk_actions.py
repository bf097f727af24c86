"""Sizing the risk guard's heavier actions: a lower leverage, a smaller short.

Both assume a linear short whose liquidation price should sit at `target` (quote per base).
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
) -> Decimal:
    """Base units of the short (`size` < 0) to KEEP so that, with `margin_balance` (quote,
    unrealized P&L at `mark` included) staying behind the position, liquidation moves to
    `target` (> mark). Solves MB − s·(target − mark) = s·target·MMR − cum per bracket.

    Assumes the margin stays with the position when it is reduced (true for cross margin);
    a venue that releases isolated margin on reduction needs it added back.
    """
    held = abs(size)
    ordered = sorted(brackets, key=lambda b: b.notional_floor)
    for i, bracket in enumerate(ordered):
        denominator = target * (1 + bracket.maint_margin_ratio) - mark
        if denominator <= 0:
            continue
        keep = (margin_balance + bracket.cum) / denominator
        notional = keep * target
        last = i == len(ordered) - 1
        if notional < bracket.notional_floor:
            continue
        if last or notional < bracket.notional_cap:
            return min(max(keep, ZERO), held)
    return ZERO
