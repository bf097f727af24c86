"""Profit and loss of the two legs of a hedge, marked from an entry price to an exit price.

Signs: a positive result is a profit. Spot amounts are base units held (long). Perpetual
positions are signed contracts (negative = short). Linear P&L is in quote currency; inverse P&L
is in base currency (the coin the contract settles in).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.domain.model import Market, MarketKind

__all__ = ["HedgedPnl", "hedged_pnl", "perp_pnl", "spot_pnl"]


def spot_pnl(amount: Decimal, entry_price: Decimal, exit_price: Decimal) -> Decimal:
    """Quote P&L of holding `amount` base units from `entry_price` to `exit_price`."""
    return amount * (exit_price - entry_price)


def perp_pnl(
    market: Market, contracts: Decimal, entry_price: Decimal, exit_price: Decimal
) -> Decimal:
    """P&L of a perpetual position of signed `contracts` between two prices.

    Linear: contracts × contract_size × (exit − entry), in quote.
    Inverse: contracts × contract_size × (1/entry − 1/exit), in base.
    """
    if market.kind is MarketKind.INVERSE:
        return contracts * market.contract_size * (1 / entry_price - 1 / exit_price)
    if market.kind is MarketKind.LINEAR:
        return contracts * market.contract_size * (exit_price - entry_price)
    raise ValueError(f"{market.symbol}: perp_pnl needs a contract market, got {market.kind.value}")


@dataclass(frozen=True, slots=True)
class HedgedPnl:
    """Quote P&L of spot, of the perp leg, and their sum."""

    spot: Decimal
    perp: Decimal

    @property
    def total(self) -> Decimal:
        return self.spot + self.perp


def hedged_pnl(
    spot_amount: Decimal,
    market: Market,
    contracts: Decimal,
    entry_price: Decimal,
    exit_price: Decimal,
) -> HedgedPnl:
    """Combined quote P&L of `spot_amount` held and `contracts` on `market`, both entered at
    `entry_price` and marked at `exit_price`. Inverse perp P&L is converted to quote at exit."""
    perp = perp_pnl(market, contracts, entry_price, exit_price)
    if market.kind is MarketKind.INVERSE:
        perp = perp * exit_price
    return HedgedPnl(spot=spot_pnl(spot_amount, entry_price, exit_price), perp=perp)
