"""COIN-M (inverse) contract math: notional, P&L, entry averaging, liquidation price.

Pure functions over Decimal. `amt` is the signed position in contracts (long > 0), `cs` the
contract size in USD, prices in USD per coin; every amount returned is in the coin (the
margin asset). `side` is +1 for a long, -1 for a short.

- notional (coin) = amt · cs / price
- unrealised P&L (coin) = amt · cs · (1/entry − 1/mark)
- entry price after adding: the harmonic mean, (Q1 + Q2) / (Q1/E1 + Q2/E2)

Liquidation price (Binance, one-way mode, "How to Calculate Liquidation Price of COIN-M
Contracts"; isolated and cross):

    LP = (Q·MMR + side·Q) / ((WB + cum)/CS + side·Q/EP)

with Q the contracts (> 0), WB the wallet in coin (isolated: the position's margin; cross: the
wallet minus the other contracts' maintenance margin plus their unrealised P&L), MMR and cum
(coin) from the bracket the notional in coin *at LP* falls in. It is where the margin balance
WB + side·Q·CS·(1/EP − 1/LP) equals the maintenance margin Q·CS/LP·MMR − cum.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.sim.margin import Bracket

__all__ = [
    "inverse_fill",
    "inverse_liquidation_price",
    "inverse_notional",
    "inverse_upnl",
]

ZERO = Decimal(0)
ONE = Decimal(1)


def inverse_notional(amt: Decimal, cs: Decimal, price: Decimal) -> Decimal:
    """Signed notional in coin of `amt` contracts at `price`."""
    return amt * cs / price


def inverse_upnl(amt: Decimal, cs: Decimal, entry: Decimal, mark: Decimal) -> Decimal:
    """Unrealised P&L in coin of `amt` contracts opened at `entry`, at `mark`."""
    if amt == 0:
        return ZERO
    return amt * cs * (mark - entry) / (entry * mark)  # = amt·cs·(1/entry − 1/mark), one division


def inverse_fill(
    amt: Decimal, entry: Decimal, signed_qty: Decimal, price: Decimal, cs: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """New (amt, entry, realised P&L in coin) after trading `signed_qty` contracts (buy > 0)
    at `price`: adding averages the entry harmonically, reducing realises
    closed · cs · (1/entry − 1/price) · side, flipping opens the rest at `price`."""
    new_amt = amt + signed_qty
    if amt == 0 or (amt > 0) == (signed_qty > 0):
        size = abs(amt) + abs(signed_qty)
        held = abs(amt) / entry if amt != 0 else ZERO
        return new_amt, size / (held + abs(signed_qty) / price), ZERO
    closed = min(abs(amt), abs(signed_qty))
    side = ONE if amt > 0 else -ONE
    realized = closed * cs * (price - entry) / (entry * price) * side
    if new_amt == 0:
        return ZERO, ZERO, realized
    if (new_amt > 0) == (amt > 0):
        return new_amt, entry, realized
    return new_amt, price, realized


def inverse_liquidation_price(
    *,
    wallet_balance: Decimal,
    amt: Decimal,
    entry_price: Decimal,
    contract_size: Decimal,
    brackets: Sequence[Bracket],
    other_maint_margin: Decimal = ZERO,
    other_upnl: Decimal = ZERO,
) -> Decimal:
    """Mark price (USD) at which the margin balance equals the maintenance margin; 0 when no
    such price exists (a short whose wallet covers its whole notional, or an account already
    under its maintenance margin at every price, which `risk.due_liquidations` closes).

    Brackets are tried in order until the notional in coin at the computed price falls in
    the bracket used (the last bracket takes anything beyond its floor)."""
    if amt == 0:
        return ZERO
    side = ONE if amt > 0 else -ONE
    q = abs(amt)
    wallet = wallet_balance - other_maint_margin + other_upnl
    for bracket in brackets:
        denominator = (wallet + bracket.cum) / contract_size + side * q / entry_price
        if denominator == 0:
            continue
        price = (q * bracket.mmr + side * q) / denominator
        if price <= 0:
            continue
        notional = q * contract_size / price
        beyond_last = bracket is brackets[-1] and notional >= bracket.floor
        if bracket.floor <= notional < bracket.cap or beyond_last:
            return price
    return ZERO
