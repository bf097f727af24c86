"""The time-order check every data file gets: strictly increasing timestamps."""

from __future__ import annotations

from pathlib import Path

from bot.backtest.errors import DataError
from bot.backtest.timestamps import format_ms

__all__ = ["OrderCheck"]


class OrderCheck:
    """Remembers the previous row's timestamp of one file; `check` raises `DataError` for a
    duplicate (equal) or unordered (earlier) timestamp, naming both lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.prev_ts, self.prev_line = -1, 0

    def check(self, ts: int, text: str, line: int) -> None:
        if ts <= self.prev_ts:
            raise DataError(self.path, line, self._problem(ts, text))
        self.prev_ts, self.prev_line = ts, line

    def _problem(self, ts: int, text: str) -> str:
        if ts == self.prev_ts:
            return f"duplicate timestamp {text} (line {self.prev_line} has it too)"
        return (
            f"timestamp {text} is earlier than line {self.prev_line} ({format_ms(self.prev_ts)}): "
            "rows must be in time order"
        )
