"""`beta:` of a hedge: a fixed number, or an OLS estimate refreshed from the venue's candles.

`beta: 1.25`, or `beta: {estimate: ols, lookback_days: 30, interval: 1h, refresh_hours: 24,
min: 0.2, max: 3, min_r2: 0.3}`: the slope of the holding's log returns on the hedge
instrument's log returns over the last `lookback_days` of `interval` candles, clamped to
[`min`, `max`], refreshed at start and every `refresh_hours`; a fit with too little data or an
R² below `min_r2` keeps the last beta (`domain.beta_memory`). Only a proxy hedge (a perp on
another asset, sized by value) has a beta to estimate.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from bot.config.errors import problems_error
from bot.config.tags import ESTIMATED_BETA, FIXED_BETA

__all__ = ["MAX_CANDLES", "BetaEstimateSettings", "BetaSetting"]
MAX_CANDLES = 1000  # one klines request per leg (Binance serves at most 1,000 spot candles)
INTERVAL_MINUTES = {"1m": 1, "5m": 5, "15m": 15, "30m": 30, "1h": 60, "4h": 240, "1d": 1440}


class BetaEstimateSettings(BaseModel):
    """An estimated beta: OLS of the holding's log returns on the instrument's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    estimate: Literal["ols"] = Field(description="ols — the estimator (ordinary least squares)")
    lookback_days: int = Field(
        default=30, ge=1, le=365, description="candles of the last this many days, days"
    )
    interval: Literal["1m", "5m", "15m", "30m", "1h", "4h", "1d"] = Field(
        default="1h", description="candle interval: 1m | 5m | 15m | 30m | 1h | 4h | 1d"
    )
    refresh_hours: Decimal = Field(
        default=Decimal(24), gt=0, le=8760, description="estimate again this often, hours"
    )
    min: Decimal = Field(
        default=Decimal("0.2"), gt=0, le=10, description="lowest beta used (clamp), a factor"
    )
    max: Decimal = Field(
        default=Decimal(3), gt=0, le=10, description="highest beta used (clamp), a factor"
    )
    min_r2: Decimal = Field(
        default=Decimal("0.3"),
        ge=0,
        le=1,
        description="a fit with a lower R² (0–1) is not used: the last beta is kept",
    )

    @model_validator(mode="after")
    def _check(self) -> BetaEstimateSettings:
        problems = []
        if self.min > self.max:
            problems.append(("min", f"{self.min} is above max {self.max} (use min ≤ max)"))
        if self.candles > MAX_CANDLES:
            problems.append(
                (
                    "interval",
                    f"{self.lookback_days} days of {self.interval} candles is {self.candles:,} "
                    f"candles, more than {MAX_CANDLES:,} (use a longer interval or fewer days)",
                )
            )
        if problems:
            raise problems_error(problems)
        return self

    @property
    def candles(self) -> int:
        """Candles in the lookback."""
        return self.lookback_days * 1440 // INTERVAL_MINUTES[self.interval]

    @property
    def refresh_ms(self) -> int:
        """`refresh_hours` in ms."""
        return int(self.refresh_hours * 3_600_000)


def _shape(value: Any) -> str:
    return ESTIMATED_BETA if isinstance(value, dict | BetaEstimateSettings) else FIXED_BETA


FixedBeta = Annotated[Decimal, Field(gt=0, le=10)]

# `beta:` is a number or an estimate (a tagged union: one error per shape, not both).
BetaSetting = Annotated[
    Annotated[FixedBeta, Tag(FIXED_BETA)] | Annotated[BetaEstimateSettings, Tag(ESTIMATED_BETA)],
    Discriminator(_shape),
]
