"""Every configured hedge's report from the journal: a hedge alone on its perp through its
own rows (`hedge_report`), a basket member through its share of the basket's
(`basket_journal`, `basket_split`). What `hedgebot report` and the daily digest show."""

from __future__ import annotations

from typing import Any

from bot.backtest.sampler import SeriesSampler
from bot.backtest.timestamps import DateRange
from bot.report.basket_journal import member_increments
from bot.report.hedge_report import HedgeReport, hedge_report, report_of
from bot.report.journal_read import ReportJournal

__all__ = ["build_reports"]


def build_reports(
    journal: ReportJournal,
    hedges: dict[str, tuple[str, Any]],
    window: DateRange,
    samplers: dict[str, SeriesSampler] | None = None,
) -> list[HedgeReport]:
    """One report per configured hedge (`hedges`: name → (perp symbol, band)); a basket
    member's perp P&L, funding and fees are its share of the basket's (`basket_split`)."""
    readings = {name: journal.snapshots(name) for name in hedges}
    baskets = member_increments(journal, {n: s for n, (s, _) in hedges.items()}, readings)
    out = []
    for name, (symbol, band) in hedges.items():
        sampler = None if samplers is None else samplers.setdefault(name, SeriesSampler())
        events = journal.events(name)
        if name in baskets:
            tag = next((r.basket for r in reversed(readings[name]) if r.basket), None)
            out.append(report_of(name, band, baskets[name], events, window, sampler, tag))
            continue
        fills, funding = journal.perp_fills(name), journal.funding_payments(name)
        out.append(
            hedge_report(
                name, symbol, band, readings[name], fills, funding, events, window, sampler
            )
        )
    return out
