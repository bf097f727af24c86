"""What the loader did to the data, per hedge: span, candles, bridged gaps, mark and funding
sources. Built while the bars stream (`ReportBuilder`), read as a frozen `DataReport`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from bot.backtest.timestamps import format_ms

__all__ = ["DataReport", "GapCounter", "GapStats", "ReportBuilder"]

_HOURS = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class GapStats:
    """Gaps of one leg: `count` runs of missing candles, the `longest` run (candles), and
    `bridged` candles in all (each held the last price: open = high = low = close)."""

    count: int = 0
    longest: int = 0
    bridged: int = 0


class GapCounter:
    """Counts the runs of missing candles of one leg as the bars stream."""

    __slots__ = ("bridged", "count", "longest", "run")

    def __init__(self) -> None:
        self.count = self.longest = self.bridged = self.run = 0

    def missing(self) -> None:
        self.run += 1
        self.bridged += 1

    def end_run(self) -> None:
        """The leg has a candle again (call only while `run` is non-zero)."""
        self.count += 1
        self.longest = max(self.longest, self.run)
        self.run = 0

    def stats(self) -> GapStats:
        open_run = 1 if self.run else 0
        return GapStats(self.count + open_run, max(self.longest, self.run), self.bridged)


@dataclass(frozen=True, slots=True)
class DataReport:
    """The data behind one hedge's run. Times are epoch ms (None before the first bar)."""

    hedge: str
    files: tuple[str, ...]
    interval_ms: int
    first_ms: int | None
    last_ms: int | None
    candles: int
    gaps: Mapping[str, GapStats]
    mark: str  # "data" or "perp" (no mark column: the perp's own prices)
    mark_from_perp: int  # candles whose missing mark took the perp's price
    funding: str  # the funding source, described
    settlements: int  # candles in which funding settled
    follows: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __reduce__(self) -> tuple[Any, ...]:  # MappingProxyType does not pickle
        fields = [getattr(self, f) for f in self.__dataclass_fields__]
        fields[6], fields[11] = dict(self.gaps), dict(self.follows)
        return DataReport, tuple(fields)

    def as_json(self) -> dict[str, Any]:
        """Plain JSON types; times ISO-8601 UTC; gaps with their longest run in hours too."""
        hours = Decimal(self.interval_ms) / 3_600_000
        longest = {
            leg: (hours * g.longest).quantize(_HOURS).normalize() for leg, g in self.gaps.items()
        }
        return {
            "files": list(self.files),
            "interval_ms": self.interval_ms,
            "from": None if self.first_ms is None else format_ms(self.first_ms),
            "to": None if self.last_ms is None else format_ms(self.last_ms),
            "candles": self.candles,
            "gaps": {
                leg: {
                    "count": g.count,
                    "longest_candles": g.longest,
                    "longest_hours": str(longest[leg]),
                    "bridged_candles": g.bridged,
                }
                for leg, g in self.gaps.items()
            },
            "mark": self.mark,
            "mark_from_perp": self.mark_from_perp,
            "funding": self.funding,
            "settlements": self.settlements,
            "basis_zero": dict(self.follows),
        }


class ReportBuilder:
    """The mutable side of `DataReport`, fed by the aligner one bar at a time."""

    def __init__(self, hedge: str, files: tuple[str, ...], interval_ms: int) -> None:
        self.hedge, self.files, self.interval_ms = hedge, files, interval_ms
        self.spot, self.perp = GapCounter(), GapCounter()
        self.first_ms: int | None = None
        self.last_ms: int | None = None
        self.candles = self.mark_from_perp = self.settlements = 0
        self.mark, self.funding = "data", "none"
        self.follows: dict[str, str] = {}

    def bar(self, ts_ms: int, funding: Decimal | None) -> None:
        if self.first_ms is None:
            self.first_ms = ts_ms
        self.last_ms = ts_ms
        self.candles += 1
        if funding is not None:
            self.settlements += 1

    def freeze(self) -> DataReport:
        return DataReport(
            self.hedge,
            self.files,
            self.interval_ms,
            self.first_ms,
            self.last_ms,
            self.candles,
            MappingProxyType({"spot": self.spot.stats(), "perp": self.perp.stats()}),
            self.mark,
            self.mark_from_perp,
            self.funding,
            self.settlements,
            MappingProxyType(dict(self.follows)),
        )
