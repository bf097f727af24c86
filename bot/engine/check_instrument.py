"""`hedgebot check` lines about what a hedge's instrument means for its sizing: the multiplier
between the perp's base and the spot asset (read from the market data: `1000PEPE` against
`PEPE` is 1,000), and for an inverse (COIN-M) perp its USD contract and whether the COIN-M
wallet's coin counts as holding."""

from __future__ import annotations

from bot.domain.hedge import HedgePolicy
from bot.domain.instrument import counts_margin, multiplier_of
from bot.domain.model import Market, MarketKind
from bot.domain.numbers import plain as _n

from .check import Line, ok

__all__ = ["instrument_line"]


def instrument_line(policy: HedgePolicy, market: Market) -> Line:
    """How the holding of `policy.spot_asset` is sized on `market` (always OK: informative)."""
    where = f"hedges.{policy.name}: {policy.perp_symbol}"
    asset = policy.spot_asset
    if market.kind is MarketKind.INVERSE:
        counted = counts_margin(policy, market)
        margin = (
            f"the COIN-M wallet's {market.settle} counts as holding (count_margin)"
            if counted
            else "the COIN-M wallet is not counted as holding"
        )
        return ok(
            f"{where}: inverse, one contract = {_n(market.contract_size)} {market.quote}, "
            f"margined in {market.settle}; contracts = {asset} × price / "
            f"{_n(market.contract_size)}; {margin}"
        )
    multiplier = multiplier_of(market, asset)
    if multiplier != 1:
        return ok(
            f"{where}: multiplier {_n(multiplier)} found (base {market.base}: one unit = "
            f"{_n(multiplier)} {asset}); {asset} is sized in {market.base}"
        )
    if market.base != asset:
        return ok(f"{where}: base {market.base} is not {asset}: sized by value × beta")
    return ok(f"{where}: {asset} sized 1:1 in {market.base}")
