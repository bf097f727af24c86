"""Liquidation math for Binance USDⓈ-M (linear) perpetuals in one-way mode.

Source: Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Contracts"
(https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-contracts-b3c689c1f50a44cabb3a84e663b81d93).
In one-way mode (only the BOTH position) its formula reduces to

    LP = (WB − TMM1 + UPNL1 + cum − Side × Size × EP) / (Size × MMR − Side × Size)

WB: wallet balance (isolated: the position's isolated wallet; cross: the cross wallet
balance); TMM1 / UPNL1: maintenance margin and unrealized P&L of all OTHER positions (0 in
isolated mode); cum: the bracket's maintenance amount; Side: +1 long, −1 short; Size: absolute
position in base units; EP: entry price; MMR: the bracket's maintenance margin rate.
It is the price at which margin balance equals maintenance margin, with maintenance margin
= notional × MMR − cum, the bracket chosen by notional (Binance's "leverage brackets",
passed in as data). Here `size` is signed base units (negative = short), so Side × Size is
just `size`. Amounts are in the settle currency (USDT); prices quote per base.

In hedge mode (dual-side positions) with CROSS margin a symbol's LONG and SHORT legs share the
wallet and one liquidation price; the same FAQ gives it with both legs moving with the price
(`hedged_liquidation_price`). In ISOLATED margin each leg has its own isolated wallet, so a
LONG leg does not move the SHORT leg's liquidation price: `liquidation_price` alone applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "MarginBracket",
    "SignedLeg",
    "bracket_for",
    "first_fitting",
    "hedged_liquidation_price",
    "hedged_wallet_for_liquidation_at",
    "implied_bracket",
    "liquidation_distance",
    "liquidation_price",
    "liquidation_side",
    "maintenance_margin",
    "margin_ratio",
    "settled_price",
    "wallet_for_liquidation_at",
]

ZERO = Decimal(0)
SignedLeg = tuple[Decimal, Decimal]  # (signed base units, entry price) of one position leg


@dataclass(frozen=True, slots=True)
class MarginBracket:
    """One Binance leverage bracket: applies to notionals in [floor, cap) (quote)."""

    notional_floor: Decimal
    notional_cap: Decimal
    maint_margin_ratio: Decimal
    cum: Decimal  # maintenance amount, quote
    max_leverage: int | None = None


_SORTED: dict[int, tuple[tuple[MarginBracket, ...], tuple[MarginBracket, ...]]] = {}
_SORTED_MAX = 256  # distinct bracket tables remembered (a venue lists a few hundred symbols)


def _checked(brackets: Sequence[MarginBracket]) -> Sequence[MarginBracket]:
    """`brackets` by floor. A tuple (immutable: the daemon's and the backtest's tables) is
    sorted once and remembered by identity: every decision solves the liquidation price
    several times with the same table, and the sort was a fifth of a backtest's time."""
    if isinstance(brackets, tuple):
        hit = _SORTED.get(id(brackets))
        if hit is not None and hit[0] is brackets:
            return hit[1]
    if not brackets:
        raise ValueError("brackets: at least one margin bracket is needed")
    ordered = tuple(sorted(brackets, key=lambda b: b.notional_floor))
    if isinstance(brackets, tuple):
        if len(_SORTED) >= _SORTED_MAX:
            _SORTED.clear()
        _SORTED[id(brackets)] = (brackets, ordered)  # holding `brackets` keeps its id unique
    return ordered


def bracket_for(notional: Decimal, brackets: Sequence[MarginBracket]) -> MarginBracket:
    """The bracket whose [floor, cap) holds `notional` (the last one above every cap)."""
    ordered = _checked(brackets)
    for bracket in ordered:
        if notional < bracket.notional_cap:
            return bracket
    return ordered[-1]


def maintenance_margin(notional: Decimal, brackets: Sequence[MarginBracket]) -> Decimal:
    """Maintenance margin (quote) of a position of `notional` quote: notional × MMR − cum."""
    bracket = bracket_for(abs(notional), brackets)
    return abs(notional) * bracket.maint_margin_ratio - bracket.cum


def liquidation_price(
    *,
    size: Decimal,
    entry_price: Decimal,
    wallet_balance: Decimal,
    brackets: Sequence[MarginBracket],
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
) -> Decimal | None:
    """Binance's liquidation price for a one-way position of signed `size` base units.

    Returns None when the position is flat or cannot be liquidated (a long whose margin
    covers a fall to zero). Tries each bracket and keeps the one whose notional range holds
    the solution, since the bracket depends on the notional AT the liquidation price.
    """
    if size == 0:
        return None
    equity = wallet_balance - other_maint_margin + other_unrealized_pnl

    def solve(bracket: MarginBracket) -> Decimal | None:
        denominator = abs(size) * bracket.maint_margin_ratio - size
        if denominator == 0:
            return None
        return (equity + bracket.cum - size * entry_price) / denominator

    return first_fitting(brackets, solve, lambda price: abs(size) * price)


def first_fitting(
    brackets: Sequence[MarginBracket],
    solve: Callable[[MarginBracket], Decimal | None],
    notional_at: Callable[[Decimal], Decimal],
) -> Decimal | None:
    """The first positive price `solve` gives for a bracket whose [floor, cap) holds the
    notional at that price (the last bracket takes anything above its floor), or None. The
    bracket depends on the notional AT the liquidation price, hence trying each."""
    ordered = _checked(brackets)
    for i, bracket in enumerate(ordered):
        price = solve(bracket)
        if price is None or price <= 0:
            continue
        notional = notional_at(price)
        last = i == len(ordered) - 1
        if bracket.notional_floor <= notional and (last or notional < bracket.notional_cap):
            return price
    return None


def wallet_for_liquidation_at(
    *,
    size: Decimal,
    entry_price: Decimal,
    price: Decimal,
    brackets: Sequence[MarginBracket],
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
) -> Decimal:
    """The wallet balance (quote) at which the liquidation price is exactly `price`: the
    same equation solved for WB. Used to size a top-up that restores a distance."""
    return hedged_wallet_for_liquidation_at(
        legs=((size, entry_price),),
        price=price,
        brackets=brackets,
        other_maint_margin=other_maint_margin,
        other_unrealized_pnl=other_unrealized_pnl,
    )


def hedged_wallet_for_liquidation_at(
    *,
    legs: Sequence[SignedLeg],
    price: Decimal,
    brackets: Sequence[MarginBracket],
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
) -> Decimal:
    """The cross wallet balance (quote) at which `legs` of one symbol (each (signed base
    units, entry)) are liquidated exactly at `price`: where the margin balance equals the
    maintenance margin, WB = Σ MM(|a|·P) + TMM1 − UPNL1 − Σ a·(P − EP)."""
    wallet = other_maint_margin - other_unrealized_pnl
    for size, entry in legs:
        wallet += maintenance_margin(abs(size) * price, brackets) - size * (price - entry)
    return wallet


def hedged_liquidation_price(
    *,
    legs: Sequence[SignedLeg],
    wallet_balance: Decimal,
    brackets: Sequence[MarginBracket],
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
) -> Decimal | None:
    """Cross hedge mode: Binance's liquidation price of a symbol's LONG and SHORT legs
    together (`legs`: (signed base units, entry price); sizes below are absolute):

        LP = (WB − TMM1 + UPNL1 + cumL + cumS − Size_LONG × EP_LONG + Size_SHORT × EP_SHORT)
             / (Size_LONG × MMR_L + Size_SHORT × MMR_S − Size_LONG + Size_SHORT)

    Each leg's bracket is the one its own notional AT the liquidation price falls in, found
    as the venue does: start from the entry notionals and re-solve until the brackets stay.
    One live leg is the one-way price (`liquidation_price`). None when flat or when no
    positive price liquidates the pair.
    """
    live = [(size, entry) for size, entry in legs if size != 0]
    if len(live) <= 1:
        size, entry = live[0] if live else (ZERO, ZERO)
        return liquidation_price(
            size=size,
            entry_price=entry,
            wallet_balance=wallet_balance,
            brackets=brackets,
            other_maint_margin=other_maint_margin,
            other_unrealized_pnl=other_unrealized_pnl,
        )
    base = wallet_balance - other_maint_margin + other_unrealized_pnl
    base -= sum((size * entry for size, entry in live), ZERO)

    def solve(pairs: Sequence[tuple[SignedLeg, MarginBracket]]) -> Decimal | None:
        denominator = sum((abs(a) * b.maint_margin_ratio - a for (a, _), b in pairs), ZERO)
        if denominator == 0:
            return None
        return (base + sum((b.cum for _, b in pairs), ZERO)) / denominator

    return settled_price(live, _checked(brackets), lambda size, price: abs(size) * price, solve)


def settled_price(
    live: Sequence[SignedLeg],
    brackets: Sequence[MarginBracket],
    notional_at: Callable[[Decimal, Decimal], Decimal],
    solve: Callable[[Sequence[tuple[SignedLeg, MarginBracket]]], Decimal | None],
) -> Decimal | None:
    """The two-leg liquidation price as the venue finds it: each leg's bracket from its
    notional (`notional_at(size, price)`) at its entry, then at the price `solve` gives for
    those brackets, re-solved until the brackets stay (at most one pass per bracket; a pair
    whose brackets flip ends on the last price). None when `solve` finds no positive price."""
    chosen = [bracket_for(notional_at(size, entry), brackets) for size, entry in live]
    price: Decimal | None = None
    for _ in range(len(brackets) + 1):
        price = solve(list(zip(live, chosen, strict=True)))
        if price is None or price <= 0:
            return None
        again = [bracket_for(notional_at(size, price), brackets) for size, _ in live]
        if again == chosen:
            break
        chosen = again
    return price


def liquidation_side(
    legs: Sequence[SignedLeg], mark: Decimal, brackets: Sequence[MarginBracket]
) -> int:
    """−1 when a rise of the mark brings `legs` (one symbol, one cross wallet) closer to
    liquidation — a short, or a hedge-mode pair whose SHORT outweighs the LONG —, +1 when a
    fall does (a long, or a pair whose LONG outweighs the SHORT enough). The margin balance
    minus the maintenance margin changes by Σ a − Σ |a|·MMR per unit of price (brackets at
    the mark; without brackets MMR 0, the net size); no change counts as a short."""
    slope = ZERO
    for size, _ in legs:
        rate = bracket_for(abs(size) * mark, brackets).maint_margin_ratio if brackets else ZERO
        slope += size - abs(size) * rate
    return 1 if slope > 0 else -1


def implied_bracket(
    *,
    size: Decimal,
    entry_price: Decimal,
    wallet_balance: Decimal,
    liquidation: Decimal,
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
    same_symbol: Sequence[SignedLeg] = (),
) -> MarginBracket | None:
    """One unbounded bracket (cum 0) whose maintenance rate reproduces the venue's reported
    `liquidation` price for this position, or None when no rate in [0, 1) does (the venue's
    price and our wallet disagree too much to reason from). `same_symbol`: the symbol's other
    hedge-mode leg(s) sharing that price in cross margin ((signed base units, entry)).

    For when the venue's leverage brackets could not be read: with it, `liquidation_price`
    returns the venue's price exactly, and top-ups and reductions are sized by the same
    equations as with real brackets (exact at that price, approximate away from it).
    """
    if size == 0 or liquidation <= 0:
        return None
    legs = ((size, entry_price), *same_symbol)
    equity = wallet_balance - other_maint_margin + other_unrealized_pnl
    equity += sum((a * (liquidation - e) for a, e in legs), ZERO)
    rate = equity / (sum((abs(a) for a, _ in legs), ZERO) * liquidation)
    if not ZERO <= rate < 1:
        return None
    return MarginBracket(ZERO, Decimal("Infinity"), rate, ZERO)


def margin_ratio(maint_margin: Decimal, margin_balance: Decimal) -> Decimal:
    """maintenance margin / margin balance (0..1, 1 = liquidation); Infinity when the margin
    balance is gone (≤ 0)."""
    if margin_balance <= 0:
        return Decimal("Infinity")
    return maint_margin / margin_balance


def liquidation_distance(
    size: Decimal, mark: Decimal, liquidation: Decimal | None
) -> Decimal | None:
    """How far the mark may move against the position before liquidation, as a fraction of
    the mark: (liq − mark) / mark for a short, (mark − liq) / mark for a long. Negative means
    the mark is already past it; None when there is no liquidation price."""
    if liquidation is None or size == 0:
        return None
    if size < 0:
        return (liquidation - mark) / mark
    return (mark - liquidation) / mark
