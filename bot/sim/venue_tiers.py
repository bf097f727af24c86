"""Whose maintenance-margin tiers margin a position: Binance's brackets, or Bybit's risk
limits for a position of a Bybit (unified) account."""

from __future__ import annotations

from bot.sim.accounts import FuturesPosition
from bot.sim.bybit_risk_limits import bybit_tiers
from bot.sim.margin import Bracket
from bot.sim.specs import brackets_for

__all__ = ["position_tiers"]


def position_tiers(pos: FuturesPosition) -> tuple[Bracket, ...]:
    """The tiers `pos` is margined (and liquidated) by."""
    if pos.settings.venue == "bybit" and pos.market == "usdm":
        return bybit_tiers(pos.symbol)
    return brackets_for(pos.symbol)
