"""What one hedge should be (`HedgePolicy`) and what it is right now (`HedgeState`).

Units and signs used throughout:
- spot and exposures are base units (BTC); `short` is the perp's short exposure as a POSITIVE
  number (a net-long perp gives a negative `short`);
- ratio = short / (spot × beta), a fraction (1 = fully hedged, 0.5 = half), None when the
  spot is zero (undefined: any short is then unwanted);
- gap = target short − short: positive means "sell more" (grow the short), negative means
  "buy back" (shrink it). `gap_contracts` is the same gap in contracts, rounded toward zero
  to the market's step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from bot.domain.contracts import base_exposure, contracts_for_base, round_amount_down
from bot.domain.model import MarginMode, Market, Order, Side

__all__ = [
    "HedgePolicy",
    "HedgeState",
    "contracts_after_fills",
    "measure",
    "ratio_after_fills",
    "ratio_of",
    "short_exposure",
]

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class HedgePolicy:
    """One hedge's target and execution rules (the YAML `hedges.<name>` slice).

    Ratios are fractions. `band`: act when |ratio − target_ratio| > band. `max_ratio`: no fill
    may ever take the ratio above it (above 1 only with `allow_over_hedge`). `beta` scales the
    spot for proxy hedges (1 = same asset). Execution: `post_only` maker orders at the touch;
    `max_order_notional` (quote) slices orders; `reprice_after_ms` is an order's maximum age;
    `reprice_ticks` is how many ticks the touch may move away from a resting order before it is
    repriced; beyond `emergency_band` (|ratio − target|, None = never) an aggressive IOC limit
    is used; `max_daily_turnover` (quote, None = unlimited) caps what one UTC day may trade.
    `count_margin`: the COIN-M wallet's coin is part of the holding (None = yes for an
    inverse perp margined in the hedged coin, see `instrument.counts_margin`).
    """

    name: str
    spot_asset: str
    perp_symbol: str
    target_ratio: Decimal
    band: Decimal = Decimal("0.02")
    max_ratio: Decimal = ONE
    allow_over_hedge: bool = False
    beta: Decimal = ONE
    leverage: int = 2
    margin_mode: MarginMode = MarginMode.ISOLATED
    post_only: bool = True
    max_order_notional: Decimal | None = None
    reprice_after_ms: int = 60_000
    reprice_ticks: int = 5
    emergency_band: Decimal | None = None
    max_daily_turnover: Decimal | None = None
    count_margin: bool | None = None

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem:
            raise ValueError(f"hedges.{self.name}.{problem}")

    def _problem(self) -> str | None:
        if self.target_ratio < 0:
            return f"target_ratio: {self.target_ratio} is below 0"
        if self.max_ratio < self.target_ratio:
            return f"max_ratio: {self.max_ratio} is below target_ratio {self.target_ratio}"
        if self.max_ratio > 1 and not self.allow_over_hedge:
            return f"max_ratio: {self.max_ratio} is above 1; set allow_over_hedge: true"
        if self.band < 0:
            return f"band: {self.band} is below 0"
        if self.beta <= 0:
            return f"beta: {self.beta} must be positive"
        if self.leverage < 1:
            return f"leverage: {self.leverage} must be at least 1"
        if self.max_order_notional is not None and self.max_order_notional <= 0:
            return f"max_order_notional: {self.max_order_notional} must be positive"
        if self.max_daily_turnover is not None and self.max_daily_turnover <= 0:
            return f"max_daily_turnover: {self.max_daily_turnover} must be positive"
        if self.emergency_band is not None and self.emergency_band <= self.band:
            return f"emergency_band: {self.emergency_band} must be above band {self.band}"
        if self.reprice_after_ms <= 0 or self.reprice_ticks < 0:
            return "reprice_after_ms must be positive and reprice_ticks not negative"
        return None

    def spot_exposure(self, spot: Decimal) -> Decimal:
        """The base units this hedge protects: spot × beta."""
        return spot * self.beta


def short_exposure(market: Market, contracts: Decimal, price: Decimal | None = None) -> Decimal:
    """Short exposure in base units of a signed position: positive for a short, negative for a
    net long. `price` (quote per base) is needed for inverse markets only."""
    return -base_exposure(market, contracts, price)


def ratio_of(short: Decimal, spot_exposure: Decimal) -> Decimal | None:
    """short / spot_exposure, or None when there is no spot exposure (undefined)."""
    if spot_exposure <= 0:
        return None
    return short / spot_exposure


@dataclass(frozen=True, slots=True)
class HedgeState:
    """One hedge measured at one moment (base units; see the module docstring for signs)."""

    spot: Decimal
    spot_exposure: Decimal
    short: Decimal
    contracts: Decimal
    ratio: Decimal | None
    target_short: Decimal
    max_short: Decimal
    gap: Decimal
    gap_contracts: Decimal
    price: Decimal

    @property
    def net_long(self) -> bool:
        return self.contracts > 0

    @property
    def over_max(self) -> bool:
        """The short exceeds what `max_ratio` allows (any short counts when spot is zero)."""
        return self.short > self.max_short


def measure(
    policy: HedgePolicy, market: Market, spot: Decimal, contracts: Decimal, price: Decimal
) -> HedgeState:
    """Measure a hedge: `spot` base units held (negative is treated as zero), `contracts` the
    signed perp position, `price` the mark (quote per base) used for inverse conversions.

    target_short = target_ratio × spot × beta; max_short = max_ratio × spot × beta.
    """
    if price <= 0:
        raise ValueError(f"hedges.{policy.name}: price must be positive, got {price}")
    held = max(spot, ZERO)
    exposure = policy.spot_exposure(held)
    short = short_exposure(market, contracts, price)
    target = policy.target_ratio * exposure
    gap = target - short
    return HedgeState(
        spot=held,
        spot_exposure=exposure,
        short=short,
        contracts=contracts,
        ratio=ratio_of(short, exposure),
        target_short=target,
        max_short=policy.max_ratio * exposure,
        gap=gap,
        gap_contracts=round_amount_down(market, contracts_for_base(market, gap, price)),
        price=price,
    )


def contracts_after_fills(contracts: Decimal, orders: Iterable[Order]) -> Decimal:
    """The signed position if the remaining amount of every order in `orders` filled."""
    total = contracts
    for order in orders:
        signed = order.remaining if order.side is Side.BUY else -order.remaining
        total += signed
    return total


def ratio_after_fills(
    policy: HedgePolicy,
    market: Market,
    spot: Decimal,
    contracts: Decimal,
    orders: Iterable[Order],
    price: Decimal,
) -> Decimal | None:
    """The hedge ratio if every live order in `orders` filled completely (None if spot is 0)."""
    after = contracts_after_fills(contracts, orders)
    return ratio_of(short_exposure(market, after, price), policy.spot_exposure(max(spot, ZERO)))
