"""The journal rows a basket's split needs (`basket_split`): every member's readings, and
the basket's fills and funding, wherever they were journaled (under the lead of the time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.report.basket_split import basket_increments, basket_members
from bot.report.journal_read import ReportJournal, SnapshotRow
from bot.report.split import Increment

__all__ = ["member_increments"]


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
        if not members or name in out:
            continue
        rows = {m: readings.get(m) or journal.snapshots(m) for m in members}
        fills = sorted(
            (f for m in members for f in journal.perp_fills(m)), key=lambda f: f.timestamp_ms
        )
        funding = sorted(
            (p for m in members for p in journal.funding_payments(m)),
            key=lambda p: p.timestamp_ms,
        )
        out.update(basket_increments(symbol, rows, fills, funding))
    return out
