"""`hedgebot report`'s roll costs come from the journal's roll events: the costs of the
rolls completed inside the report's window (basis paid > 0, earned < 0, in USDT)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from bot.backtest.timestamps import DateRange
from bot.report.hedge_report import hedge_report
from bot.report.journal_read import ReportJournal
from bot.store import Journal

from .test_hedge_report import DAY, FILLS, FUNDING, READINGS, SYMBOL, T0

OLD, NEW = "BTC/USDT:USDT-261225", "BTC/USDT:USDT-270326"


def _journal(path: Path) -> None:
    """Two completed rolls (one a day later) and a roll still under way, journaled."""
    clock = iter([T0, T0 + 1, T0 + DAY, T0 + DAY + 1])
    with Journal(path, clock=lambda: next(clock)) as journal:
        for kind, cost in (("start", "0"), ("done", "-300"), ("done", "12.5"), ("start", "0")):
            journal.record_roll_event(
                "BTC", kind, from_symbol=OLD, to_symbol=NEW, moved=D("0.3"), cost=D(cost)
            )


def test_the_report_sums_the_completed_rolls_in_its_window(tmp_path: Path) -> None:
    """All time: −300 + 12.5 = −287.5 USDT; from the second day on: 12.5."""
    path = tmp_path / "journal.sqlite"
    _journal(path)
    with ReportJournal(path) as journal:
        events = journal.events("BTC")
    args = ("BTC", SYMBOL, D("0.02"), READINGS, FILLS, FUNDING, events)
    assert hedge_report(*args, DateRange()).roll_costs == D("-287.5")
    assert hedge_report(*args, DateRange(T0 + DAY, None)).as_json()["roll_costs"] == "12.5"
