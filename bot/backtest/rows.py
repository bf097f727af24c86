"""Parse and check one candle row: the reader's hot loop (~100k rows per second per core).

Checks, each a `DataError` naming file and line: enough columns; a timestamp later than the
previous row's (equal = duplicate, earlier = unordered); prices that are finite numbers and
form a candle (0 < low ≤ open, close ≤ high); a funding rate that is a fraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from bot.backtest.bars import Ohlc
from bot.backtest.errors import DataError
from bot.backtest.layouts import GENERIC, Layout
from bot.backtest.ordering import OrderCheck
from bot.backtest.timestamps import IsoClock

__all__ = ["NOT_A_RATE", "Row", "RowParser", "funding_rate"]

GROUP_ORDER = ("spot", "perp", "mark", GENERIC)  # the order of the candles in a `Row`
_new = tuple.__new__  # builds a NamedTuple without its Python-level __new__ (hot loop)
NOT_A_RATE = "is not a funding rate (a fraction per settlement, e.g. 0.0001 = 0.01 %)"


class Row(NamedTuple):
    """One checked data row. Legs the file lacks, or whose cells are empty here, are None."""

    ts_ms: int
    line: int
    spot: Ohlc | None
    perp: Ohlc | None
    mark: Ohlc | None
    ohlc: Ohlc | None  # the un-prefixed open/high/low/close group
    funding: Decimal | None


def funding_rate(text: str) -> Decimal | None:
    """`text` as a funding rate (a finite fraction below 1 in size), or None if it is not."""
    try:
        rate = Decimal(text)
    except InvalidOperation:
        return None
    return rate if rate.is_finite() and abs(rate) < 1 else None


class RowParser:
    """Parses the rows of one file in order; remembers the previous timestamp to check it."""

    def __init__(self, path: Path, layout: Layout) -> None:
        self.path, self.layout = path, layout
        self._groups = tuple(
            (slot, group, itemgetter(*layout.groups[group]), layout.groups[group])
            for slot, group in enumerate(GROUP_ORDER)
            if group in layout.groups
        )
        self._width = layout.width
        self._clock = IsoClock()
        self._order = OrderCheck(path)

    def parse(self, cells: Sequence[str], line: int) -> Row:
        """The checked `Row` of `cells`, found on `line` of the file."""
        if len(cells) < self._width:
            raise DataError(
                self.path, line, f"has {len(cells)} columns, expected at least {self._width}"
            )
        ts = self._timestamp(cells[self.layout.time], line)
        candles: list[Ohlc | None] = [None, None, None, None]
        for slot, group, getter, idx in self._groups:
            texts = getter(cells)
            if any(texts):  # all four empty: no candle for this leg here (a gap)
                candles[slot] = self._ohlc(group, texts, idx, cells, line)
        column = self.layout.funding
        funding = None if column is None or not cells[column] else self._funding(cells, line)
        return _new(Row, (ts, line, candles[0], candles[1], candles[2], candles[3], funding))

    def _timestamp(self, text: str, line: int) -> int:
        try:
            ts = self._clock.parse(text)
        except ValueError as exc:
            column = self.layout.name(self.layout.time)
            raise DataError(self.path, line, f"{column} {text!r} {exc}") from None
        order = self._order
        if ts <= order.prev_ts:
            order.check(ts, text, line)  # raises: duplicate or earlier
        order.prev_ts, order.prev_line = ts, line
        return ts

    def _ohlc(
        self,
        group: str,
        texts: tuple[str, ...],
        idx: tuple[int, ...],
        cells: Sequence[str],
        line: int,
    ) -> Ohlc:
        try:
            candle = _new(Ohlc, map(Decimal, texts))
            o, h, l_, c = candle
            sane = h.is_finite() and 0 < l_ <= o <= h and l_ <= c <= h
        except InvalidOperation:
            raise DataError(self.path, line, self._number_problem(idx, cells)) from None
        if not sane:
            finite = all(value.is_finite() for value in candle)
            problem = _candle_problem(group, candle) if finite else self._number_problem(idx, cells)
            raise DataError(self.path, line, problem)
        return candle

    def _number_problem(self, idx: tuple[int, ...], cells: Sequence[str]) -> str:
        for i in idx:
            text = cells[i]
            if not text.strip():
                return f"{self.layout.name(i)} is empty"
            try:
                if Decimal(text).is_finite():
                    continue
            except InvalidOperation:
                pass
            return f"{self.layout.name(i)} {text!r} is not a number"
        return "a price is not a number"  # unreachable: one of the cells failed to parse

    def _funding(self, cells: Sequence[str], line: int) -> Decimal:
        column = self.layout.funding
        assert column is not None
        rate = funding_rate(cells[column])
        if rate is None:
            problem = f"{self.layout.name(column)} {cells[column]!r} {NOT_A_RATE}"
            raise DataError(self.path, line, problem)
        return rate


def _candle_problem(group: str, candle: Ohlc) -> str:
    o, h, l_, c = candle
    return (
        f"the {group} candle open {o}, high {h}, low {l_}, close {c} is not a candle "
        "(need 0 < low ≤ open, close ≤ high)"
    )
