"""Stream the candle rows of one file, checked: time order, no duplicates, numbers that are
numbers and candles that are candles. Every problem is a `DataError` naming file and line.

Rows are read lazily (memory does not grow with the file); `--from`/`--to` are applied
while reading, and reading stops at the window's end. A leg whose four cells are all empty
on a row (the shared 1h files have spot outages like that) has no candle there: it is None
in the `Row`, and the aligner bridges it like a missing row.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.backtest.errors import DataError
from bot.backtest.layouts import Layout, detect_layout
from bot.backtest.rows import Row, RowParser
from bot.backtest.textfile import open_text
from bot.backtest.timestamps import DateRange

__all__ = ["ANY_TIME", "read_layout", "read_rows", "symbol_key"]

ANY_TIME = DateRange()
_NEVER = 1 << 62  # an end time after every candle


def symbol_key(symbol: str) -> str:
    """BTC/USDT:USDT, BTC/USDT and BTCUSDT all → BTCUSDT (how files and configs are matched)."""
    return symbol.split(":")[0].replace("/", "").replace("-", "").upper()


def read_layout(path: Path) -> Layout:
    """The file's layout, from its first row (nothing else is read)."""
    with open_text(path) as handle:
        first = next(csv.reader(handle), None)
    if first is None:
        raise DataError(path, None, "is empty")
    return detect_layout(path, first)


def read_rows(
    path: Path, *, symbol: str | None = None, window: DateRange = ANY_TIME
) -> Iterator[Row]:
    """The rows of `path` inside `window`, in time order. `symbol` selects the rows of a
    multi-symbol file (one with a `symbol` column); it is ignored for single-symbol files."""
    with open_text(path) as handle:
        reader = csv.reader(handle)
        first = next(reader, None)
        if first is None:
            raise DataError(path, None, "is empty")
        layout = detect_layout(path, first)
        rows: Iterable[list[str]] = (
            reader if layout.has_header else itertools.chain([first], reader)
        )
        parser = RowParser(path, layout)
        wanted = None if layout.symbol is None or symbol is None else symbol_key(symbol)
        start = -1 if window.start_ms is None else window.start_ms
        end = _NEVER if window.end_ms is None else window.end_ms
        matched = 0
        for cells in rows if wanted is None else _of_symbol(rows, layout.symbol, wanted):
            if not cells:
                continue
            matched += 1
            row = parser.parse(cells, reader.line_num)
            if row.ts_ms >= end:
                return
            if row.ts_ms >= start:
                yield row
        if wanted is not None and matched == 0:
            raise DataError(path, None, f"has no rows for {symbol} (check the symbol column)")


def _of_symbol(rows: Iterable[list[str]], column: int | None, wanted: str) -> Iterator[list[str]]:
    assert column is not None
    accepted = None  # the raw spelling that matched, to skip normalising every row
    for cells in rows:
        if not cells or len(cells) <= column:
            if cells:
                yield cells  # too short: let the parser report it
            continue
        raw = cells[column]
        if raw != accepted:
            if symbol_key(raw) != wanted:
                continue
            accepted = raw
        yield cells
