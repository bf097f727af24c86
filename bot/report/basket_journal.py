"""The journal rows a basket's split needs (`basket_split`): every member's readings, and
the basket's fills and funding, wherever they were journaled (under the lead of the time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.report.basket_split import basket_increments, basket_members
from bot.report.journal_read import ReportJournal, SnapshotRow
from bot.report.split import Increment, Split, cumulative_of

__all__ = ["basket_series", "member_increments"]


def _increments(
    journal: ReportJournal,
    symbol: str,
    members: Sequence[str],
    readings: Mapping[str, Sequence[SnapshotRow]],
    since_ms: int = 0,
) -> dict[str, list[Increment]]:
    """Every member's increments (`readings` as read already, the others since `since_ms`)."""
    rows = {m: readings.get(m) or journal.snapshots(m, since_ms) for m in members}
    fills = sorted(
        (f for m in members for f in journal.perp_fills(m)), key=lambda f: f.timestamp_ms
    )
    funding = sorted(
        (p for m in members for p in journal.funding_payments(m)), key=lambda p: p.timestamp_ms
    )
    return basket_increments(symbol, rows, fills, funding)


def member_increments(
    journal: ReportJournal,
    symbols: Mapping[str, str],
    readings: Mapping[str, Sequence[SnapshotRow]],
) -> dict[str, list[Increment]]:
    """The increments of every member of a basket some hedge of `symbols` (name → perp
    symbol) was in (`readings`: name → its readings; a member no longer configured, e.g.
    removed by a reload, is read from the journal); hedges never in a basket are absent."""
    out: dict[str, list[Increment]] = {}
    for name, symbol in symbols.items():
        members = basket_members(readings[name])
        if members and name not in out:
            out.update(_increments(journal, symbol, members, readings))
    return out


def basket_series(
    path: Path, hedge: str, symbol: str, times: Sequence[int]
) -> tuple[Split, ...] | None:
    """A basket member's split from its reading at `times[0]` to each of `times` (as
    `PnlSeriesCache.series`), summed afresh; None when the hedge's latest reading is not a
    basket member's."""
    with ReportJournal(path) as journal:
        if journal.latest_basket(hedge) is None:
            return None
        readings = {hedge: journal.snapshots(hedge, times[0])}
        members = basket_members(readings[hedge])
        incs = _increments(journal, symbol, members, readings, times[0]).get(hedge, [])
    return cumulative_of(incs, times)
