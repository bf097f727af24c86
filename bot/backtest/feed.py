"""A hedge's market data as one stream of `Bar`s on the candle grid: the legs aligned on
their timestamps, gaps bridged, mark and funding attached.

Alignment: the stream starts when every leg has had a candle (the later of the legs' first
candles) and ends with the first leg's last candle. At each grid time a leg without a candle
(no row, or empty cells) holds its last close and the gap is counted. A leg no file gives
follows the other (basis 0). The mark is the data's `mark_*` candle, else the perp's.
Memory stays flat: one row of look-ahead per file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import cast

from bot.backtest.bars import Bar, Ohlc
from bot.backtest.errors import DataError
from bot.backtest.funding import FundingKind, FundingStream, constant_rate_in, read_funding
from bot.backtest.gaps import DataReport, GapCounter, ReportBuilder
from bot.backtest.layouts import GENERIC, Layout
from bot.backtest.reader import read_layout, read_rows
from bot.backtest.rows import GROUP_ORDER, Row
from bot.backtest.sources import Source, describe_interval
from bot.backtest.spec import LEG_NAMES, MarketSpec
from bot.backtest.timestamps import format_ms

__all__ = ["MarketFeed", "open_market"]

HOUR_MS = 3_600_000
_FIELD = {group: 2 + i for i, group in enumerate(GROUP_ORDER)}  # Row: ts, line, then candles
Column = tuple[int, int]  # (source number, Row field)
_Rate = Callable[[int, int, "Row | None"], "Decimal | None"]  # (candle start, end, perp row)


def open_market(spec: MarketSpec) -> MarketFeed:
    """Open `spec`'s files (reading their headers and first rows, so bad files fail here)."""
    return MarketFeed(spec)


class MarketFeed:
    """Iterate for the `Bar`s; `report()` tells what was bridged (complete once exhausted)."""

    def __init__(self, spec: MarketSpec) -> None:
        self.spec = spec
        legs = _Legs(spec)
        self._sources = [
            Source(p, read_rows(p, symbol=symbol or spec.symbol, window=spec.window), spec.window)
            for p, symbol in zip(legs.paths, legs.symbols, strict=True)
        ]
        self.interval_ms = _common_interval(self._sources)
        self._spot, self._perp = legs.columns["spot"], legs.columns["perp"]
        perp_layout = legs.layouts[self._perp[0]]
        self._mark = (self._perp[0], _FIELD["mark"]) if "mark" in perp_layout.groups else None
        self._report = ReportBuilder(spec.hedge, tuple(map(str, legs.paths)), self.interval_ms)
        self._report.mark = "data" if self._mark else "perp"
        self._report.follows = legs.follows
        self._rate = self._funding(perp_layout)
        self._started = False

    def report(self) -> DataReport:
        return self._report.freeze()

    def close(self) -> None:
        for source in self._sources:
            source.close()

    def __iter__(self) -> Iterator[Bar]:
        """The bars, once: the files are streamed, not kept (open the spec again to re-read)."""
        if self._started:
            raise RuntimeError(f"hedge {self.spec.hedge}: a MarketFeed is iterated only once")
        self._started = True
        return self._bars()

    def _bars(self) -> Iterator[Bar]:
        sources, interval, report = self._sources, self.interval_ms, self._report
        ts = max(s.head.ts_ms for s in sources if s.head is not None)
        for source in sources:
            source.skip_before(ts)
        spot_of = _LegState(self._spot, report.spot).candle  # hot loop: locals, no lookups
        perp_of = _LegState(self._perp, report.perp).candle
        perp_source, rate, mark_of, new = self._perp[0], self._rate, self._mark_of, tuple.__new__
        while (rows := _rows_at(sources, ts)) is not None:
            spot, perp = spot_of(rows), perp_of(rows)
            if spot is not None and perp is not None:
                prow = rows[perp_source]
                funding = rate(ts, ts + interval, prow)
                yield new(Bar, (ts, spot, perp, mark_of(prow, perp), funding))
                report.bar(ts, funding)
            for source, row in zip(sources, rows, strict=True):
                if row is not None:
                    source.advance()
            ts += interval
        if report.candles == 0:
            raise DataError(self.spec.files[0].path, None, _no_overlap(sources, self.spec))

    def _mark_of(self, prow: Row | None, perp: Ohlc) -> Ohlc:
        if self._mark is None:
            return perp
        mark = None if prow is None else cast(Ohlc | None, prow[self._mark[1]])
        if mark is None:
            self._report.mark_from_perp += 1
            return perp
        return mark

    def _funding(self, perp_layout: Layout) -> _Rate:
        funding = self.spec.funding
        kind = funding.kind
        if kind is FundingKind.DATA and perp_layout.funding is None:
            kind = FundingKind.NONE
        self._report.funding = (
            funding.describe() if kind is funding.kind else "none (no funding_rate column)"
        )
        if kind is FundingKind.DATA:
            return _data_rate
        if kind is FundingKind.CONSTANT:
            assert funding.rate is not None
            return _constant_rate(funding.rate, funding.every_hours * HOUR_MS)
        if kind is FundingKind.FILE:
            assert funding.path is not None
            return _file_rate(FundingStream(read_funding(funding.path, self.spec.window)))
        return _no_rate


def _rows_at(sources: list[Source], ts: int) -> list[Row | None] | None:
    """Each file's row at grid time `ts` (None: no row there); None once a file has ended."""
    rows: list[Row | None] = []
    for source in sources:
        head = source.head
        if head is None:
            return None
        rows.append(head if head.ts_ms == ts else None)
    return rows


class _LegState:
    """One leg's column and last candle; bridges and counts its gaps."""

    __slots__ = ("field", "gaps", "last", "source")

    def __init__(self, column: Column, gaps: GapCounter) -> None:
        self.source, self.field = column
        self.gaps = gaps
        self.last: Ohlc | None = None

    def candle(self, rows: list[Row | None]) -> Ohlc | None:
        """This grid time's candle; the last close held when there is none (None before the
        leg's first candle)."""
        row = rows[self.source]
        candle = None if row is None else cast(Ohlc | None, row[self.field])
        if candle is not None:
            if self.gaps.run:
                self.gaps.end_run()
            self.last = candle
            return candle
        if self.last is None:
            return None
        self.gaps.missing()
        if self.last.open != self.last.close or self.last.high != self.last.low:
            self.last = Ohlc.flat(self.last.close)
        return self.last


def _data_rate(start_ms: int, end_ms: int, prow: Row | None) -> Decimal | None:
    return None if prow is None else prow.funding


def _no_rate(start_ms: int, end_ms: int, prow: Row | None) -> Decimal | None:
    return None


def _constant_rate(rate: Decimal, every_ms: int) -> _Rate:
    def rate_in(start_ms: int, end_ms: int, prow: Row | None) -> Decimal | None:
        return constant_rate_in(rate, start_ms, end_ms, every_ms)

    return rate_in


def _file_rate(stream: FundingStream) -> _Rate:
    def rate_in(start_ms: int, end_ms: int, prow: Row | None) -> Decimal | None:
        return stream.rate_in(start_ms, end_ms)

    return rate_in


class _Legs:
    """Which opened file (and which column group of it) gives each leg, and which leg
    follows the other (basis 0)."""

    def __init__(self, spec: MarketSpec) -> None:
        self.columns: dict[str, Column] = {}
        self.paths: list[Path] = []
        self.symbols: list[str | None] = []
        self.layouts: list[Layout] = []
        self.follows: dict[str, str] = {}
        for series in spec.files:
            self._add(series.path, series.legs, series.symbol)
        for leg, other in zip(LEG_NAMES, reversed(LEG_NAMES), strict=True):
            if leg not in self.columns:
                self.columns[leg] = self.columns[other]
                self.follows[leg] = other
        if not self.follows and self.columns["spot"] == self.columns["perp"]:
            self.follows["spot"] = "perp"  # one plain OHLC series gives both legs

    def _add(self, path: Path, legs: tuple[str, ...], symbol: str | None) -> None:
        layout = read_layout(path)
        found = {leg: _group_for(leg, layout) for leg in legs}
        if all(group is None for group in found.values()):
            wanted = " or ".join(legs)
            raise DataError(path, 1, f"has no {wanted} candles ({legs[0]}_open… or open…)")
        new = {leg: g for leg, g in found.items() if g is not None and leg not in self.columns}
        if new:
            for leg, group in new.items():
                self.columns[leg] = (len(self.paths), _FIELD[group])
            self.paths.append(path)
            self.symbols.append(symbol)
            self.layouts.append(layout)


def _group_for(leg: str, layout: Layout) -> str | None:
    if leg in layout.groups:
        return leg
    return GENERIC if GENERIC in layout.groups else None


def _common_interval(sources: list[Source]) -> int:
    first = sources[0]
    for other in sources[1:]:
        if other.interval_ms != first.interval_ms:
            raise DataError(
                other.path,
                None,
                f"has {describe_interval(other.interval_ms)} candles but {first.path} has "
                f"{describe_interval(first.interval_ms)}: give both legs the same interval",
            )
        if (other.origin_ms - first.origin_ms) % first.interval_ms:
            raise DataError(other.path, None, f"its candles do not open on {first.path}'s grid")
    return first.interval_ms


def _no_overlap(sources: list[Source], spec: MarketSpec) -> str:
    spans = ", ".join(f"{s.path} from {format_ms(s.origin_ms)}" for s in sources)
    return f"hedge {spec.hedge}: the legs' candles never overlap in time ({spans})"
