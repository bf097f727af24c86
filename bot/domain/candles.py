"""Price history as the venue reports it: `Candle` (one interval's OHLC) and the high of a
series. Prices are quote per base; `open_ms` is the interval's start, epoch ms (venue clock)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Candle", "high_of"]


@dataclass(frozen=True, slots=True)
class Candle:
    """One interval's open, high, low and close."""

    open_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal


def high_of(candles: Iterable[Candle], now: Decimal | None = None) -> Decimal | None:
    """The highest price of `candles` and the price seen `now`; None when there is neither."""
    highs = [c.high for c in candles]
    if now is not None:
        highs.append(now)
    return max(highs, default=None)
