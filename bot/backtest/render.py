"""A run's outputs: the terminal table (rich), the JSON document, and `--out DIR`.

`--out DIR` holds: `result.json` (the `--json` document), `steps.csv` (written DURING the run
by the `StepCsv` sink from `step_sink`), one PNG per plot, and `report.html` (self-contained).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

from bot.backtest.errors import BacktestError
from bot.backtest.formatting import LABELS, display
from bot.backtest.metrics import METRIC_KEYS
from bot.backtest.result import RunSummary
from bot.backtest.sampler import SeriesSampler
from bot.backtest.steps_csv import StepCsv

__all__ = [
    "STEPS_CSV",
    "metrics_table",
    "prepare_out",
    "print_json",
    "print_table",
    "step_sink",
    "sweep_table",
    "write_outputs",
]

STEPS_CSV = "steps.csv"
RESULT_JSON = "result.json"
REPORT_HTML = "report.html"


def metrics_table(summary: RunSummary, title: str = "backtest") -> Table:
    """One row per metric; a column for the run and one per hedge."""
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    columns = [("run", summary.metrics), *summary.hedges.items()]
    for name, _ in columns:
        table.add_column(name, justify="right")
    for key in METRIC_KEYS:
        table.add_row(LABELS[key], *(display(key, getattr(m, key)) for _, m in columns))
    return table


def print_table(summary: RunSummary, console: Console) -> None:
    console.print(metrics_table(summary, _title(summary)))


def _title(summary: RunSummary) -> str:
    if not summary.params:
        return "backtest"
    return "backtest " + ", ".join(f"{k}={v}" for k, v in summary.params.items())


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def print_json(document: Any, stream: TextIO) -> None:
    """`document` as indented JSON (Decimals as exact strings)."""
    print(json.dumps(document, default=_json_default, indent=2), file=stream)


def prepare_out(out_dir: Path) -> Path:
    """Create `--out DIR` (parents too); a clear error when it is a file or not writable."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise BacktestError(f"--out {out_dir}: is a file, not a directory") from None
    except OSError as exc:
        raise BacktestError(f"--out {out_dir}: cannot create it ({exc.strerror})") from None
    return out_dir


def step_sink(out_dir: Path, *, compress: bool = False) -> StepCsv:
    """The per-step CSV sink for a run writing into `out_dir` (open it before the run);
    `compress` writes steps.csv.gz instead (a year of 5-minute steps is ~25 MB per hedge)."""
    return StepCsv(prepare_out(out_dir) / (STEPS_CSV + (".gz" if compress else "")))


def write_outputs(out_dir: Path, summary: RunSummary, sampler: SeriesSampler) -> list[Path]:
    """Write result.json, the PNG plots and report.html into `out_dir`; the paths written."""
    from bot.backtest.plots import render_pngs  # matplotlib loads only when plots are wanted
    from bot.backtest.report_html import report_html

    prepare_out(out_dir)
    written = [out_dir / RESULT_JSON]
    with written[0].open("w", encoding="utf-8") as handle:
        print_json(summary.as_json(), handle)
    pngs = render_pngs(sampler)
    for name, png in pngs.items():
        path = out_dir / f"{name}.png"
        path.write_bytes(png)
        written.append(path)
    html = out_dir / REPORT_HTML
    html.write_text(report_html(summary, pngs, _title(summary)), encoding="utf-8")
    return [*written, html]


def sweep_table(ranked: Sequence[RunSummary], keys: Sequence[str]) -> Table:
    """The ranked runs of a sweep: rank, each swept key, then the headline metrics."""
    table = Table(title="sweep (best first)", title_justify="left")
    headline = ("hedge_effectiveness", "max_drawdown_hedged", "pnl_hedged", "funding", "fees")
    for column in ("#", *keys, *(LABELS[k] for k in headline)):
        table.add_column(column, justify="right")
    for rank, summary in enumerate(ranked, start=1):
        values = [display(k, getattr(summary.metrics, k)) for k in headline]
        table.add_row(str(rank), *(summary.params.get(k, "") for k in keys), *values)
    return table
