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

In hedge mode with CROSS margin a symbol's LONG and SHORT legs share the coin wallet and one
liquidation price. Binance's COIN-M formula sums the legs (BOTH, LONG, SHORT; a = side·Q):

    LP = Σ(Q·MMR + a) / ((WB + Σcum)/CS + Σ a/EP)

(`inverse_hedged_liquidation_price`), the same balance equation with every leg's P&L and
maintenance margin. In ISOLATED margin each leg has its own wallet: the one-way price applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.domain.liquidation import (
    MarginBracket,
    SignedLeg,
    bracket_for,
    first_fitting,
    settled_price,
)

__all__ = [
    "inverse_hedged_liquidation_price",
    "inverse_hedged_wallet_for_liquidation_at",
    "inverse_liquidation_price",
    "inverse_liquidation_side",
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
    return inverse_hedged_wallet_for_liquidation_at(
        legs=((contracts, entry_price),),
        price=price,
        contract_size=contract_size,
        brackets=brackets,
        other_maint_margin=other_maint_margin,
        other_unrealized_pnl=other_unrealized_pnl,
    )


def inverse_hedged_wallet_for_liquidation_at(
    *,
    legs: Sequence[SignedLeg],
    price: Decimal,
    contract_size: Decimal,
    brackets: Sequence[MarginBracket],
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
) -> Decimal:
    """The cross coin wallet at which `legs` of one symbol (each (signed contracts, entry))
    are liquidated exactly at `price`: Σ MM(price) − Σ uPnL(price) + TMM − UPNL, i.e. per leg
    CS·Q·((MMR + side)/price − side/EP) − cum."""
    wallet = other_maint_margin - other_unrealized_pnl
    for contracts, entry in legs:
        maint = inverse_maintenance_margin(contracts, contract_size, price, brackets)
        wallet += maint - inverse_upnl(contracts, contract_size, entry, price)
    return wallet


def inverse_hedged_liquidation_price(
    *,
    legs: Sequence[SignedLeg],
    wallet_balance: Decimal,
    contract_size: Decimal,
    brackets: Sequence[MarginBracket],
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
) -> Decimal | None:
    """Cross hedge mode: the liquidation price of a symbol's LONG and SHORT COIN-M legs
    together (`legs`: (signed contracts, entry price)), Binance's summed formula (module
    docstring). Each leg's bracket is the one its own coin notional AT the price falls in,
    found by re-solving from the entry notionals until the brackets stay. One live leg is the
    one-way price. None when flat or when no positive price liquidates the pair."""
    live = [(a, e) for a, e in legs if a != 0]
    if len(live) <= 1:
        contracts, entry = live[0] if live else (ZERO, ZERO)
        return inverse_liquidation_price(
            contracts=contracts,
            entry_price=entry,
            wallet_balance=wallet_balance,
            contract_size=contract_size,
            brackets=brackets,
            other_maint_margin=other_maint_margin,
            other_unrealized_pnl=other_unrealized_pnl,
        )
    wallet = wallet_balance - other_maint_margin + other_unrealized_pnl
    booked = contract_size * sum((a / e for a, e in live), ZERO)

    def solve(pairs: Sequence[tuple[SignedLeg, MarginBracket]]) -> Decimal | None:
        numerator = contract_size * sum((abs(a) * b.maint_margin_ratio + a for (a, _), b in pairs),
                                        ZERO)  # fmt: skip
        denominator = wallet + sum((b.cum for _, b in pairs), ZERO) + booked
        return None if denominator == 0 else numerator / denominator

    def notional_at(contracts: Decimal, price: Decimal) -> Decimal:
        return inverse_notional(contracts, contract_size, price)

    return settled_price(live, brackets, notional_at, solve)


def inverse_liquidation_side(
    legs: Sequence[SignedLeg], contract_size: Decimal, mark: Decimal,
    brackets: Sequence[MarginBracket],
) -> int:  # fmt: skip
    """−1 when a rise of the mark brings `legs` (one symbol, one cross coin wallet) closer to
    liquidation — a short, or a pair whose SHORT outweighs the LONG —, +1 when a fall does.
    Per unit of 1/price the margin balance minus the maintenance margin moves by
    −CS·Σ(a + |a|·MMR) (a COIN-M maintenance margin shrinks as the price rises), so the side
    is the sign of Σ(a + |a|·MMR), brackets at the mark (MMR 0 without brackets)."""
    slope = ZERO
    for contracts, _ in legs:
        notional = inverse_notional(contracts, contract_size, mark)
        rate = bracket_for(notional, brackets).maint_margin_ratio if brackets else ZERO
        slope += contracts + abs(contracts) * rate
    return 1 if slope > 0 else -1
