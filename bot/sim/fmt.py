"""Decimal → Binance string formatting (fixed decimals, never exponent notation)."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

__all__ = ["fixed", "plain", "round_to_step"]


def fixed(value: Decimal, places: int) -> str:
    """`value` with exactly `places` decimals, e.g. fixed(Decimal("1.5"), 8) == "1.50000000"."""
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):f}"


def plain(value: Decimal) -> str:
    """Shortest plain-notation string: plain(Decimal("67445.90")) == "67445.9", 0 → "0"."""
    if value == 0:
        return "0"
    text = f"{value.normalize():f}"
    return text


def round_to_step(value: Decimal, step: Decimal) -> Decimal:
    """`value` rounded down to a multiple of `step` (a quantity or tick grid)."""
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step
