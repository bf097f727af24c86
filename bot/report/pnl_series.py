"""The report's exact P&L split (`split`) sampled at the dashboard's chart times: what
GET /history's `pnl` columns show. Every reading in the window counts, not only the thinned
chart points, so the newest value is the `hedgebot report` total of the same readings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.report.journal_read import ReportJournal
from bot.report.split import Split, cumulative_at

__all__ = ["PNL_BASIS", "PnlSeries", "pnl_series", "quote_of"]

PNL_BASIS = (
    "cumulative since the first point, in the quote currency: spot and perp legs at the "
    "perp's mark, funding received and trading fees paid; total = spot + perp + funding − fees"
)


@dataclass(frozen=True, slots=True)
class PnlSeries:
    """The split summed up to each chart time (`splits`, one per time), in `currency`;
    `splits` is empty when `problem` says why it cannot be computed."""

    splits: tuple[Split, ...]
    currency: str | None
    problem: str | None = None


def quote_of(symbol: str) -> str:
    """The quote currency of a `BASE/QUOTE:SETTLE` symbol (USDT, or USD for COIN-M)."""
    quote = symbol.partition("/")[2].partition(":")[0]
    return quote or symbol


def pnl_series(
    path: Path, hedge: str, symbol: str | None, since_ms: int, times_ms: Sequence[int]
) -> PnlSeries:
    """`hedge`'s split over its readings taken at or after `since_ms`, at each of `times_ms`
    (ascending, local clock ms). Raises JournalError when the journal cannot be read."""
    if symbol is None:
        return PnlSeries((), None, f"hedge {hedge} has no configured perp symbol")
    with ReportJournal(path) as journal:
        readings = journal.snapshots(hedge, since_ms)
        fills = journal.perp_fills(hedge)
        funding = journal.funding_payments(hedge)
    try:
        splits = cumulative_at(symbol, readings, fills, funding, times_ms)
    except ValueError as exc:  # a fill or payment of another contract (the symbol changed)
        return PnlSeries((), quote_of(symbol), f"the P&L cannot be computed: {exc}")
    return PnlSeries(splits, quote_of(symbol))
