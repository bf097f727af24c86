"""Synthetic order book around the last price, and walking it for taker fills.

The book is a pure function of (spec, price): best bid one tick below the price rounded to the
tick grid, best ask one tick above (a two-tick spread), and depth that grows with distance so a
large taker order slips. Resting user orders are not shown in it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from bot.sim.contracts import contract_math
from bot.sim.fmt import round_to_step
from bot.sim.symbol_spec import SymbolSpec

__all__ = ["HALF_SPREAD_TICKS", "Level", "best_bid_ask", "depth", "walk"]

Level = tuple[Decimal, Decimal]  # (price, quantity)

HALF_SPREAD_TICKS = 1
# Value (USDT / USD) shown at the touch; deeper levels grow by 25 % of it per level.
_TOUCH_NOTIONAL = Decimal(25_000)


def best_bid_ask(spec: SymbolSpec, price: Decimal) -> tuple[Decimal, Decimal]:
    """(best bid, best ask) around the last `price`, on the tick grid, both > 0."""
    mid = (price / spec.tick).to_integral_value(rounding=ROUND_HALF_UP) * spec.tick
    bid = max(spec.tick, mid - spec.tick * HALF_SPREAD_TICKS)
    ask = max(bid + spec.tick, mid + spec.tick * HALF_SPREAD_TICKS)
    return bid, ask


def _level_qty(spec: SymbolSpec, price: Decimal, level: int) -> Decimal:
    notional = _TOUCH_NOTIONAL * (1 + Decimal(level) / 4)
    units = contract_math(spec).units_for(notional, price)  # base qty, or COIN-M contracts
    return max(spec.min_qty, round_to_step(units, spec.step))


def depth(spec: SymbolSpec, price: Decimal, limit: int = 100) -> tuple[list[Level], list[Level]]:
    """(bids best-first, asks best-first), `limit` levels each, one tick apart."""
    bid, ask = best_bid_ask(spec, price)
    bids = []
    for i in range(limit):
        level_price = bid - spec.tick * i
        if level_price <= 0:
            break
        bids.append((level_price, _level_qty(spec, price, i)))
    asks = [(ask + spec.tick * i, _level_qty(spec, price, i)) for i in range(limit)]
    return bids, asks


def walk(
    spec: SymbolSpec, price: Decimal, side: str, quantity: Decimal, limit_price: Decimal | None
) -> list[Level]:
    """Taker fills (price, qty) for `side` "BUY"|"SELL" walking the book up to `limit_price`.

    Returns fills in book order; their total is < `quantity` only when the limit price stops
    the walk (the rest is the caller's to rest or expire).
    """
    bids, asks = depth(spec, price, limit=1000)
    levels = asks if side == "BUY" else bids
    fills: list[Level] = []
    remaining = quantity
    for level_price, level_qty in levels:
        if remaining <= 0:
            break
        if limit_price is not None and (
            (side == "BUY" and level_price > limit_price)
            or (side == "SELL" and level_price < limit_price)
        ):
            break
        take = min(remaining, level_qty)
        fills.append((level_price, take))
        remaining -= take
    return fills
