"""Which columns of a candle file hold what: the three layouts the backtest reads.

- The shared data layout: a `ts` column, `perp_*`/`spot_*`/`mark_*` open/high/low/close groups,
  an optional `funding_rate` (rate settled at that row) and an optional `symbol` column (the
  multi-symbol `scenario_*.csv` files).
- Any OHLCV CSV with a header: a time column (`ts`, `timestamp` or `open_time`) and `open`,
  `high`, `low`, `close` (other columns such as volume are ignored).
- Binance's public kline CSV: no header, 12 columns, open_time first (ms, or µs in newer
  dumps), then open, high, low, close.
Column names are matched case-insensitively.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.backtest.errors import DataError

__all__ = ["GENERIC", "LEGS", "Layout", "detect_layout"]

LEGS = ("spot", "perp", "mark")  # column groups by prefix
GENERIC = "ohlc"  # the un-prefixed open/high/low/close group
TIME_COLUMNS = ("ts", "timestamp", "open_time")
FUNDING_COLUMNS = ("funding_rate", "fundingrate", "last_funding_rate")
_FIELDS = ("open", "high", "low", "close")
_KLINE_WIDTH = 12
_PREFIXES = (*((leg, f"{leg}_") for leg in LEGS), (GENERIC, ""))


@dataclass(frozen=True, slots=True)
class Layout:
    """Column indices of one file. `groups` maps a group (spot, perp, mark or ohlc) to the
    indices of its open, high, low, close; `names` are the header's names (for messages)."""

    time: int
    groups: dict[str, tuple[int, int, int, int]]
    names: tuple[str, ...]
    funding: int | None = None
    symbol: int | None = None
    has_header: bool = True

    @property
    def width(self) -> int:
        """The fewest cells a data row needs."""
        used = [self.time, *(i for g in self.groups.values() for i in g)]
        used += [i for i in (self.funding, self.symbol) if i is not None]
        return max(used) + 1

    def name(self, index: int) -> str:
        return self.names[index] if index < len(self.names) else f"column {index + 1}"


def detect_layout(path: Path | str, first_row: Sequence[str]) -> Layout:
    """The layout of a file whose first CSV row is `first_row` (a header, or a kline row)."""
    if first_row and first_row[0].strip().isdigit():
        return _kline_layout(path, first_row)
    names = tuple(cell.strip().lower() for cell in first_row)
    index = {name: i for i, name in enumerate(names)}
    time = next((index[c] for c in TIME_COLUMNS if c in index), None)
    if time is None:
        raise DataError(path, 1, "missing column ts (or timestamp / open_time)")
    groups = {}
    for group, prefix in _PREFIXES:
        found = [index[prefix + f] for f in _FIELDS if prefix + f in index]
        if len(found) == len(_FIELDS):
            groups[group] = (found[0], found[1], found[2], found[3])
        elif found:
            absent = ", ".join(prefix + f for f in _FIELDS if prefix + f not in index)
            raise DataError(path, 1, f"missing column {absent} (the {group} candle is incomplete)")
    if not groups:
        raise DataError(
            path, 1, "missing columns open, high, low, close (or perp_*/spot_*/mark_* ones)"
        )
    funding = next((index[c] for c in FUNDING_COLUMNS if c in index), None)
    return Layout(time, groups, names, funding, index.get("symbol"))


def _kline_layout(path: Path | str, first_row: Sequence[str]) -> Layout:
    if len(first_row) < 5:
        raise DataError(
            path,
            1,
            f"a headerless kline row needs open_time, open, high, low, close "
            f"({_KLINE_WIDTH} columns in Binance's layout), found {len(first_row)} columns",
        )
    names = ("open_time", "open", "high", "low", "close")
    return Layout(0, {GENERIC: (1, 2, 3, 4)}, names, has_header=False)
