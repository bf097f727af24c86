"""Prometheus metrics for the daemon, in a registry of their own.

Each `Metrics` owns a `CollectorRegistry` (never the process-global one), so tests and
several instances in one process never clash. The engine calls the typed setters below;
`render()` produces the text exposition format served at GET /metrics.

Units: ratios, margin ratio and liquidation distance are fractions; spot is base units;
perp is signed contracts (short = negative); funding is quote currency (received = +).
Unknown values (no position yet) are exported as NaN rather than a misleading 0.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from decimal import Decimal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.api.ports import risk_grade_index

__all__ = ["CONTENT_TYPE", "ERROR_KINDS_HINT", "ORDER_KINDS", "Metrics"]

# The classic text format; generate_latest() writes exactly this version.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

ORDER_KINDS: tuple[str, ...] = (
    "placed",
    "canceled",
    "filled",
    "rejected",
    "ambiguous",
    "would_place",  # dry run: journaled, not sent
    "would_cancel",
)
# Suggested `kind` values for count_error (free-form: the exchange error class name is fine).
ERROR_KINDS_HINT: tuple[str, ...] = ("network", "rate_limit", "auth", "exchange", "bad_data")

Number = Decimal | float | int | None

# Hedge cycles take milliseconds against the simulator and seconds against a slow venue.
_CYCLE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def _num(value: Number) -> float:
    """Decimal/int/float → float for export; None → NaN (unknown)."""
    return math.nan if value is None else float(value)


class Metrics:
    """The daemon's metrics; every method is cheap and safe to call from the event loop."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._hedges: set[str] = set()
        self._init_hedge_gauges()
        self._init_process_metrics()

    def _gauge(self, name: str, doc: str, labels: Iterable[str] = ("hedge",)) -> Gauge:
        return Gauge(name, doc, list(labels), registry=self.registry)

    def _init_hedge_gauges(self) -> None:
        g = self._gauge
        self.hedge_ratio = g("hedgebot_hedge_ratio", "Short exposure / spot holding (fraction).")
        self.target_ratio = g("hedgebot_target_ratio", "Configured target ratio (fraction).")
        self.effective_target = g(
            "hedgebot_effective_target",
            "Target the rules set this cycle (fraction; windows, tranches, take-profit, ...).",
        )
        self.margin_ratio = g(
            "hedgebot_margin_ratio", "Maintenance margin / margin balance (fraction, 1 = liq)."
        )
        self.liquidation_distance = g(
            "hedgebot_liquidation_distance",
            "(liquidation price - mark) / mark for the short leg (fraction).",
        )
        self.spot_amount = g("hedgebot_spot_amount", "Spot holding (base units).")
        self.perp_contracts = g("hedgebot_perp_contracts", "Perp position (contracts, short < 0).")
        self.funding_total = g(
            "hedgebot_funding_total", "Funding received (+) or paid (-) so far (quote)."
        )
        self.paused = g("hedgebot_paused", "1 when trading for the hedge is paused.")
        self.basis = g(
            "hedgebot_basis_annualised",
            "Dated future: (future - index) / index per year to expiry (fraction; NaN for perps).",
        )
        self.risk_grade = g(
            "hedgebot_risk_grade", "Risk guard grade: 0 ok, 1 warn, 2 top_up, 3 delever, 4 reduce."
        )
        self.basket_share = g(
            "hedgebot_basket_share",
            "Part of a shared perp's position attributed to the hedge (fraction, pro rata to "
            "the targets); label basket: every hedge on that perp, lead first.",
            ("hedge", "basket"),
        )
        self._baskets: dict[str, str] = {}  # hedge → its basket label now
        self._hedge_gauges = (
            self.hedge_ratio,
            self.target_ratio,
            self.effective_target,
            self.margin_ratio,
            self.liquidation_distance,
            self.spot_amount,
            self.perp_contracts,
            self.funding_total,
            self.paused,
            self.risk_grade,
            self.basis,
        )

    def _init_process_metrics(self) -> None:
        self.orders = Counter(
            "hedgebot_orders",
            "Orders by outcome: placed, canceled, filled, rejected, ambiguous; in a dry run"
            " would_place, would_cancel (journaled, never sent).",
            ["hedge", "kind"],
            registry=self.registry,
        )
        self.errors = Counter(
            "hedgebot_errors",
            "Errors talking to a venue, by account and kind.",
            ["account", "kind"],
            registry=self.registry,
        )
        self.cycle_duration = Histogram(
            "hedgebot_cycle_duration_seconds",
            "Wall time of one hedge cycle (gather, decide, act, record).",
            buckets=_CYCLE_BUCKETS,
            registry=self.registry,
        )
        self.last_cycle = Gauge(
            "hedgebot_last_cycle_timestamp_seconds",
            "Epoch seconds of the last hedge cycle that completed without error.",
            registry=self.registry,
        )
        self.breaker_open = self._gauge(
            "hedgebot_breaker_open", "1 when the account's circuit breaker is open.", ["account"]
        )
        self.used_weight = self._gauge(
            "hedgebot_used_weight",
            "Request weight the venue says the account's key used this minute (Binance "
            "X-MBX-USED-WEIGHT-1M; the highest of its futures APIs).",
            ["account"],
        )
        self.dry_run = Gauge(
            "hedgebot_dry_run",
            "1 in a dry run: the daemon reads, decides and journals but sends no order, cancel,"
            " transfer or margin change.",
            registry=self.registry,
        )

    def _touch(self, hedge: str) -> None:
        """First sight of a hedge: export every order kind at 0 so rate() works at once."""
        if hedge not in self._hedges:
            self._hedges.add(hedge)
            for kind in ORDER_KINDS:
                self.orders.labels(hedge=hedge, kind=kind)

    def set_hedge(
        self,
        hedge: str,
        *,
        ratio: Number,
        target: Number,
        margin_ratio: Number = None,
        liquidation_distance: Number = None,
        spot: Number = None,
        perp_contracts: Number = None,
        effective_target: Number = None,
    ) -> None:
        """Record one hedge's state after a cycle (units in the module docstring);
        `effective_target` defaults to `target` (no rule moved it)."""
        self._touch(hedge)
        self.hedge_ratio.labels(hedge=hedge).set(_num(ratio))
        self.target_ratio.labels(hedge=hedge).set(_num(target))
        effective = target if effective_target is None else effective_target
        self.effective_target.labels(hedge=hedge).set(_num(effective))
        self.margin_ratio.labels(hedge=hedge).set(_num(margin_ratio))
        self.liquidation_distance.labels(hedge=hedge).set(_num(liquidation_distance))
        self.spot_amount.labels(hedge=hedge).set(_num(spot))
        self.perp_contracts.labels(hedge=hedge).set(_num(perp_contracts))

    def set_funding_total(self, hedge: str, quote: Number) -> None:
        """Funding received (+) or paid (-) for the hedge so far, in quote currency."""
        self._touch(hedge)
        self.funding_total.labels(hedge=hedge).set(_num(quote))

    def set_basis(self, hedge: str, basis: Number) -> None:
        """A dated future's annualised basis (fraction per year; None for a perpetual)."""
        self._touch(hedge)
        self.basis.labels(hedge=hedge).set(_num(basis))

    def set_basket(self, hedge: str, members: tuple[str, ...], share: Number) -> None:
        """The hedge's share of the perp it shares with `members` (all of them, lead
        first); no members: alone on its perp, no series."""
        label = ",".join(members)
        old = self._baskets.pop(hedge, None)
        if old is not None and old != label:
            _remove(self.basket_share, hedge, old)
        if members:
            self._baskets[hedge] = label
            self.basket_share.labels(hedge=hedge, basket=label).set(_num(share))

    def set_paused(self, hedge: str, paused: bool) -> None:
        """Whether trading for the hedge is paused (operator, stale data, kill switch)."""
        self._touch(hedge)
        self.paused.labels(hedge=hedge).set(1 if paused else 0)

    def set_risk_grade(self, hedge: str, grade: int | str) -> None:
        """The risk guard's grade, by name ("top_up") or index (2); ValueError if unknown."""
        self._touch(hedge)
        self.risk_grade.labels(hedge=hedge).set(risk_grade_index(grade))

    def count_order(self, hedge: str, kind: str, n: int = 1) -> None:
        """Count `n` orders of `kind` (one of ORDER_KINDS) for the hedge."""
        if kind not in ORDER_KINDS:
            raise ValueError(f"order kind {kind!r} is not one of {', '.join(ORDER_KINDS)}")
        self._touch(hedge)
        self.orders.labels(hedge=hedge, kind=kind).inc(n)

    def count_error(self, account: str, kind: str) -> None:
        """Count one error for the account (`kind` free-form, e.g. ERROR_KINDS_HINT)."""
        self.errors.labels(account=account, kind=kind).inc()

    def set_breaker(self, account: str, is_open: bool) -> None:
        """Whether the account's circuit breaker is open (half-open counts as open)."""
        self.breaker_open.labels(account=account).set(1 if is_open else 0)

    def set_used_weight(self, account: str, weight: Number) -> None:
        """The account's used request weight this minute (None: not reported, NaN)."""
        self.used_weight.labels(account=account).set(_num(weight))

    def set_dry_run(self, on: bool) -> None:
        """Whether the daemon runs dry (nothing is sent to any venue)."""
        self.dry_run.set(1 if on else 0)

    def observe_cycle(self, seconds: Number) -> None:
        """Record one hedge cycle's wall time in seconds (successful or not)."""
        self.cycle_duration.observe(_num(seconds))

    def mark_cycle_ok(self, at_epoch_s: Number) -> None:
        """Record that a cycle completed without error at `at_epoch_s` (epoch seconds)."""
        self.last_cycle.set(_num(at_epoch_s))

    def remove_hedge(self, hedge: str) -> None:
        """Drop every series of a hedge a config reload removed (no-op if unknown)."""
        for gauge in self._hedge_gauges:
            _remove(gauge, hedge)
        for kind in ORDER_KINDS:
            _remove(self.orders, hedge, kind)
        self.set_basket(hedge, (), None)
        self._hedges.discard(hedge)

    def remove_account(self, account: str) -> None:
        """Drop the breaker and weight series of an account a reload removed (error counters
        stay)."""
        _remove(self.breaker_open, account)
        _remove(self.used_weight, account)

    def render(self) -> bytes:
        """The Prometheus text exposition (CONTENT_TYPE) of every metric above."""
        return generate_latest(self.registry)


def _remove(metric: Gauge | Counter, *labels: str) -> None:
    with contextlib.suppress(KeyError):  # never exported for it: nothing to drop
        metric.remove(*labels)
