"""A bounded copy of the per-step series for plotting: memory flat however long the run.

Consecutive steps are merged into buckets of `stride` steps; when the buffer fills up, pairs
of buckets merge and the stride doubles, so at most 2 × `max_points` buckets are ever held.
A bucket keeps the LAST value of each field except the `MIN_FIELDS`, which keep the lowest
(the liquidation distance plot must show the worst moment, not the last). Floats: these
values only draw pictures; every reported figure comes from `metrics` in Decimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.backtest.series import Frame, Step

__all__ = ["FIELDS", "MIN_FIELDS", "Point", "SeriesSampler", "Trace"]

FIELDS = (
    "equity_hedged",
    "equity_unhedged",
    "ratio",
    "target",
    "liquidation_distance",
    "funding",  # cumulative
    "fees",  # cumulative
    "band",
)
MIN_FIELDS = frozenset({"liquidation_distance"})
_MIN_INDEX = tuple(i for i, name in enumerate(FIELDS) if name in MIN_FIELDS)
RUN = "*"  # the trace of the whole run (sums over hedges)
Values = tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Point:
    ts_ms: int  # the bucket's last bar time
    values: Values  # in FIELDS order; None where undefined (no ratio, no position)


class Trace:
    """One series (a hedge, or the run) being decimated."""

    def __init__(self, max_points: int) -> None:
        self.max_points = max_points
        self.stride = 1
        self.points: list[Point] = []
        self._pending: Point | None = None
        self._count = 0

    def add(self, point: Point) -> None:
        self._pending = point if self._pending is None else _merge(self._pending, point)
        self._count += 1
        if self._count == self.stride:
            self.points.append(self._pending)
            self._pending, self._count = None, 0
            if len(self.points) >= 2 * self.max_points:
                self.points = [_merge(a, b) for a, b in zip(*[iter(self.points)] * 2, strict=True)]
                self.stride *= 2

    def series(self) -> list[Point]:
        """The points so far, the partial last bucket included."""
        return self.points + ([self._pending] if self._pending is not None else [])


def _merge(a: Point, b: Point) -> Point:
    values = list(b.values)
    for i in _MIN_INDEX:
        low = [v for v in (a.values[i], b.values[i]) if v is not None]
        values[i] = min(low) if low else None
    return Point(b.ts_ms, tuple(values))


class SeriesSampler:
    """A StepSink keeping a decimated trace per hedge and one for the run (`RUN`)."""

    def __init__(self, max_points: int = 1000) -> None:
        if max_points < 2:
            raise ValueError("max_points must be at least 2")
        self.max_points = max_points
        self.traces: dict[str, Trace] = {}
        self._cumulative: dict[str, tuple[float, float]] = {}

    def add(self, frame: Frame) -> None:
        run: list[float | None] = [0.0, 0.0, None, None, None, 0.0, 0.0, None]
        for step in frame:
            point = self._point(step)
            self._trace(step.hedge).add(point)
            for i in (0, 1, 5, 6):
                run[i] = (run[i] or 0.0) + (point.values[i] or 0.0)
            distance = point.values[4]
            if distance is not None and (run[4] is None or distance < run[4]):
                run[4] = distance
        self._trace(RUN).add(Point(frame[0].ts_ms, tuple(run)))

    def close(self) -> None:
        """Nothing to release; read `traces`."""

    def _trace(self, name: str) -> Trace:
        trace = self.traces.get(name)
        if trace is None:
            trace = self.traces[name] = Trace(self.max_points)
        return trace

    def _point(self, step: Step) -> Point:
        funding, fees = self._cumulative.get(step.hedge, (0.0, 0.0))
        funding, fees = funding + float(step.funding), fees + float(step.fees)
        self._cumulative[step.hedge] = (funding, fees)
        values = (
            float(step.equity_hedged),
            float(step.equity_unhedged),
            _float(step.ratio),
            float(step.target),
            _float(step.liquidation_distance),
            funding,
            fees,
            float(step.band),
        )
        return Point(step.ts_ms, values)

    def hedges(self) -> Sequence[str]:
        return [name for name in self.traces if name != RUN]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
