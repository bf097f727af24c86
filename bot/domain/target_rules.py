"""A hedge's target rules (the YAML `windows`, `tranches`, `take_profit`, `funding`, `ladder`)
and the cycle's `Observation` they are judged on. Values only; `targets` decides.

Units: ratios are fractions of the holding (1 = fully hedged); prices are quote per base of
the price the rules watch (the holding's spot price, or the perp's with `price: perp`); times
are epoch milliseconds (UTC); funding rates are fractions per settlement (-0.0003 = -0.03 %,
negative: shorts pay longs); drawdowns are fractions below the recent high (0.10 = 10 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

__all__ = [
    "FundingRule",
    "LadderStep",
    "Observation",
    "Rules",
    "TakeProfit",
    "Tranche",
    "Window",
]


@dataclass(frozen=True, slots=True)
class Window:
    """Hold `ratio` from `start_ms` (inclusive) to `end_ms` (exclusive)."""

    name: str
    start_ms: int
    end_ms: int
    ratio: Decimal


@dataclass(frozen=True, slots=True)
class Tranche:
    """A slice of the target, armed once the price is below `price_below` or, when `manual`,
    by the operator (`hedgebot tranche`). Once armed it stays armed (until a take-profit)."""

    ratio: Decimal
    price_below: Decimal | None = None
    manual: bool = False


@dataclass(frozen=True, slots=True)
class TakeProfit:
    """Hit when the price is at or below `price_below`, or the short's unrealised gain is at
    least `pnl_pct` (percent of its notional); then hold `then_ratio` until the price is above
    `rearm_above`."""

    then_ratio: Decimal
    rearm_above: Decimal
    price_below: Decimal | None = None
    pnl_pct: Decimal | None = None


@dataclass(frozen=True, slots=True)
class FundingRule:
    """After `for_settlements` settlements in a row below `below`, cap the target from the
    tranches, ladder and base at `then_ratio`."""

    below: Decimal
    for_settlements: int
    then_ratio: Decimal


@dataclass(frozen=True, slots=True)
class LadderStep:
    """Hold `ratio` once the price is `drawdown` or more below its high of `lookback_days`."""

    drawdown: Decimal
    lookback_days: int
    ratio: Decimal


@dataclass(frozen=True, slots=True)
class Rules:
    """One hedge's rules; `base_ratio` is `target_ratio`, `max_ratio` the clamp."""

    base_ratio: Decimal
    max_ratio: Decimal
    windows: tuple[Window, ...] = ()
    tranches: tuple[Tranche, ...] = ()
    take_profit: TakeProfit | None = None
    funding: FundingRule | None = None
    ladder: tuple[LadderStep, ...] = ()
    perp_price: bool = False

    @property
    def needs_price(self) -> bool:
        """Whether any rule watches the price (the shell must observe it)."""
        price_tranche = any(t.price_below is not None for t in self.tranches)
        return price_tranche or bool(self.ladder) or self.take_profit is not None

    @property
    def lookbacks(self) -> frozenset[int]:
        """The ladder's lookbacks, days (the shell observes one recent high per lookback)."""
        return frozenset(step.lookback_days for step in self.ladder)


def _no_highs() -> Mapping[int, Decimal]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Observation:
    """What the rules see this cycle. `price`: the watched price (None: not read);
    `short_gain_pct`: the short's unrealised gain in percent of its notional (None: no short);
    `settlements`: recent funding settlements as (venue time ms, rate), oldest first;
    `highs`: lookback days → the watched price's high over that many days."""

    now_ms: int
    price: Decimal | None = None
    short_gain_pct: Decimal | None = None
    settlements: tuple[tuple[int, Decimal], ...] = ()
    highs: Mapping[int, Decimal] = field(default_factory=_no_highs)
