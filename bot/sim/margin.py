"""USDⓈ-M margin math: brackets, maintenance margin, unrealised P&L, liquidation price.

Pure functions over Decimal. Sizes are absolute base quantities unless a name says `amt`
(signed: long positive, short negative). `side` is +1 for a long, -1 for a short. Rates and
ratios are fractions (0.004 = 0.4 %), amounts are in the margin asset (USDT).

The liquidation price is Binance's documented one-way-mode formula from "How to Calculate
Liquidation Price of USDⓈ-M Contracts"
(https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93):

    LP = (WB − TMM1 + UPNL1 + cumB − Side1 × Position1 × EP1)
         / (Position1 × MMR1 − Side1 × Position1)

WB is the cross wallet balance (isolated: the position's isolated wallet), TMM1/UPNL1 the
maintenance margin / unrealised P&L of all *other* cross positions (0 when isolated), cumB the
bracket's maintenance amount, MMR1 its maintenance margin rate. The bracket must be the one the
notional *at the liquidation price* falls in, so brackets are tried until one is consistent.
In hedge mode the same page gives the cross formula with both legs of the symbol moving with
the price (`hedged_liquidation_price`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "Bracket",
    "bracket_for",
    "build_brackets",
    "hedged_liquidation_price",
    "liquidation_price",
    "maintenance_margin",
    "margin_ratio",
    "unrealized_pnl",
]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Bracket:
    """One maintenance-margin tier: notional in [floor, cap) → rate `mmr`, amount `cum` (USDT)."""

    number: int
    floor: Decimal
    cap: Decimal
    mmr: Decimal
    cum: Decimal
    initial_leverage: int


def build_brackets(tiers: Sequence[tuple[int, int, str, int]]) -> tuple[Bracket, ...]:
    """Brackets from (floor, cap, maintMarginRatio, initialLeverage) rows, computing `cum`.

    Binance: cum(n) = floor(n) × (mmr(n) − mmr(n−1)) + cum(n−1).
    """
    out: list[Bracket] = []
    cum, prev_mmr = ZERO, ZERO
    for i, (floor, cap, mmr_text, lev) in enumerate(tiers, start=1):
        mmr = Decimal(mmr_text)
        cum = Decimal(floor) * (mmr - prev_mmr) + cum
        out.append(Bracket(i, Decimal(floor), Decimal(cap), mmr, cum, lev))
        prev_mmr = mmr
    return tuple(out)


def bracket_for(brackets: Sequence[Bracket], notional: Decimal) -> Bracket:
    """The bracket an absolute notional (USDT) falls in; the last one beyond every cap."""
    for bracket in brackets:
        if abs(notional) < bracket.cap:
            return bracket
    return brackets[-1]


def maintenance_margin(brackets: Sequence[Bracket], notional: Decimal) -> Decimal:
    """Maintenance margin (USDT, ≥ 0) of a position with this notional: notional × mmr − cum."""
    bracket = bracket_for(brackets, notional)
    return max(ZERO, abs(notional) * bracket.mmr - bracket.cum)


def unrealized_pnl(amt: Decimal, entry_price: Decimal, mark_price: Decimal) -> Decimal:
    """Unrealised P&L (USDT) of a signed position `amt` opened at `entry_price`."""
    return amt * (mark_price - entry_price)


def margin_ratio(maint_margin: Decimal, margin_balance: Decimal) -> Decimal:
    """Maintenance margin / margin balance (fraction; ≥ 1 means liquidation). 0 when flat."""
    if maint_margin == 0:
        return ZERO
    if margin_balance <= 0:
        return Decimal(1)
    return maint_margin / margin_balance


def liquidation_price(
    *,
    wallet_balance: Decimal,
    amt: Decimal,
    entry_price: Decimal,
    brackets: Sequence[Bracket],
    other_maint_margin: Decimal = ZERO,
    other_upnl: Decimal = ZERO,
) -> Decimal:
    """Mark price (USDT) at which margin balance equals maintenance margin; 0 when none exists.

    `amt` is the signed position; isolated positions pass their isolated wallet as
    `wallet_balance` and leave the `other_*` terms at 0. A long that can never be liquidated
    (price would have to go below 0) gets 0, as Binance shows "--".
    """
    if amt == 0:
        return ZERO
    side = Decimal(1) if amt > 0 else Decimal(-1)
    size = abs(amt)
    numerator_base = wallet_balance - other_maint_margin + other_upnl - side * size * entry_price
    fallback = ZERO
    for bracket in brackets:
        denominator = size * bracket.mmr - side * size
        price = (numerator_base + bracket.cum) / denominator
        if price <= 0:
            continue
        notional = size * price
        if bracket.floor <= notional < bracket.cap or bracket is brackets[-1]:
            return price
        if fallback == 0:
            fallback = price
    return max(ZERO, fallback)


def hedged_liquidation_price(
    *,
    wallet_balance: Decimal,
    legs: Sequence[tuple[Decimal, Decimal]],
    brackets: Sequence[Bracket],
    other_maint_margin: Decimal = ZERO,
    other_upnl: Decimal = ZERO,
) -> Decimal:
    """Cross hedge mode: the mark price (USDT) at which a symbol's LONG and SHORT legs together
    bring the margin balance down to the maintenance margin; 0 when none exists. Binance:

        LP = (WB − TMM1 + UPNL1 + cumL + cumS − Position_LONG × EP_LONG + Position_SHORT × EP_SHORT)
             / (Position_LONG × MMR_L + Position_SHORT × MMR_S − Position_LONG + Position_SHORT)

    `legs` are (signed amt, entry price) pairs; `other_*` cover the other symbols' cross
    positions. Each leg's bracket is the one its notional at LP falls in, found by iterating
    from the entry notionals (a single leg gives the one-way price).
    """
    base = wallet_balance - other_maint_margin + other_upnl - sum(a * e for a, e in legs)
    chosen = [bracket_for(brackets, abs(a) * e) for a, e in legs]
    price = ZERO
    for _ in range(len(brackets) + 1):
        denominator = sum(
            (abs(a) * b.mmr - a for (a, _), b in zip(legs, chosen, strict=True)), ZERO
        )
        if denominator == 0:
            return ZERO
        price = (base + sum((b.cum for b in chosen), ZERO)) / denominator
        if price <= 0:
            return ZERO
        again = [bracket_for(brackets, abs(a) * price) for a, _ in legs]
        if again == chosen:
            break
        chosen = again
    return price
