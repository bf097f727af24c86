"""The values the data layer hands to the replay loop: one candle per leg, one `Bar` per step.

Both are NamedTuples rather than dataclasses on purpose: the loader builds four of them per
candle (a year of 5-minute candles is ~105k steps per hedge), and a tuple is the cheapest
immutable value Python can build. Prices are `Decimal`, quote currency per base unit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

__all__ = ["Bar", "Ohlc"]


class Ohlc(NamedTuple):
    """One candle of one market: open, high, low, close (quote per base)."""

    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal

    @classmethod
    def flat(cls, price: Decimal) -> Ohlc:
        """A candle that never left `price`: how a gap is bridged (the last price held)."""
        return cls(price, price, price, price)


class Bar(NamedTuple):
    """One step of one hedge's market data, on the candle grid.

    `ts_ms` is the candle's open time (epoch ms, UTC). `spot` and `perp` are the two legs
    (a leg without its own series carries the other's candle: basis 0); `mark` is the perp's
    mark price (the perp's candle where no mark is recorded). `funding_rate` is the total
    rate settled within [ts_ms, ts_ms + interval), a fraction per settlement (0.0001 =
    0.01 %; positive: longs pay shorts), or None when nothing settles in this candle.
    """

    ts_ms: int
    spot: Ohlc
    perp: Ohlc
    mark: Ohlc
    funding_rate: Decimal | None = None
