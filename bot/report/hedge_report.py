"""One live hedge's report from its journal rows: per UTC day and in total, the exact P&L
split (`split`), fills, orders, top-ups and risk events; realised hedge effectiveness and
drawdowns through the backtest's own metrics (the readings become `Step`s), and the series
for the same plots; the costs of the `future.series` rolls completed in the window (the
journal's roll events: basis paid > 0, earned < 0, in quote). Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.backtest.bars import Bar, Ohlc
from bot.backtest.metrics import Metrics, MetricsSink
from bot.backtest.sampler import SeriesSampler
from bot.backtest.series import Step
from bot.backtest.timestamps import DateRange
from bot.domain.model import Fill, FundingPayment
from bot.report.journal_read import BasketTag, HedgeEvents, SnapshotRow
from bot.report.split import Increment, Split, day_of, increments

__all__ = ["DayRow", "HedgeReport", "hedge_report", "report_of"]

ZERO = Decimal(0)
ROLL_COSTS = ZERO  # a hedge that never rolled


@dataclass(frozen=True, slots=True)
class DayRow:
    """One UTC day (or the total) of one hedge: the split and the day's counts."""

    day: str
    split: Split = field(default_factory=Split)
    fills: int = 0
    orders: int = 0
    top_ups: int = 0
    risk_events: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "day": self.day,
            **self.split.as_json(),
            "fills": self.fills,
            "orders": self.orders,
            "top_ups": self.top_ups,
            "risk_events": self.risk_events,
        }


@dataclass(frozen=True, slots=True)
class HedgeReport:
    """`days` oldest first; `total` their sum; `metrics` the backtest metrics of the
    readings (hedge effectiveness, drawdowns of the holding's value + P&L); `basket` the
    hedge's place in its basket at its latest reading (None alone on its perp)."""

    hedge: str
    days: tuple[DayRow, ...]
    total: DayRow
    metrics: Metrics | None
    roll_costs: Decimal = ROLL_COSTS
    basket: BasketTag | None = None

    def as_json(self) -> dict[str, Any]:
        m = self.metrics
        basket = {} if self.basket is None else {"basket": self.basket.as_json()}
        return {
            "days": [d.as_json() for d in self.days],
            "total": self.total.as_json(),
            "hedge_effectiveness": None if m is None else m.as_json()["hedge_effectiveness"],
            "max_drawdown_hedged": None if m is None else m.as_json()["max_drawdown_hedged"],
            "max_drawdown_unhedged": None if m is None else m.as_json()["max_drawdown_unhedged"],
            "roll_costs": str(self.roll_costs),
            **basket,
        }


def _count(times: Sequence[int], window: DateRange) -> dict[str, int]:
    out: dict[str, int] = {}
    for ts in times:
        if not (window.before(ts) or window.after(ts)):
            out[day_of(ts)] = out.get(day_of(ts), 0) + 1
    return out


def _step(hedge: str, inc: Increment, base: Decimal, cum: Split, band: Decimal) -> Step:
    end = inc.end
    candle = Ohlc.flat(end.mark)
    return Step(
        hedge=hedge,
        bar=Bar(end.venue_ms, candle, candle, candle, None),
        holding=end.spot,
        position=end.contracts * end.contract_size,
        ratio=end.ratio,
        target=end.target if end.target is not None else ZERO,
        band=band,
        liquidation_distance=end.distance,
        equity_hedged=base + cum.total,
        equity_unhedged=base + cum.spot,
        funding=inc.split.funding,
        fees=inc.split.fees,
        fills=inc.fills,
    )


def hedge_report(
    hedge: str,
    symbol: str,
    band: Decimal,
    readings: Sequence[SnapshotRow],
    fills: Sequence[Fill],
    funding: Sequence[FundingPayment],
    events: HedgeEvents,
    window: DateRange,
    sampler: SeriesSampler | None = None,
) -> HedgeReport:
    """The report of `hedge` over `window` (readings' venue times; events' local times)."""
    incs = increments(symbol, readings, fills, funding)
    return report_of(hedge, band, incs, events, window, sampler)


def report_of(
    hedge: str,
    band: Decimal,
    incs: Iterable[Increment],
    events: HedgeEvents,
    window: DateRange,
    sampler: SeriesSampler | None = None,
    basket: BasketTag | None = None,
) -> HedgeReport:
    """The report of `hedge` from its increments (`split.increments`, or a basket member's
    `basket_split.basket_increments`) over `window`."""
    sink = MetricsSink()
    days: dict[str, Split] = {}
    day_fills: dict[str, int] = {}
    cum, base, last_ts = Split(), None, None
    for inc in incs:
        ts = inc.end.venue_ms
        if window.before(ts) or window.after(ts):
            continue
        day = day_of(ts)
        days[day] = days.get(day, Split()) + inc.split
        day_fills[day] = day_fills.get(day, 0) + inc.fills
        cum = cum + inc.split
        base = inc.start.spot * inc.start.mark if base is None else base
        if last_ts is None or ts > last_ts:  # the metrics need increasing times
            step = _step(hedge, inc, base, cum, band)
            sink.add([step])
            if sampler is not None:
                sampler.add([step])
            last_ts = ts
    orders, top_ups = _count(events.orders, window), _count(events.top_ups, window)
    risk = _count(events.risk_events, window)
    names = sorted(set(days) | set(orders) | set(top_ups) | set(risk))
    rows = tuple(
        DayRow(
            d,
            days.get(d, Split()),
            day_fills.get(d, 0),
            orders.get(d, 0),
            top_ups.get(d, 0),
            risk.get(d, 0),
        )
        for d in names
    )
    total = DayRow(
        "total",
        cum,
        sum(r.fills for r in rows),
        sum(r.orders for r in rows),
        sum(r.top_ups for r in rows),
        sum(r.risk_events for r in rows),
    )
    metrics = sink.results()[1].get(hedge)
    in_window = (c for ts, c in events.rolls if not (window.before(ts) or window.after(ts)))
    costs = sum(in_window, ZERO)
    return HedgeReport(hedge, rows, total, metrics, roll_costs=costs, basket=basket)
