"""When orders cross the synthetic book, and how much of a resting order a price move fills.

Rules (deterministic, no randomness):
- A limit BUY crosses when its price ≥ best ask, a SELL when its price ≤ best bid; crossing
  orders take liquidity by walking the synthetic book up to their limit.
- A resting order fills as a maker at its own limit price when the last price trades
  *through* it (sell: last > price; buy: last < price) — fully; when the last price only
  *touches* it (last == price) half of the remaining quantity fills (at least one step).
"""

from __future__ import annotations

from decimal import Decimal

from bot.sim.book import best_bid_ask
from bot.sim.fmt import round_to_step
from bot.sim.orders import Order
from bot.sim.specs import SymbolSpec

__all__ = ["crosses", "resting_fill_qty"]

ZERO = Decimal(0)


def crosses(spec: SymbolSpec, last_price: Decimal, side: str, limit: Decimal | None) -> bool:
    """Would an order on `side` with `limit` (None = MARKET) take liquidity right now?"""
    if limit is None:
        return True
    bid, ask = best_bid_ask(spec, last_price)
    return limit >= ask if side == "BUY" else limit <= bid


def resting_fill_qty(spec: SymbolSpec, order: Order, last_price: Decimal) -> Decimal:
    """Base quantity of a resting limit `order` that the new `last_price` fills (0..remaining)."""
    if order.price is None or order.remaining <= 0:
        return ZERO
    through = last_price > order.price if order.side == "SELL" else last_price < order.price
    if through:
        return order.remaining
    if last_price != order.price:
        return ZERO
    half = round_to_step(order.remaining / 2, spec.step)
    return half if half >= spec.min_qty else order.remaining
