"""Liquidation math for Binance COIN-M (inverse) contracts in one-way mode.

Source: Binance FAQ "How to Calculate Liquidation Price of COIN-M Contracts". With Q the
contracts (> 0), side +1 long / −1 short, CS the contract size in USD, EP the entry price:

    LP = (Q·MMR + side·Q) / ((WB + cum)/CS + side·Q/EP)

WB is the wallet in coin (isolated: the position's isolated wallet; cross: the cross wallet
minus the other contracts' maintenance margin plus their unrealised P&L); MMR and cum (coin)
come from the coin-denominated bracket the notional in coin AT the liquidation price falls in
(`MarginBracket` floors and caps are then in coin). It is the price where the margin balance
WB + side·Q·CS·(1/EP − 1/LP) equals the maintenance margin Q·CS/LP·MMR − cum.

Here `contracts` is signed (short < 0); amounts are coin; prices USD per coin.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.domain.liquidation import MarginBracket, bracket_for, first_fitting

__all__ = [
    "inverse_liquidation_price",
    "inverse_maintenance_margin",
    "inverse_notional",
    "inverse_upnl",
    "inverse_wallet_for_liquidation_at",
]

ZERO = Decimal(0)


def inverse_notional(contracts: Decimal, contract_size: Decimal, price: Decimal) -> Decimal:
    """Unsigned notional in coin of `contracts` at `price`: |contracts| × CS / price."""
    return abs(contracts) * contract_size / price


def inverse_upnl(
    contracts: Decimal, contract_size: Decimal, entry: Decimal, mark: Decimal
) -> Decimal:
    """Unrealised P&L in coin: contracts × CS × (1/entry − 1/mark) (a short loses as the
    mark rises)."""
    if contracts == 0:
        return ZERO
    return contracts * contract_size * (mark - entry) / (entry * mark)


def inverse_maintenance_margin(
    contracts: Decimal, contract_size: Decimal, price: Decimal, brackets: Sequence[MarginBracket]
) -> Decimal:
    """Maintenance margin in coin at `price`: notional × MMR − cum, bracket by notional."""
    notional = inverse_notional(contracts, contract_size, price)
    bracket = bracket_for(notional, brackets)
    return notional * bracket.maint_margin_ratio - bracket.cum


def inverse_liquidation_price(
    *,
    contracts: Decimal,
    entry_price: Decimal,
    wallet_balance: Decimal,
    contract_size: Decimal,
    brackets: Sequence[MarginBracket],
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
) -> Decimal | None:
    """Binance's COIN-M liquidation price (see the module docstring), or None when flat or
    when no positive price exists (a short whose wallet covers its notional at any price).
    Each bracket is tried; the one whose coin range holds the notional at the result wins."""
    if contracts == 0:
        return None
    side = Decimal(1) if contracts > 0 else Decimal(-1)
    q = abs(contracts)
    wallet = wallet_balance - other_maint_margin + other_unrealized_pnl

    def solve(bracket: MarginBracket) -> Decimal | None:
        denominator = (wallet + bracket.cum) / contract_size + side * q / entry_price
        if denominator == 0:
            return None
        return (q * bracket.maint_margin_ratio + side * q) / denominator

    return first_fitting(brackets, solve, lambda price: q * contract_size / price)


def inverse_wallet_for_liquidation_at(
    *,
    contracts: Decimal,
    entry_price: Decimal,
    price: Decimal,
    contract_size: Decimal,
    brackets: Sequence[MarginBracket],
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
) -> Decimal:
    """The wallet (coin) at which the liquidation price is exactly `price`: the formula
    solved for WB, WB = CS·Q·((MMR + side)/price − side/EP) − cum (plus the other contracts'
    maintenance margin, minus their uPnL, in cross). Sizes a coin top-up."""
    q = abs(contracts)
    side = Decimal(1) if contracts > 0 else Decimal(-1)
    bracket = bracket_for(q * contract_size / price, brackets)
    own = contract_size * q * ((bracket.maint_margin_ratio + side) / price - side / entry_price)
    return own - bracket.cum + other_maint_margin - other_unrealized_pnl
