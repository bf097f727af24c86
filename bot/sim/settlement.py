"""What happens when the market moves or the clock passes a boundary: resting orders fill,
funding settles, under-margined positions are liquidated (USDⓈ-M and COIN-M alike: amounts in
each contract's margin asset)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from bot.sim.accounts import Account
from bot.sim.contracts import contract_math
from bot.sim.fmt import plain
from bot.sim.futures import execute_futures
from bot.sim.ledger import Ids, book_contract_income
from bot.sim.matching import resting_fill_qty
from bot.sim.orders import Order, Trade
from bot.sim.risk import PositionMetrics, account_pools, due_liquidations, pool_metrics
from bot.sim.specs import SymbolSpec, get_spec
from bot.sim.spot import execute_spot, release_spot

__all__ = ["liquidate_due", "match_resting", "settle_funding"]

ZERO = Decimal(0)
FUNDING_QUANTUM = Decimal("1e-8")  # income rows carry 8 decimals (USDT or the coin)


def match_resting(
    accounts: Iterable[Account],
    market: str,
    symbol: str,
    last_price: Decimal,
    *,
    ids: Ids,
    now_ms: int,
    book: list[tuple[Order, Account]] | None = None,
) -> None:
    """Fill, in order-id (time) priority, the resting orders the new `last_price` reaches
    (`book`: those orders with their accounts, when the caller already gathered them)."""
    spec = get_spec(market, symbol)
    if book is None:
        book = [(o, a) for a in accounts for o in a.open_orders(market, symbol)]
    for order, account in sorted(book, key=lambda pair: pair[0].order_id):
        qty = resting_fill_qty(spec, order, last_price) if order.is_open else ZERO
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
    spec: SymbolSpec,
    rate: Decimal,
    mark: Decimal,
    *,
    ids: Ids,
    now_ms: int,
) -> None:
    """Pay funding on every open position of the perpetual `spec`: income = −notional at the
    mark × rate in the margin asset (USDⓈ-M: −amt × mark × rate USDT; COIN-M:
    −contracts × size / mark × rate coin), so with a positive rate longs pay and shorts
    receive. Isolated positions settle into their isolated wallet, cross ones into the cross
    wallet."""
    math = contract_math(spec)
    for account in accounts:
        for pos in account.legs(spec.symbol):
            if pos.amt == 0:
                continue
            # Binance books funding at the asset's 8 decimals: the wallet moves by exactly the
            # income row's amount (an account's equity then reconciles with its income).
            amount = (-math.notional(pos.amt, mark) * rate).quantize(
                FUNDING_QUANTUM, rounding=ROUND_HALF_UP
            )
            if pos.isolated:
                pos.isolated_wallet += amount
            else:
                account.credit(spec.market, spec.margin_asset, amount)
            book_contract_income(account, ids, spec, [("FUNDING_FEE", amount)], time_ms=now_ms)
            account.touch(spec.market, now_ms)


def _close_at(
    account: Account, spec: SymbolSpec, m: PositionMetrics, price: Decimal, ids: Ids, now_ms: int
) -> Order:
    pos = m.position
    side = "SELL" if pos.amt > 0 else "BUY"
    qty = abs(pos.amt)
    order = Order(
        ids.order_id(),
        spec.market,
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
    realized = contract_math(spec).fill(pos.amt, pos.entry_price, -pos.amt, price)[2]
    trade = Trade(
        ids.trade_id(),
        order.order_id,
        spec.market,
        pos.symbol,
        side,
        price,
        qty,
        ZERO,
        spec.margin_asset,
        False,
        now_ms,
        realized,
        pos.side,
        spec.contract_size if spec.inverse else None,
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
    spec = get_spec(pos.market, pos.symbol)
    for order in account.open_orders(spec.market, pos.symbol):
        order.status = "CANCELED"
        order.update_ms = now_ms
    raw = m.liquidation_price if m.liquidation_price > 0 else m.mark
    price = max(spec.tick, (raw / spec.tick).to_integral_value() * spec.tick)  # the tick grid
    order = _close_at(account, spec, m, price, ids, now_ms)
    realized = order.trades[0].realized_pnl
    asset = spec.margin_asset
    wallet = pos.isolated_wallet if pos.isolated else account.wallet(spec.market, asset)
    realized = max(realized, -max(wallet, ZERO))
    clearance = min(max(wallet + realized, ZERO), m.maint_margin)
    rows = [("REALIZED_PNL", realized)] + ([("INSURANCE_CLEAR", -clearance)] if clearance else [])
    book_contract_income(account, ids, spec, rows, time_ms=now_ms)
    left = wallet + realized - clearance
    if pos.isolated:
        pos.isolated_wallet = ZERO
        account.credit(spec.market, asset, left)
    else:
        account.credit(spec.market, asset, left - wallet)
    account.liquidations.append(
        {
            "market": spec.market,
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
    account.touch(spec.market, now_ms)


def liquidate_due(
    accounts: Iterable[Account], marks: Mapping[str, Decimal], *, ids: Ids, now_ms: int
) -> None:
    """Liquidate every position whose margin balance is at or below its maintenance margin,
    pool by pool (USDⓈ-M, then each COIN-M coin)."""
    for account in accounts:
        for pool in account_pools(account):
            for m in due_liquidations(pool_metrics(account, marks, *pool)):
                _liquidate(account, m, ids, now_ms)
