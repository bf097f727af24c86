"""The backtest's own errors: each is a user mistake with one line that says what to fix.

The CLI prints `str(error)` and exits 2; no traceback. Both classes pickle (a sweep runs in
worker processes and sends errors back to the parent).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["BacktestError", "DataError", "SweepError"]


class BacktestError(Exception):
    """A backtest input cannot be used. Operator: fix what the message names and retry."""


class DataError(BacktestError):
    """A candle or funding file cannot be used: `path:line: problem` (line None = the whole
    file). Operator: repair or replace the file, or narrow --from/--to around the bad rows."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {problem}")

    def __reduce__(self) -> tuple[type[DataError], tuple[str, int | None, str]]:
        return DataError, (self.path, self.line, self.problem)


class SweepError(BacktestError):
    """A `--sweep KEY=V1,V2,...` argument cannot be used. Operator: fix the flag's spelling."""
