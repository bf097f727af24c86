"""What happens when the market moves or the clock passes a boundary: resting orders fill,
funding settles, under-margined positions are liquidated."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from bot.sim.accounts import Account
from bot.sim.fmt import plain
from bot.sim.futures import execute_futures
from bot.sim.ledger import Ids, book_income
from bot.sim.matching import resting_fill_qty
from bot.sim.orders import Order, Trade
from bot.sim.risk import PositionMetrics, account_metrics, due_liquidations
from bot.sim.specs import get_spec
from bot.sim.spot import execute_spot, release_spot

__all__ = ["liquidate_due", "match_resting", "settle_funding"]

ZERO = Decimal(0)
FUNDING_QUANTUM = Decimal("1e-8")  # USDT income rows carry 8 decimals


def match_resting(
    accounts: Iterable[Account],
    market: str,
    symbol: str,
    last_price: Decimal,
    *,
    ids: Ids,
    now_ms: int,
) -> None:
    """Fill, in order-id (time) priority, the resting orders the new `last_price` reaches."""
    spec = get_spec(market, symbol)
    book = sorted(
        ((o, a) for a in accounts for o in a.open_orders(market, symbol)),
        key=lambda pair: pair[0].order_id,
    )
    for order, account in book:
        qty = resting_fill_qty(spec, order, last_price)
        if qty <= 0 or order.price is None:
            continue
        if market == "spot":
            execute_spot(account, spec, order, order.price, qty, maker=True, ids=ids, now_ms=now_ms)
            if not order.is_open:
                release_spot(account, spec, order)
        else:
            execute_futures(
                account, spec, order, order.price, qty, maker=True, ids=ids, now_ms=now_ms
            )


def settle_funding(
    accounts: Iterable[Account],
    symbol: str,
    rate: Decimal,
    mark: Decimal,
    *,
    ids: Ids,
    now_ms: int,
) -> None:
    """Pay funding on every open `symbol` position: income = −amt × mark × rate (USDT), so
    with a positive rate longs pay and shorts receive. Isolated positions settle into their
    isolated wallet, cross ones into the cross wallet."""
    for account in accounts:
        for pos in account.legs(symbol):
            if pos.amt == 0:
                continue
            # Binance books funding at the asset's 8 decimals: the wallet moves by exactly the
            # income row's amount (an account's equity then reconciles with its income).
            amount = (-pos.amt * mark * rate).quantize(FUNDING_QUANTUM, rounding=ROUND_HALF_UP)
            if pos.isolated:
                pos.isolated_wallet += amount
            else:
                account.cross_wallet += amount
            book_income(
                account,
                ids,
                symbol=symbol,
                income_type="FUNDING_FEE",
                amount=amount,
                time_ms=now_ms,
            )
            account.update_ms = now_ms


def _close_at(account: Account, m: PositionMetrics, price: Decimal, ids: Ids, now_ms: int) -> Order:
    pos = m.position
    side = "SELL" if pos.amt > 0 else "BUY"
    qty = abs(pos.amt)
    order = Order(
        ids.order_id(),
        "usdm",
        pos.symbol,
        side,
        "LIMIT",
        qty,
        price,
        "IOC",
        True,
        f"autoclose-{now_ms}",
        now_ms,
        now_ms,
        position_side=pos.side,
    )
    trade = Trade(
        ids.trade_id(),
        order.order_id,
        "usdm",
        pos.symbol,
        side,
        price,
        qty,
        ZERO,
        "USDT",
        False,
        now_ms,
        (price - pos.entry_price) * pos.amt,
        pos.side,
    )
    order.record(trade)
    account.orders[order.order_id] = order
    account.trades.append(trade)
    return order


def _liquidate(account: Account, m: PositionMetrics, ids: Ids, now_ms: int) -> None:
    """Close the position at its liquidation price (the mark if that is 0), cancel its open
    orders; what is left of its margin above zero, up to the maintenance margin, goes to the
    insurance fund (INSURANCE_CLEAR) and a loss beyond the margin is absorbed by the venue."""
    pos = m.position
    for order in account.open_orders("usdm", pos.symbol):
        order.status = "CANCELED"
        order.update_ms = now_ms
    raw = m.liquidation_price if m.liquidation_price > 0 else m.mark
    tick = get_spec("usdm", pos.symbol).tick
    price = max(tick, (raw / tick).to_integral_value() * tick)  # orders trade on the tick grid
    order = _close_at(account, m, price, ids, now_ms)
    realized = order.trades[0].realized_pnl
    wallet = pos.isolated_wallet if pos.isolated else account.cross_wallet
    realized = max(realized, -max(wallet, ZERO))
    clearance = min(max(wallet + realized, ZERO), m.maint_margin)
    book_income(
        account, ids, symbol=pos.symbol, income_type="REALIZED_PNL", amount=realized, time_ms=now_ms
    )
    if clearance > 0:
        book_income(
            account,
            ids,
            symbol=pos.symbol,
            income_type="INSURANCE_CLEAR",
            amount=-clearance,
            time_ms=now_ms,
        )
    left = wallet + realized - clearance
    if pos.isolated:
        account.cross_wallet += left
        pos.isolated_wallet = ZERO
    else:
        account.cross_wallet = left
    account.liquidations.append(
        {
            "symbol": pos.symbol,
            "account": account.api_key,
            "side": order.side,
            "positionSide": pos.side,
            "qty": plain(abs(pos.amt)),
            "price": plain(price),
            "markPrice": plain(m.mark),
            "marginType": pos.margin_type,
            "time": now_ms,
            "orderId": order.order_id,
        }
    )
    pos.amt, pos.entry_price, pos.update_ms = ZERO, ZERO, now_ms
    account.update_ms = now_ms


def liquidate_due(
    accounts: Iterable[Account], marks: Mapping[str, Decimal], *, ids: Ids, now_ms: int
) -> None:
    """Liquidate every position whose margin balance is at or below its maintenance margin."""
    for account in accounts:
        for m in due_liquidations(account_metrics(account, marks)):
            _liquidate(account, m, ids, now_ms)
