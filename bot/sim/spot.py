"""Spot order lifecycle: balance checks and locks, taker/maker executions, release on close.

Commission is charged in the quote asset (USDT) at the spec's maker/taker rate. A resting
BUY locks price × qty × (1 + taker fee) of quote; a resting SELL locks its base quantity.
"""

from __future__ import annotations

from decimal import Decimal

from bot.sim.accounts import Account
from bot.sim.book import walk
from bot.sim.errors import SimError, filter_failure, spot_insufficient_balance, spot_would_take
from bot.sim.ledger import Ids
from bot.sim.matching import crosses
from bot.sim.orders import Order, Trade
from bot.sim.specs import SymbolSpec

__all__ = ["execute_spot", "place_spot", "release_spot"]

ZERO = Decimal(0)


def _lock_per_unit(spec: SymbolSpec, order: Order) -> Decimal:
    if order.side == "SELL":
        return Decimal(1)
    assert order.price is not None  # only limit orders lock
    return order.price * (1 + spec.taker_fee)


def _check_and_lock(account: Account, spec: SymbolSpec, order: Order, fills_cost: Decimal) -> None:
    if order.side == "SELL":
        asset, need = spec.base, order.quantity
    elif order.price is None:
        asset, need = spec.quote, fills_cost * (1 + spec.taker_fee)
    else:
        asset, need = spec.quote, order.quantity * _lock_per_unit(spec, order)
    balance = account.balance(asset)
    if balance.free < need:
        raise spot_insufficient_balance()
    if order.price is not None:
        balance.free -= need
        balance.locked += need
        order.locked = need


def execute_spot(
    account: Account,
    spec: SymbolSpec,
    order: Order,
    price: Decimal,
    qty: Decimal,
    *,
    maker: bool,
    ids: Ids,
    now_ms: int,
) -> Trade:
    """Execute `qty` of `order` at `price`: move balances, charge the fee, record the trade."""
    quote_amount = price * qty
    fee = quote_amount * (spec.maker_fee if maker else spec.taker_fee)
    base, quote = account.balance(spec.base), account.balance(spec.quote)
    if order.price is not None:
        release = min(order.locked, qty * _lock_per_unit(spec, order))
        held = base if order.side == "SELL" else quote
        held.locked -= release
        held.free += release
        order.locked -= release
    if order.side == "BUY":
        quote.free -= quote_amount + fee
        base.free += qty
    else:
        base.free -= qty
        quote.free += quote_amount - fee
    trade = Trade(
        ids.trade_id(),
        order.order_id,
        "spot",
        order.symbol,
        order.side,
        price,
        qty,
        fee,
        spec.quote,
        maker,
        now_ms,
    )
    order.record(trade)
    account.trades.append(trade)
    account.update_ms = now_ms
    return trade


def release_spot(account: Account, spec: SymbolSpec, order: Order) -> None:
    """Return whatever `order` still locks to free balance (on cancel, expiry, full fill)."""
    if order.locked <= 0:
        return
    held = account.balance(spec.base if order.side == "SELL" else spec.quote)
    held.locked -= order.locked
    held.free += order.locked
    order.locked = ZERO


def place_spot(
    account: Account,
    spec: SymbolSpec,
    order: Order,
    last_price: Decimal,
    *,
    ids: Ids,
    now_ms: int,
) -> None:
    """Validate funds, take liquidity if the order crosses, and rest or expire the rest.

    Raises SimError -2010 (LIMIT_MAKER would take / insufficient balance) and -1013 NOTIONAL.
    """
    taking = crosses(spec, last_price, order.side, order.price)
    if taking and order.order_type == "LIMIT_MAKER":
        raise spot_would_take()
    ref_price = order.price if order.price is not None else last_price
    if ref_price * order.quantity < spec.min_notional:
        raise filter_failure("NOTIONAL")
    fills = walk(spec, last_price, order.side, order.quantity, order.price) if taking else []
    if order.time_in_force == "FOK" and sum((q for _, q in fills), ZERO) < order.quantity:
        fills = []
    if order.price is None and not fills:
        raise SimError(-2010, "Order would not execute: no liquidity.")
    _check_and_lock(account, spec, order, sum((p * q for p, q in fills), ZERO))
    account.orders[order.order_id] = order
    for price, qty in fills:
        execute_spot(account, spec, order, price, qty, maker=False, ids=ids, now_ms=now_ms)
    rests = order.order_type != "MARKET" and order.time_in_force == "GTC"
    if order.remaining > 0 and not rests:
        order.status = "EXPIRED"
    if not order.is_open:
        release_spot(account, spec, order)
