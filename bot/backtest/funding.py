"""Where a hedge's funding rates come from: the candle data, a funding file, a constant rate,
or nowhere. Each source answers "what rate settles inside this candle?".

A rate is a fraction per settlement (0.0001 = 0.01 %); positive means longs pay shorts. A
settlement at time S belongs to the candle with open ≤ S < open + interval; several inside
one candle (daily candles, 8-hourly funding) add up. A constant rate settles every 8 hours
at 00:00, 08:00 and 16:00 UTC (Binance's schedule for most USDⓈ-M perpetuals).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path

from bot.backtest.errors import DataError
from bot.backtest.ordering import OrderCheck
from bot.backtest.rows import NOT_A_RATE, funding_rate
from bot.backtest.textfile import open_text
from bot.backtest.timestamps import DateRange, IsoClock

__all__ = [
    "FundingKind",
    "FundingSpec",
    "FundingStream",
    "constant_rate_in",
    "parse_funding_arg",
    "read_funding",
]

HOUR_MS = 3_600_000
TIME_COLUMNS = ("ts", "timestamp", "calc_time", "funding_time", "fundingtime", "time")
RATE_COLUMNS = ("funding_rate", "fundingrate", "last_funding_rate", "rate")


class FundingKind(StrEnum):
    DATA = "data"  # the perp series' funding_rate column (none when it has no such column)
    FILE = "file"
    CONSTANT = "constant"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class FundingSpec:
    """One hedge's funding source. `every_hours` applies to a constant rate only."""

    kind: FundingKind = FundingKind.DATA
    path: Path | None = None
    rate: Decimal | None = None
    every_hours: int = 8

    def describe(self) -> str:
        if self.kind is FundingKind.FILE:
            return f"file {self.path}"
        if self.kind is FundingKind.CONSTANT:
            return f"constant {self.rate} every {self.every_hours} h"
        return self.kind.value


def parse_funding_arg(text: str) -> FundingSpec:
    """The value of `--funding HEDGE=FILE|RATE`: a number is a constant rate per 8 h
    settlement (0.0001 = 0.01 %), anything else a funding file."""
    text = text.strip()
    if not text:
        raise ValueError("--funding: give a file or a rate such as 0.0001")
    try:
        Decimal(text)
    except InvalidOperation:
        return FundingSpec(FundingKind.FILE, path=Path(text))
    rate = funding_rate(text)
    if rate is None:
        raise ValueError(f"--funding {text}: {NOT_A_RATE}")
    return FundingSpec(FundingKind.CONSTANT, rate=rate)


def constant_rate_in(rate: Decimal, start_ms: int, end_ms: int, every_ms: int) -> Decimal | None:
    """`rate` × the settlements (multiples of `every_ms` since the epoch) in [start, end)."""
    settlements = (end_ms - 1) // every_ms - (start_ms - 1) // every_ms
    return rate * settlements if settlements else None


def read_funding(path: Path, window: DateRange) -> Iterator[tuple[int, Decimal]]:
    """(settlement ms, rate) rows of a funding CSV (columns ts/timestamp/calc_time and
    funding_rate/last_funding_rate), checked like candle files, inside `window`."""
    with open_text(path) as handle:
        reader = csv.reader(handle)
        header = [c.strip().lower() for c in next(reader, [])]
        time, rate = _column(path, header, TIME_COLUMNS), _column(path, header, RATE_COLUMNS)
        clock, order = IsoClock(), OrderCheck(path)
        for cells in reader:
            if not cells:
                continue
            line = reader.line_num
            ts, value = _funding_row(path, line, cells, (time, rate), clock)
            order.check(ts, cells[time], line)
            if window.after(ts):
                return
            if not window.before(ts):
                yield ts, value


def _column(path: Path, header: list[str], names: tuple[str, ...]) -> int:
    for name in names:
        if name in header:
            return header.index(name)
    raise DataError(path, 1, f"missing column {names[0]} (or {' / '.join(names[1:])})")


def _funding_row(
    path: Path, line: int, cells: list[str], columns: tuple[int, int], clock: IsoClock
) -> tuple[int, Decimal]:
    time, rate = columns
    if len(cells) <= max(columns):
        raise DataError(path, line, f"has {len(cells)} columns, expected {max(columns) + 1}")
    try:
        ts = clock.parse(cells[time])
    except ValueError as exc:
        raise DataError(path, line, f"{cells[time]!r} {exc}") from None
    value = funding_rate(cells[rate])
    if value is None:
        raise DataError(path, line, f"{cells[rate]!r} {NOT_A_RATE}")
    return ts, value


class FundingStream:
    """A funding file consumed alongside the candles, one candle at a time."""

    def __init__(self, rows: Iterator[tuple[int, Decimal]]) -> None:
        self._rows = rows
        self._head = next(rows, None)

    def rate_in(self, start_ms: int, end_ms: int) -> Decimal | None:
        """The summed rate of the settlements in [start, end); earlier ones are dropped
        (they precede the first candle)."""
        total = None
        while self._head is not None and self._head[0] < end_ms:
            ts, rate = self._head
            if ts >= start_ms:
                total = rate if total is None else total + rate
            self._head = next(self._rows, None)
        return total
