"""The report's exact P&L split (`split`) sampled at the dashboard's chart times: what
GET /history's `pnl` columns show. Every reading in the window counts, not only the thinned
chart points, so the newest value is the `hedgebot report` total of the same readings.

The dashboard asks every few seconds; `PnlSeriesCache` keeps, per hedge and chart stride, the
sum so far and its value at the chart points, so a poll only sums the readings journaled
since the previous one. It starts over when the window reaches further back, when a chart
point it never summed to is asked, or when a fill or funding payment turns up for a time it
already summed (the journal is append-only otherwise). A basket member's series is its
share of the basket's (`basket_journal.basket_series`), summed afresh at each poll.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.model import Fill, FundingPayment
from bot.report.basket_journal import basket_series
from bot.report.journal_read import ReportJournal, SnapshotRow
from bot.report.split import Split, cumulative_at

__all__ = ["PNL_BASIS", "PnlSeries", "PnlSeriesCache", "quote_of"]

PNL_BASIS = (
    "cumulative since the first point, in the quote currency: spot and perp legs at the "
    "perp's mark, funding received and trading fees paid; total = spot + perp + funding − fees"
)
KEPT_RUNS = 8  # (hedge, stride) pairs remembered: a few hedges × the windows people look at


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


@dataclass(slots=True)
class _Run:
    """The split summed from the reading at `base_ms` through `last`: `total`, and `at` its
    value at the chart times passed (local ms); `stamps` how many fills and payments were
    stamped at or before `last` when it was summed."""

    symbol: str
    base_ms: int
    last: SnapshotRow
    total: Split
    stamps: tuple[int, int]
    at: dict[int, Split] = field(default_factory=dict)

    def reusable(self, symbol: str, times: Sequence[int], stamps: tuple[int, int]) -> bool:
        done = self.last.taken_at_ms
        return (
            symbol == self.symbol
            and times[0] >= self.base_ms
            and stamps == self.stamps
            and all(t in self.at for t in times if t <= done)
        )

    def extend(
        self,
        readings: Sequence[SnapshotRow],
        fills: Sequence[Fill],
        funding: Sequence[FundingPayment],
        times: Sequence[int],
    ) -> None:
        """Sum the `readings` journaled after `last` and note the sum at the new `times`."""
        if not readings:
            return
        new = sorted({t for t in times if t > self.last.taken_at_ms} | {readings[-1].taken_at_ms})
        sums = cumulative_at(self.symbol, [self.last, *readings], fills, funding, new)
        self.at.update((t, self.total + s) for t, s in zip(new, sums, strict=True))
        self.total = self.total + sums[-1]
        self.last = readings[-1]
        self.stamps = _stamps(self.last, fills, funding)

    def series(self, times: Sequence[int]) -> tuple[Split, ...]:
        """The sum since `times[0]` at each of `times`; forgets the times before it."""
        self.at = {t: v for t, v in self.at.items() if t >= times[0]}
        start = -self.at.get(times[0], self.total)
        return tuple(self.at.get(t, self.total) + start for t in times)


def _stamps(
    last: SnapshotRow, fills: Sequence[Fill], funding: Sequence[FundingPayment]
) -> tuple[int, int]:
    upto = last.venue_ms
    return (
        sum(1 for f in fills if f.timestamp_ms <= upto),
        sum(1 for p in funding if p.timestamp_ms <= upto),
    )


class PnlSeriesCache:
    """`series()` of each hedge, summed incrementally (see the module docstring); safe to
    call from several threads (one sums at a time)."""

    def __init__(self) -> None:
        self._runs: dict[tuple[str, int], _Run] = {}
        self._lock = threading.Lock()

    def series(
        self, path: Path, hedge: str, symbol: str | None, stride: int, times: Sequence[int]
    ) -> PnlSeries:
        """`hedge`'s split from its reading at `times[0]` to each of `times` (ascending local
        ms, chart points thinned every `stride` snapshots). Raises JournalError when the
        journal cannot be read."""
        if symbol is None:
            return PnlSeries((), None, f"hedge {hedge} has no configured perp symbol")
        if not times:
            return PnlSeries((), quote_of(symbol))
        with self._lock:
            try:
                basket = basket_series(path, hedge, symbol, times)
                if basket is not None:  # a basket member: its share, summed afresh
                    return PnlSeries(basket, quote_of(symbol))
                run = self._run(path, (hedge, stride), symbol, times)
            except ValueError as exc:  # a fill or payment of another contract (symbol changed)
                self._runs.pop((hedge, stride), None)
                return PnlSeries((), quote_of(symbol), f"the P&L cannot be computed: {exc}")
            if run is None:  # no priced reading in the window yet
                return PnlSeries(tuple(Split() for _ in times), quote_of(symbol))
            return PnlSeries(run.series(times), quote_of(symbol))

    def _run(
        self, path: Path, key: tuple[str, int], symbol: str, times: Sequence[int]
    ) -> _Run | None:
        hedge = key[0]
        with ReportJournal(path) as journal:
            fills, funding = journal.perp_fills(hedge), journal.funding_payments(hedge)
            run = self._runs.get(key)
            if run is not None and run.reusable(symbol, times, _stamps(run.last, fills, funding)):
                newer = journal.snapshots(hedge, run.last.taken_at_ms + 1)
                run.extend(newer, fills, funding, times)
                return run
            readings = journal.snapshots(hedge, times[0])
        if not readings:
            return None
        first = readings[0]
        run = _Run(symbol, first.taken_at_ms, first, Split(), _stamps(first, fills, funding))
        run.at.update((t, Split()) for t in times if t <= first.taken_at_ms)
        run.extend(readings[1:], fills, funding, times)
        self._runs.pop(key, None)
        self._runs[key] = run
        while len(self._runs) > KEPT_RUNS:
            del self._runs[next(iter(self._runs))]
        return run
