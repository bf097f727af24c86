"""Our fills: where each hedge's fills query starts, journaling what the venue reports, and
the venue clock those reports show."""

from __future__ import annotations

from collections.abc import Mapping

import structlog

from bot.domain.memory import HedgeLegs, note_fill

from .gather import GatherResult
from .inputs import fill_notional
from .runtime import Runtime

__all__ = ["FILL_LOOKBACK_MS", "fill_cursors", "fill_query_start", "journal_fills", "note_clock"]

log = structlog.get_logger(__name__)
# How far behind the venue's clock a fills query may start. Binance (and ccxt for linear
# markets) answer a query starting more than 7 days back with those 7 days only, so a cursor
# that old would never see a new fill again.
FILL_LOOKBACK_MS = 6 * 24 * 3600 * 1000


def fill_query_start(cursor_ms: int | None, venue_now_ms: int | None) -> int | None:
    """Where to start reading fills (venue clock, ms): at the last journaled fill, but never
    more than `FILL_LOOKBACK_MS` behind the venue's newest stamp."""
    if cursor_ms is None or venue_now_ms is None:
        return cursor_ms
    return max(cursor_ms, venue_now_ms - FILL_LOOKBACK_MS)


def fill_cursors(rt: Runtime, legs: Mapping[str, HedgeLegs]) -> dict[str, dict[str, int | None]]:
    """account → perp symbol → where this cycle's fills query starts (from each memory)."""
    out: dict[str, dict[str, int | None]] = {}
    for name, leg in legs.items():
        memory = rt.memory.get(name)
        cursor = memory.fill_cursor_ms if memory is not None else None
        since = fill_query_start(cursor, rt.venue_ms.get(leg.perp_account))
        out.setdefault(leg.perp_account, {}).setdefault(leg.perp_symbol, since)  # a basket: lead
    return out


def journal_fills(
    rt: Runtime,
    result: GatherResult,
    legs: Mapping[str, HedgeLegs],
    more_owners: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """Journal every fill read this cycle (idempotent) and move the owner's fills cursor: a
    basket's fills are its lead's (the first named); `more_owners` names the hedge of other
    (account, symbol)s: a roll's new contract."""
    owner: dict[tuple[str, str], str] = {}
    for name, leg in legs.items():
        owner.setdefault((leg.perp_account, leg.perp_symbol), name)
    owner.update(more_owners or {})
    for account, by_symbol in result.fills.items():
        snapshot = result.snapshots[account]
        for symbol, fills in by_symbol.items():
            hedge = owner.get((account, symbol))
            market = snapshot.markets.get(symbol)
            for fill in fills:
                notional = fill_notional(market, fill)
                if rt.journal.record_fill(
                    fill, account=account, hedge=hedge or "", notional=notional
                ):
                    rt.metrics.count_order(hedge or "", "filled")
                    log.info(
                        "fill",
                        hedge=hedge,
                        side=fill.side.value,
                        amount=str(fill.amount),
                        price=str(fill.price),
                    )
                if hedge is not None and hedge in rt.memory:
                    rt.memory[hedge] = note_fill(rt.memory[hedge], fill.timestamp_ms)


def note_clock(rt: Runtime, result: GatherResult) -> None:
    """Remember the newest venue-clock stamp each account showed (quotes, fills)."""
    for account, snapshot in result.snapshots.items():
        stamps = [q.timestamp_ms for q in snapshot.quotes.values()]
        stamps += [f.timestamp_ms for fs in result.fills.get(account, {}).values() for f in fs]
        if stamps:
            rt.venue_ms[account] = max(rt.venue_ms.get(account, 0), *stamps)
