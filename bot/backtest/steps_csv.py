"""The per-step series as CSV, written while the run goes (one row per hedge per candle).

Columns: ts (ISO-8601 UTC, the candle's open), hedge, the spot and perp candles, mark close,
funding_rate, then the `Step`'s fields in its units (see `bot.backtest.series.Step`). Decimal
values are written exactly; empty cells are None (no ratio, no liquidation price). A path
ending in .gz is gzipped (a year of 5-minute candles for 4 hedges is ~100 MB of plain text).
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import IO

from bot.backtest.series import Frame, Step
from bot.backtest.timestamps import format_ms

__all__ = ["COLUMNS", "StepCsv"]

COLUMNS = (
    "ts",
    "hedge",
    *(f"{leg}_{f}" for leg in ("spot", "perp") for f in ("open", "high", "low", "close")),
    "mark_close",
    "funding_rate",
    "holding",
    "position",
    "ratio",
    "target",
    "band",
    "liquidation_distance",
    "equity_hedged",
    "equity_unhedged",
    "funding",
    "fees",
    "orders",
    "fills",
    "top_ups",
    "liquidations",
    "reason",
)


class StepCsv:
    """A StepSink writing every step to `path` as it arrives."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = _open(path)
        self._writer = csv.writer(self._file)
        self._writer.writerow(COLUMNS)
        self.rows = 0

    def add(self, frame: Frame) -> None:
        self._writer.writerows(_row(step) for step in frame)
        self.rows += len(frame)

    def close(self) -> None:
        self._file.close()


def _open(path: Path) -> IO[str]:
    """Kept open across the run's frames (a sink), closed by `StepCsv.close`."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.GzipFile(path, "wb"), encoding="utf-8", newline="")
    return path.open("w", encoding="utf-8", newline="")


def _row(step: Step) -> tuple[object, ...]:
    bar = step.bar
    return (
        format_ms(bar.ts_ms),
        step.hedge,
        *bar.spot,
        *bar.perp,
        bar.mark.close,
        _cell(bar.funding_rate),
        step.holding,
        step.position,
        _cell(step.ratio),
        step.target,
        step.band,
        _cell(step.liquidation_distance),
        step.equity_hedged,
        step.equity_unhedged,
        step.funding,
        step.fees,
        step.orders,
        step.fills,
        step.top_ups,
        step.liquidations,
        step.reason,
    )


def _cell(value: object) -> object:
    return "" if value is None else value
