"""The `backtest` section: settings only `hedgebot backtest` reads (the daemon ignores them).

    backtest:
      fees: {maker: 0.0002, taker: 0.0005}   # fractions of notional; Binance USDⓈ-M VIP 0

`--fees maker=…,taker=…` on the command line overrides either rate for one run.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["BacktestFees", "BacktestSettings"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_LIMIT = Decimal("0.01")  # 1 % of notional: beyond it a rate was surely given in percent


class BacktestFees(BaseModel):
    """Perp trading fees of the fill model, fractions of notional (0.0002 = 0.02 %)."""

    model_config = _FROZEN

    maker: Decimal = Field(
        default=Decimal("0.0002"),
        ge=-_LIMIT,
        le=_LIMIT,
        description="fee on post-only fills, fraction of notional (negative: a rebate)",
    )
    taker: Decimal = Field(
        default=Decimal("0.0005"),
        ge=0,
        le=_LIMIT,
        description="fee on IOC fills, fraction of notional",
    )


class BacktestSettings(BaseModel):
    """What `hedgebot backtest` models beyond the hedges' own settings."""

    model_config = _FROZEN

    fees: BacktestFees = Field(
        default_factory=BacktestFees,
        description="the fill model's maker/taker fees (Binance USDⓈ-M VIP 0 by default); "
        "`--fees maker=…,taker=…` overrides them",
    )
