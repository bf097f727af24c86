"""Per-run and per-hedge results of a backtest, accumulated step by step (memory flat).

- pnl_unhedged / pnl_hedged: equity change from the first step to the last (quote).
- max_drawdown_unhedged / max_drawdown_hedged: the deepest fall below the running peak, as a
  negative fraction of the starting equity (holdings + collateral at the first step); 0 when
  equity never fell.
- hedge_effectiveness: 1 − Var(hedged) / Var(unhedged) of hourly simple returns of equity
  (None with fewer than two hours, or when the unhedged equity never moved).
- funding (received +), fees (paid +): quote sums. orders, fills, top_ups, liquidations: counts.
- time_outside_band: fraction of steps with |ratio − target| > band (per run: of hedge-steps).
- min_liquidation_distance: the smallest (liq − mark) / mark seen (None: never a position).
Per run, equities are the sums over hedges at each bar time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.backtest.series import Frame, Step
from bot.backtest.stats import EquityTrack

__all__ = ["METRIC_KEYS", "Accumulator", "Metrics", "MetricsSink"]

ZERO = Decimal(0)
ONE = Decimal(1)
FRACTION = Decimal("0.000001")  # fractions are reported to 6 places
METRIC_KEYS = (
    "pnl_unhedged",
    "pnl_hedged",
    "max_drawdown_unhedged",
    "max_drawdown_hedged",
    "hedge_effectiveness",
    "funding",
    "fees",
    "orders",
    "fills",
    "time_outside_band",
    "min_liquidation_distance",
    "top_ups",
    "liquidations",
)


@dataclass(frozen=True, slots=True)
class Metrics:
    """One run's or one hedge's results; see the module docstring for units and signs."""

    pnl_unhedged: Decimal
    pnl_hedged: Decimal
    max_drawdown_unhedged: Decimal
    max_drawdown_hedged: Decimal
    hedge_effectiveness: Decimal | None
    funding: Decimal
    fees: Decimal
    orders: int
    fills: int
    time_outside_band: Decimal
    min_liquidation_distance: Decimal | None
    top_ups: int
    liquidations: int

    def as_json(self) -> dict[str, Any]:
        """The METRIC_KEYS: money as exact decimal strings, fractions to 6 places, counts."""
        out: dict[str, Any] = {}
        for key in METRIC_KEYS:
            value = getattr(self, key)
            if isinstance(value, Decimal):
                fraction = key not in ("pnl_unhedged", "pnl_hedged", "funding", "fees")
                value = str(value.quantize(FRACTION) if fraction else value)
            out[key] = value
        return out


class Accumulator:
    """Streams one equity series pair (hedged, unhedged) and the step counters into Metrics."""

    def __init__(self) -> None:
        self.hedged, self.unhedged = EquityTrack(), EquityTrack()
        self.funding = self.fees = ZERO
        self.orders = self.fills = self.top_ups = self.liquidations = 0
        self.outside = self.steps = 0
        self.min_distance: Decimal | None = None

    def add_step(self, step: Step) -> None:
        self.hedged.add(step.ts_ms, step.equity_hedged)
        self.unhedged.add(step.ts_ms, step.equity_unhedged)
        self._count(step)

    def absorb_counts(self, others: Iterable[Accumulator]) -> None:
        """Set the counters and sums to those of `others` added up (the run from its
        hedges); the equity tracks are left as they are."""
        self.funding = self.fees = ZERO
        self.orders = self.fills = self.top_ups = self.liquidations = 0
        self.outside = self.steps = 0
        self.min_distance = None
        for other in others:
            self.funding += other.funding
            self.fees += other.fees
            self.orders += other.orders
            self.fills += other.fills
            self.top_ups += other.top_ups
            self.liquidations += other.liquidations
            self.outside += other.outside
            self.steps += other.steps
            distance = other.min_distance
            if distance is not None and (self.min_distance is None or distance < self.min_distance):
                self.min_distance = distance

    def _count(self, step: Step) -> None:
        self.steps += 1
        if step.funding:  # most steps settle and pay nothing: skip the Decimal additions
            self.funding += step.funding
        if step.fees:
            self.fees += step.fees
        if step.orders or step.fills or step.top_ups or step.liquidations:
            self.orders += step.orders
            self.fills += step.fills
            self.top_ups += step.top_ups
            self.liquidations += step.liquidations
        if step.outside_band:
            self.outside += 1
        distance = step.liquidation_distance
        if distance is not None and (self.min_distance is None or distance < self.min_distance):
            self.min_distance = distance

    def result(self) -> Metrics:
        """The metrics so far (call once, after the last step)."""
        hedged, unhedged = self.hedged, self.unhedged
        start = unhedged.first or ZERO
        base = start if start > 0 else None
        return Metrics(
            pnl_unhedged=unhedged.last - start,
            pnl_hedged=hedged.last - (hedged.first or ZERO),
            max_drawdown_unhedged=_fraction(unhedged.worst, base),
            max_drawdown_hedged=_fraction(hedged.worst, base),
            hedge_effectiveness=self._effectiveness(),
            funding=self.funding,
            fees=self.fees,
            orders=self.orders,
            fills=self.fills,
            time_outside_band=Decimal(self.outside) / self.steps if self.steps else ZERO,
            min_liquidation_distance=self.min_distance,
            top_ups=self.top_ups,
            liquidations=self.liquidations,
        )

    def _effectiveness(self) -> Decimal | None:
        hedged, unhedged = self.hedged.hourly_variance(), self.unhedged.hourly_variance()
        if hedged is None or unhedged is None or unhedged == 0:
            return None
        return ONE - hedged / unhedged


def _fraction(amount: Decimal, base: Decimal | None) -> Decimal:
    return amount / base if base else ZERO


class MetricsSink:
    """A StepSink keeping one Accumulator per hedge and one for the run. The run's counters
    and sums are the hedges' added up at the end (each step is counted once, per hedge);
    the run's own accumulator tracks only the summed equities."""

    def __init__(self) -> None:
        self.run = Accumulator()
        self.hedges: dict[str, Accumulator] = {}

    def add(self, frame: Frame) -> None:
        hedged = unhedged = ZERO
        hedges = self.hedges
        for step in frame:
            accumulator = hedges.get(step.hedge)
            if accumulator is None:
                accumulator = hedges[step.hedge] = Accumulator()
            accumulator.add_step(step)
            hedged += step.equity_hedged
            unhedged += step.equity_unhedged
        ts = frame[0].ts_ms
        self.run.hedged.add(ts, hedged)
        self.run.unhedged.add(ts, unhedged)

    def close(self) -> None:
        """Nothing to release; results are read with `results()`."""

    def results(self) -> tuple[Metrics, Mapping[str, Metrics]]:
        self.run.absorb_counts(self.hedges.values())
        return self.run.result(), {name: acc.result() for name, acc in self.hedges.items()}
