"""`hedgebot report -c CONFIG [--from] [--to] [--json] [--out DIR]`: the live hedges' P&L per
hedge and per UTC day from the daemon's journal, opened read-only (works while it runs).

Per hedge and day: spot P&L, perp P&L, funding (received +), fees (paid +) and their total,
which is the hedge's equity change exactly (Decimal); fills, orders, top-ups, risk events;
in total also the realised hedge effectiveness and the costs of completed rolls; and the
alerts the operator was sent in the period, counted by kind. `--out DIR`
writes report.json and, per hedge, DIR/<hedge>/ with the backtest's plots and report.html.
A user mistake (no journal yet, bad dates) raises `BacktestError` (one line, exit 2).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bot.backtest.args import parse_window
from bot.backtest.errors import BacktestError
from bot.backtest.render import prepare_out, print_json, write_outputs
from bot.backtest.result import RunSummary
from bot.backtest.sampler import SeriesSampler
from bot.report.hedge_report import DayRow, HedgeReport
from bot.report.journal_read import ReportJournal
from bot.report.reports import build_reports
from bot.store import JournalError

__all__ = ["add_report_arguments", "build_reports", "report_command"]

REPORT_JSON = "report.json"
COLUMNS = (
    "day",
    "spot P&L",
    "perp P&L",
    "funding",
    "fees",
    "total",
    "fills",
    "orders",
    "top-ups",
    "risk events",
)


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    """`--from`, `--to` (UTC dates, [from, to)), `--json`, `--out DIR`."""
    p.add_argument(
        "--from", dest="start", default=None, metavar="DATE", help="first day (UTC), inclusive"
    )
    p.add_argument("--to", dest="end", default=None, metavar="DATE", help="end (UTC), exclusive")
    p.add_argument("--json", action="store_true", help="print JSON (amounts as exact strings)")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="write report.json and per hedge the plots and report.html",
    )


def _table(report: HedgeReport) -> Table:
    table = Table(title=f"hedge {report.hedge}{_basket_title(report)}", title_justify="left")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column == "day" else "right")
    for row in (*report.days, report.total):
        table.add_row(*_cells(row))
    m = report.metrics
    effectiveness = (
        "n/a" if m is None or m.hedge_effectiveness is None else f"{m.hedge_effectiveness:.3f}"
    )
    table.caption = (
        f"hedge effectiveness {effectiveness}; roll costs {report.roll_costs}"
        f"{_basket_caption(report)}"
    )
    return table


def _basket_title(report: HedgeReport) -> str:
    """' (basket with ETH, XRP)' for a basket member: the hedges sharing its perp."""
    tag = report.basket
    if tag is None:
        return ""
    return f" (basket with {', '.join(m for m in tag.members if m != report.hedge)})"


def _basket_caption(report: HedgeReport) -> str:
    tag = report.basket
    if tag is None:
        return ""
    return (
        f"; perp P&L, funding and fees: its share of the basket's "
        f"({tag.share * 100:.2f} % at the latest reading)"
    )


def _alerts_table(counts: dict[str, int]) -> Table:
    table = Table(title="alerts sent", title_justify="left")
    table.add_column("kind")
    table.add_column("count", justify="right")
    for kind, count in counts.items():
        table.add_row(kind or "(unknown)", str(count))
    if not counts:
        table.caption = "none in this period"
    return table


def _cells(row: DayRow) -> list[str]:
    s = row.split
    money = [f"{v:,.2f}" for v in (s.spot, s.perp, s.funding, s.fees, s.total)]
    return [row.day, *money, *map(str, (row.fills, row.orders, row.top_ups, row.risk_events))]


def _write(
    out: Path,
    reports: Sequence[HedgeReport],
    samplers: dict[str, SeriesSampler],
    document: dict[str, Any],
) -> None:
    with (prepare_out(out) / REPORT_JSON).open("w", encoding="utf-8") as handle:
        print_json(document, handle)
    for report in reports:
        if report.metrics is not None:
            summary = RunSummary({}, report.metrics, {report.hedge: report.metrics})
            write_outputs(out / report.hedge, summary, samplers[report.hedge])


def report_command(args: argparse.Namespace) -> int:
    """Run `hedgebot report`; raises BacktestError for anything the user can fix."""
    from bot.config import ConfigError, load_config

    try:
        settings = load_config(args.config, require_secrets=False)
    except ConfigError as exc:
        raise BacktestError(f"configuration error: {exc}") from None
    window = parse_window(args.start, args.end)
    hedges = {n: (h.contract.label, h.band) for n, h in settings.hedges.items()}
    samplers: dict[str, SeriesSampler] = {}
    try:
        with ReportJournal(settings.journal.path) as journal:
            reports = build_reports(journal, hedges, window, samplers)
            alerts = journal.alert_counts(window.start_ms, window.end_ms)
    except JournalError as exc:
        raise BacktestError(f"{exc} (journal.path; has the daemon run yet?)") from None
    except ValueError as exc:  # a journal row the P&L cannot value (e.g. a foreign fee asset)
        raise BacktestError(f"journal {settings.journal.path}: {exc}") from None
    document = {
        "from": args.start,
        "to": args.end,
        "hedges": {r.hedge: r.as_json() for r in reports},
        "alerts": alerts,
    }
    if args.json:
        print_json(document, sys.stdout)
    else:
        console = Console()
        for report in reports:
            console.print(_table(report))
        console.print(_alerts_table(alerts))
    if args.out is not None:
        _write(args.out, reports, samplers, document)
    return 0
