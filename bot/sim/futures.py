"""Futures order lifecycle (USDⓈ-M and COIN-M): pre-trade checks, executions, positions.

An order trades its position leg: the symbol's BOTH leg in one-way mode, the LONG or SHORT leg
named by its positionSide in USDⓈ-M hedge mode, where a close (SELL LONG, BUY SHORT) can only
shrink its leg and never exceed it.

Executions move the position (the contract's fill arithmetic: linear, or inverse for COIN-M),
realise P&L into the cross wallet of the margin asset (USDT, or the coin), charge the
commission in it (notional × fee rate) and book REALIZED_PNL / COMMISSION income rows as
Binance does. Isolated positions draw opening margin (notional / leverage) from the cross
wallet into their isolated wallet and return it pro rata when reduced.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from bot.sim.accounts import Account, FuturesPosition
from bot.sim.book import walk
from bot.sim.contracts import contract_math
from bot.sim.errors import (
    insufficient_margin,
    min_notional,
    post_only_rejected,
    reduce_only_rejected,
)
from bot.sim.fmt import plain
from bot.sim.ledger import Ids, book_contract_income
from bot.sim.matching import crosses
from bot.sim.orders import Order, Trade
from bot.sim.risk import opening_qty, pool_metrics
from bot.sim.specs import SymbolSpec

__all__ = ["execute_futures", "place_futures", "reducible_qty"]

ZERO = Decimal(0)
FEE_QUANTUM = Decimal("1e-8")  # Binance books commissions at 8 decimals


def reducible_qty(position: FuturesPosition, side: str) -> Decimal:
    """How much an order on `side` can reduce the position (0 if it would not reduce it)."""
    if position.amt == 0 or (position.amt > 0) == (side == "BUY"):
        return ZERO
    return abs(position.amt)


def _move_isolated_margin(
    pos: FuturesPosition,
    account: Account,
    spec: SymbolSpec,
    moved: tuple[Decimal, Decimal],
    opened_notional: Decimal,
) -> None:
    """Return margin pro rata for the `closed` part of `old_amt` (`moved`), draw
    `opened_notional` / leverage for the opened part (margin asset)."""
    old_amt, closed = moved
    release = ZERO
    if closed > 0:
        release = (
            pos.isolated_wallet
            if closed >= abs(old_amt)
            else (pos.isolated_wallet * closed / abs(old_amt))
        )
    add = opened_notional / pos.leverage
    pos.isolated_wallet += add - release
    account.credit(spec.market, spec.margin_asset, release - add)


def execute_futures(
    account: Account,
    spec: SymbolSpec,
    order: Order,
    price: Decimal,
    qty: Decimal,
    *,
    maker: bool,
    ids: Ids,
    now_ms: int,
) -> Trade | None:
    """Execute up to `qty` of `order` at `price`; a reducing order never exceeds the
    position (its excess expires). Returns the trade, or None when nothing could execute."""
    pos = account.position(order.symbol, order.position_side, spec.market)
    if order.reducing:
        qty = min(qty, reducible_qty(pos, order.side))
        if qty <= 0:
            order.status = "EXPIRED"
            return None
    math = contract_math(spec)
    old_amt = pos.amt
    closed = min(reducible_qty(pos, order.side), qty)
    signed = qty if order.side == "BUY" else -qty
    pos.amt, pos.entry_price, realized = math.fill(old_amt, pos.entry_price, signed, price)
    if pos.isolated:
        opened = abs(math.notional(qty - closed, price))
        _move_isolated_margin(pos, account, spec, (old_amt, closed), opened)
    fee = abs(math.notional(qty, price)) * (spec.maker_fee if maker else spec.taker_fee)
    # booked at the asset's 8 decimals, as the trade and its COMMISSION row report it (a
    # COIN-M fee in coin has no finite decimal: the wallet must move by what is reported)
    fee = fee.quantize(FEE_QUANTUM, rounding=ROUND_HALF_UP)
    account.credit(spec.market, spec.margin_asset, realized - fee)
    pos.update_ms = now_ms
    account.touch(spec.market, now_ms)
    trade = Trade(
        ids.trade_id(),
        order.order_id,
        spec.market,
        order.symbol,
        order.side,
        price,
        qty,
        fee,
        spec.margin_asset,
        maker,
        now_ms,
        realized,
        order.position_side,
        spec.contract_size if spec.inverse else None,
    )
    order.record(trade)
    account.trades.append(trade)
    _book_trade_income(account, spec, trade, ids)
    return trade


def _book_trade_income(account: Account, spec: SymbolSpec, trade: Trade, ids: Ids) -> None:
    """REALIZED_PNL (when non-zero) and COMMISSION rows of one execution."""
    rows = [("REALIZED_PNL", trade.realized_pnl)] if trade.realized_pnl != 0 else []
    rows.append(("COMMISSION", -trade.commission))
    book_contract_income(
        account, ids, spec, rows, time_ms=trade.time_ms, trade_id=str(trade.trade_id)
    )


def _pre_trade_checks(
    account: Account,
    spec: SymbolSpec,
    order: Order,
    last_price: Decimal,
    marks: Mapping[str, Decimal],
    taking: bool,
) -> None:
    pos = account.position(order.symbol, order.position_side, spec.market)
    if order.reducing:
        reducible = reducible_qty(pos, order.side)
        if reducible == 0 or (order.position_side != "BOTH" and order.quantity > reducible):
            raise reduce_only_rejected()
        order.quantity = min(order.quantity, reducible)  # one-way: Binance trims to the position
    if taking and order.time_in_force == "GTX":
        raise post_only_rejected()
    ref_price = order.price if order.price is not None else last_price
    if not order.reducing and ref_price * order.quantity < spec.min_notional:  # 0 on COIN-M
        raise min_notional(plain(spec.min_notional))
    opening = opening_qty(pos.amt, order.side, order.quantity, order.reducing)
    need = abs(contract_math(spec).notional(opening, ref_price)) / pos.leverage
    pool = pool_metrics(account, marks, spec.market, spec.margin_asset)
    if need > 0 and need > pool.available_balance:
        raise insufficient_margin()


def place_futures(
    account: Account,
    spec: SymbolSpec,
    order: Order,
    last_price: Decimal,
    marks: Mapping[str, Decimal],
    *,
    ids: Ids,
    now_ms: int,
) -> None:
    """Check, book, take liquidity if crossing, then rest (GTC/GTX) or expire the rest.

    Raises SimError -2022 (reduce-only would not reduce), -5022 (GTX would take),
    -4164 (notional below minimum; USDⓈ-M only), -2019 (initial margin exceeds the available
    balance of the margin asset).
    """
    taking = crosses(spec, last_price, order.side, order.price)
    _pre_trade_checks(account, spec, order, last_price, marks, taking)
    fills = walk(spec, last_price, order.side, order.quantity, order.price) if taking else []
    if order.time_in_force == "FOK" and sum((q for _, q in fills), ZERO) < order.quantity:
        fills = []
    account.orders[order.order_id] = order
    for price, qty in fills:
        if not execute_futures(
            account, spec, order, price, qty, maker=False, ids=ids, now_ms=now_ms
        ):
            break
    rests = order.order_type == "LIMIT" and order.time_in_force in ("GTC", "GTX")
    if order.remaining > 0 and not rests:
        order.status = "EXPIRED"
