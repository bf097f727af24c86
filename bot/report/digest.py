"""The daily digest's figures from the journal (read-only): the last 24 h of each hedge
through the report's exact split (`build_reports`: a basket member's share of the
basket's), and the digest job's schedule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import structlog

from bot.backtest.timestamps import DateRange
from bot.notify.alert import Alert, Severity
from bot.notify.alerts import Notifier
from bot.notify.digest import DigestLine, digest_alert
from bot.report.hedge_report import HedgeReport
from bot.report.journal_read import ReportJournal, SnapshotRow
from bot.report.reports import build_reports
from bot.report.split import day_of
from bot.store import JournalError

__all__ = ["DAY_MS", "daily_digest", "send_daily_digest"]

log = structlog.get_logger(__name__)

DAY_MS = 86_400_000


def _line(report: HedgeReport, readings: Sequence[SnapshotRow], window: DateRange) -> DigestLine:
    latest = [r for r in readings if not window.after(r.venue_ms)]
    split = report.total.split
    return DigestLine(
        report.hedge,
        latest[-1].ratio if latest else None,
        split.spot,
        split.perp,
        split.funding,
        split.fees,
        split.total,
        report.total.risk_events,
    )


def daily_digest(
    journal_path: Path,
    hedges: Mapping[str, tuple[str, Decimal]],
    now_ms: int,
    severity: Severity,
) -> Alert:
    """The digest for the 24 h before `now_ms` (`hedges`: name → (perp symbol, band))."""
    window = DateRange(now_ms - DAY_MS, now_ms)
    with ReportJournal(journal_path) as journal:
        reports = build_reports(journal, dict(hedges), window)
        lines = [_line(r, journal.snapshots(r.hedge), window) for r in reports]
    return digest_alert(day_of(now_ms), lines, severity)


async def send_daily_digest(settings: Any, notifier: Notifier, now_ms: int) -> Alert | None:
    """Build and send the digest through `notifier` at `notify.min_severity` (the operator
    asked for it, so the severity filter never drops it); None when the journal cannot be
    read yet (logged)."""
    hedges = {n: (h.contract.label, h.band) for n, h in settings.hedges.items()}
    severity = Severity.parse(settings.notify.min_severity)
    try:
        alert = daily_digest(Path(settings.journal.path), hedges, now_ms, severity)
    except (JournalError, ValueError) as exc:
        log.warning("digest.skipped", detail=str(exc))
        return None
    await notifier.send(alert)
    return alert
