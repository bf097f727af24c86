"""One candle file's rows for one hedge, with one row of look-ahead and its candle interval.

The interval is the smallest step between the first rows (a gap there cannot fool it unless
every one of the first 16 steps is a gap); a file with a single candle takes the interval its
name states (binance_btcusdt_5m_…). Every later row must sit on the file's grid
(first open + a multiple of the interval), else `DataError`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from bot.backtest.errors import DataError
from bot.backtest.rows import Row
from bot.backtest.timestamps import DateRange, format_ms, timeframe_in_name

__all__ = ["Source", "describe_interval"]

_PEEK = 17


def describe_interval(ms: int) -> str:
    """300000 → 5m, 3600000 → 1h (Binance's spelling); odd values in seconds."""
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms / 1000:g}s"


class Source:
    """Rows of one file; `head` is the next unread row (None when exhausted)."""

    def __init__(self, path: Path, rows: Iterator[Row], window: DateRange) -> None:
        self.path = path
        first = list(itertools.islice(rows, _PEEK))
        if not first:
            raise DataError(path, None, _no_candles(window))
        self.interval_ms = self._interval(first)
        self.origin_ms = first[0].ts_ms
        self._file_rows = rows
        self._rows = itertools.chain(first, rows)
        self.head: Row | None = next(self._rows)

    def _interval(self, first: list[Row]) -> int:
        steps = [b.ts_ms - a.ts_ms for a, b in pairwise(first)]
        interval = min(steps) if steps else timeframe_in_name(self.path.name)
        if interval is None:
            raise DataError(
                self.path, None, "has a single candle and its name states no interval (e.g. _5m_)"
            )
        return interval

    def advance(self) -> None:
        """Move `head` to the next row; `DataError` if that row is off the candle grid."""
        row = next(self._rows, None)
        if row is not None and (row.ts_ms - self.origin_ms) % self.interval_ms:
            raise DataError(
                self.path,
                row.line,
                f"timestamp {format_ms(row.ts_ms)} is off the "
                f"{describe_interval(self.interval_ms)} candle grid that starts at "
                f"{format_ms(self.origin_ms)}",
            )
        self.head = row

    def skip_before(self, ts_ms: int) -> None:
        """Drop the rows that open before `ts_ms` (the other leg starts later)."""
        while self.head is not None and self.head.ts_ms < ts_ms:
            self.advance()

    def close(self) -> None:
        """Close the file now rather than when the rows are garbage collected."""
        closer = getattr(self._file_rows, "close", None)
        if closer is not None:
            closer()


def _no_candles(window: DateRange) -> str:
    if window.start_ms is None and window.end_ms is None:
        return "has no candles"
    start = "the start" if window.start_ms is None else format_ms(window.start_ms)
    end = "the end" if window.end_ms is None else format_ms(window.end_ms)
    return f"has no candles from {start} to {end} (--from/--to)"
