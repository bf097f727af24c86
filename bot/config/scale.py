"""The `scale` section: how many hedges act at once per account, and how close to the venue's
per-minute request-weight budget the daemon lets itself go before it defers reads that can
wait (fills without a position change, margin brackets)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.config.errors import problems_error

__all__ = ["ScaleSettings"]


class ScaleSettings(BaseModel):
    """Concurrency of the act phase and the request-weight headroom (per account)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    act_concurrency: int = Field(
        default=25,
        ge=1,
        le=100,
        description="hedges of one account that send their cancels and orders at the same "
        "time; the others wait for a free slot (risk actions first)",
    )
    weight_limit_1m: int = Field(
        default=2400,
        ge=1,
        description="the venue's request-weight budget per minute and key (Binance USDⓈ-M "
        "and COIN-M: 2400), against which X-MBX-USED-WEIGHT-1M is compared",
    )
    weight_headroom: int = Field(
        default=600,
        ge=0,
        description="when less than this much of weight_limit_1m is left this minute, reads "
        "that can wait (fills of unchanged symbols, margin brackets) are deferred; risk "
        "actions are never held back",
    )

    @model_validator(mode="after")
    def _headroom_below_limit(self) -> ScaleSettings:
        if self.weight_headroom >= self.weight_limit_1m:
            raise problems_error(
                [
                    (
                        "weight_headroom",
                        f"{self.weight_headroom} must be below weight_limit_1m "
                        f"({self.weight_limit_1m}), or every read would be deferred",
                    )
                ]
            )
        return self
