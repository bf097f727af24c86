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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "MarginBracket",
    "bracket_for",
    "first_fitting",
    "implied_bracket",
    "liquidation_distance",
    "liquidation_price",
    "maintenance_margin",
    "margin_ratio",
    "wallet_for_liquidation_at",
]

ZERO = Decimal(0)


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
    maint = maintenance_margin(abs(size) * price, brackets)
    return maint + other_maint_margin - other_unrealized_pnl - size * (price - entry_price)


def implied_bracket(
    *,
    size: Decimal,
    entry_price: Decimal,
    wallet_balance: Decimal,
    liquidation: Decimal,
    other_maint_margin: Decimal = ZERO,
    other_unrealized_pnl: Decimal = ZERO,
) -> MarginBracket | None:
    """One unbounded bracket (cum 0) whose maintenance rate reproduces the venue's reported
    `liquidation` price for this position, or None when no rate in [0, 1) does (the venue's
    price and our wallet disagree too much to reason from).

    For when the venue's leverage brackets could not be read: with it, `liquidation_price`
    returns the venue's price exactly, and top-ups and reductions are sized by the same
    equations as with real brackets (exact at that price, approximate away from it).
    """
    if size == 0 or liquidation <= 0:
        return None
    equity = wallet_balance - other_maint_margin + other_unrealized_pnl
    rate = (equity + size * (liquidation - entry_price)) / (abs(size) * liquidation)
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
