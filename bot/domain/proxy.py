"""Proxy (cross-asset) hedges: a holding offset with a perp on ANOTHER asset, sized by value.

When the perp's base is neither the holding's asset nor a multiple of it (SOL held, ETH/USDT
perp), units of the two cannot be compared: the holding is priced at its own spot market
(`SOL/USDT`, the perp's quote) and turned into the instrument's base units by value,
units = coins × spot price / perp price. The ratio then multiplies by `beta` as for every
hedge, so short notional = target × beta × holding value:
100 SOL at 150 against ETH at 3,000, beta 1.2, target 1 → 100 × 150 / 3,000 × 1.2 = 6 ETH.
The "multiplier" of a proxy is the value equivalence, perp price / spot price (20 SOL per ETH).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bot.domain.exposure import exposure_units, parse_multiplier
from bot.domain.hedge import HedgePolicy
from bot.domain.holding import Sources
from bot.domain.instrument import HedgeExposure, hedge_exposure
from bot.domain.model import AccountSnapshot, Market, Quote

__all__ = ["is_proxy", "proxy_spot_symbol", "sized_exposure", "spot_price", "value_multiplier"]


def is_proxy(base: str, asset: str) -> bool:
    """Whether an instrument on `base` hedges `asset` by value (another asset, no multiple)."""
    return parse_multiplier(base, asset) is None


def proxy_spot_symbol(asset: str, quote: str) -> str:
    """The spot market the holding is priced at: the asset in the perp's quote (SOL/USDT)."""
    return f"{asset}/{quote}"


def spot_price(quote: Quote) -> Decimal:
    """A spot market's price: the last trade, else the mid."""
    return quote.last if quote.last is not None and quote.last > 0 else quote.mid


def value_multiplier(holding_price: Decimal, perp_price: Decimal) -> Decimal:
    """Coins of the holding worth one unit of the perp's base: perp price / holding price
    (both quote per unit, e.g. USDT), so coins / multiplier = the holding in perp units."""
    if holding_price <= 0 or perp_price <= 0:
        raise ValueError(f"prices must be positive, got {holding_price} and {perp_price}")
    return perp_price / holding_price


def sized_exposure(
    policy: HedgePolicy,
    market: Market,
    spot: AccountSnapshot,
    perp: AccountSnapshot,
    perp_price: Decimal,
    sources: Sources | None = None,
) -> HedgeExposure:
    """`instrument.hedge_exposure`, by value for a proxy instrument (see the module docstring).
    Raises ValueError naming the hedge when the holding's spot price was not read."""
    same = hedge_exposure(policy, market, spot, perp, sources)
    if not is_proxy(market.base, policy.spot_asset):
        return same
    symbol = proxy_spot_symbol(policy.spot_asset, market.quote)
    quote = spot.quotes.get(symbol)
    if quote is None:
        raise ValueError(f"hedges.{policy.name}: no {symbol} price to size the proxy by value")
    multiplier = value_multiplier(spot_price(quote), perp_price)
    units = exposure_units(same.holding.coins, multiplier)
    return replace(same, multiplier=multiplier, units=units)
