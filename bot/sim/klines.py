"""Candles from the venue's recorded prices: Binance's klines rows for every dialect.

The board keeps the last 24 h of (time, price) points per instrument; a kline is one
interval's open/high/low/close of those points. Intervals with no point repeat the previous
close (Binance lists quiet candles too). Volumes are 0: the synthetic book has no tape. Rows
are Binance's 12-field arrays: [openTime, open, high, low, close, volume, closeTime,
quoteVolume, trades, takerBuyBase, takerBuyQuote, "0"].
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from bot.sim.errors import SimError
from bot.sim.fmt import fixed

__all__ = ["INTERVALS_MS", "klines"]

_MINUTE = 60_000
INTERVALS_MS = {
    "1m": _MINUTE,
    "3m": 3 * _MINUTE,
    "5m": 5 * _MINUTE,
    "15m": 15 * _MINUTE,
    "30m": 30 * _MINUTE,
    "1h": 60 * _MINUTE,
    "2h": 120 * _MINUTE,
    "4h": 240 * _MINUTE,
    "8h": 480 * _MINUTE,
    "1d": 1440 * _MINUTE,
}


def _interval(name: str) -> int:
    if name not in INTERVALS_MS:
        raise SimError(-1120, "Invalid interval.")
    return INTERVALS_MS[name]


def _row(start: int, step: int, prices: list[Decimal], count: int, places: int) -> list[Any]:
    o, h, low, c = prices[0], max(prices), min(prices), prices[-1]
    zero = fixed(Decimal(0), places)
    ohlc = [fixed(v, places) for v in (o, h, low, c)]
    return [start, *ohlc, "0", start + step - 1, zero, count, "0", "0", "0"]


def klines(
    points: Iterable[tuple[int, Decimal]],
    interval: str,
    now_ms: int,
    *,
    places: int,
    window: tuple[int | None, int | None, int] = (None, None, 500),
) -> list[list[Any]]:
    """Candles of `interval` from `points` (time, price; oldest first) up to `now_ms`,
    prices at `places` decimals; `window` = (startTime, endTime, limit) as Binance reads
    them (the latest `limit` candles when no start is given)."""
    step = _interval(interval)
    start_ms, end_ms, limit = window
    series = list(points)
    if not series:
        return []
    rows: list[list[Any]] = []
    first = series[0][0] // step * step
    close, i = series[0][1], 0
    for start in range(first, now_ms // step * step + 1, step):
        bucket = []
        while i < len(series) and series[i][0] < start + step:
            bucket.append(series[i][1])
            i += 1
        close = bucket[-1] if bucket else close
        rows.append(_row(start, step, bucket or [close], len(bucket), places))
    picked = [
        r
        for r in rows
        if (start_ms is None or r[6] >= start_ms) and (end_ms is None or r[0] <= end_ms)
    ]
    return picked[:limit] if start_ms is not None else picked[-limit:]
