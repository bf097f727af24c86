"""Order entry, query, cancel and history for spot, USDⓈ-M and COIN-M (Binance-shaped
results). New orders need a listed symbol; queries and history also reach delivered
quarterlies."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.sim.coinm_views import coinm_order, coinm_trade
from bot.sim.errors import (
    SimError,
    duplicate_order,
    unknown_order_cancel,
    unknown_order_query,
)
from bot.sim.futures import place_futures
from bot.sim.orders import Order
from bot.sim.position_mode import check_reduce_only_param, leg_for
from bot.sim.specs import get_spec, listed_spec
from bot.sim.spot import place_spot, release_spot
from bot.sim.validate import check_order_params
from bot.sim.venue import Venue
from bot.sim.views import futures_order, futures_trade, spot_order, spot_trade

__all__ = [
    "LATEST",
    "HistoryWindow",
    "all_orders",
    "cancel_order",
    "get_order",
    "my_trades",
    "open_orders",
    "place_order",
]

JSON = dict[str, Any]


def _render(order: Order, *, query: bool, full: bool = False) -> JSON:
    if order.market == "spot":
        return spot_order(order, full=full, query=query)
    spec = get_spec(order.market, order.symbol)
    if spec.inverse:
        return coinm_order(order, spec, query=query)
    return futures_order(order, spec, query=query)


def place_order(
    venue: Venue,
    api_key: str,
    market: str,
    symbol: str,
    *,
    side: str,
    order_type: str,
    quantity: Decimal | None,
    price: Decimal | None,
    time_in_force: str | None,
    reduce_only: bool | None,
    client_order_id: str | None,
    position_side: str | None = None,
) -> JSON:
    """Place an order; returns spot FULL / futures RESULT JSON. Raises SimError on rejection.

    `reduce_only` None means the parameter was not sent; `position_side` is the futures leg
    (None = BOTH), checked against the account's position mode (COIN-M: one-way)."""
    account = venue.account(api_key)
    now = venue.now()
    spec = listed_spec(market, symbol, now)
    tif = check_order_params(
        spec,
        side=side,
        order_type=order_type,
        quantity=quantity,
        price=price,
        time_in_force=time_in_force,
    )
    assert quantity is not None  # checked above
    if client_order_id and any(
        o.client_order_id == client_order_id for o in account.open_orders(market)
    ):
        raise duplicate_order(market)
    if reduce_only and market == "spot":
        raise SimError(-1106, "Parameter 'reduceOnly' sent when not required.")
    leg = "BOTH"
    if market != "spot":
        leg = leg_for(account, market, position_side)
    if market == "usdm":
        check_reduce_only_param(account, reduce_only)
    order = Order(
        venue.ids.order_id(),
        market,
        symbol,
        side,
        order_type,
        quantity,
        price if order_type != "MARKET" else None,
        tif,
        bool(reduce_only),
        client_order_id or venue.ids.client_order_id(),
        now,
        now,
        position_side=leg,
    )
    last = venue.board.last(market, symbol)
    if market == "spot":
        place_spot(account, spec, order, last, ids=venue.ids, now_ms=now)
        return _render(order, query=False, full=True)
    place_futures(account, spec, order, last, venue.marks(), ids=venue.ids, now_ms=now)
    return _render(order, query=False)


def _find(
    venue: Venue,
    api_key: str,
    market: str,
    symbol: str,
    order_id: int | None,
    client_order_id: str | None,
) -> Order | None:
    get_spec(market, symbol)
    if order_id is None and not client_order_id:
        raise SimError(
            -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"
        )
    for order in venue.account(api_key).orders.values():
        if order.market != market or order.symbol != symbol:
            continue
        if order_id is not None and order.order_id == order_id:
            return order
        if order_id is None and order.client_order_id == client_order_id:
            return order
    return None


def get_order(
    venue: Venue,
    api_key: str,
    market: str,
    symbol: str,
    *,
    order_id: int | None,
    client_order_id: str | None,
) -> JSON:
    """Query one order by id or clientOrderId; SimError -2013 when unknown."""
    order = _find(venue, api_key, market, symbol, order_id, client_order_id)
    if order is None:
        raise unknown_order_query()
    return _render(order, query=True)


def cancel_order(
    venue: Venue,
    api_key: str,
    market: str,
    symbol: str,
    *,
    order_id: int | None,
    client_order_id: str | None,
) -> JSON:
    """Cancel an open order; SimError -2011 when unknown or no longer open."""
    order = _find(venue, api_key, market, symbol, order_id, client_order_id)
    if order is None or not order.is_open:
        raise unknown_order_cancel()
    order.status = "CANCELED"
    order.update_ms = venue.now()
    if market == "spot":
        release_spot(venue.account(api_key), get_spec("spot", symbol), order)
        out = _render(order, query=False)
        out["origClientOrderId"] = out["clientOrderId"]
        return out
    return _render(order, query=True)


def open_orders(venue: Venue, api_key: str, market: str, symbol: str | None) -> list[JSON]:
    """Open orders of the account on `market` (all symbols when `symbol` is None)."""
    if symbol is not None:
        get_spec(market, symbol)
    return [_render(o, query=True) for o in venue.account(api_key).open_orders(market, symbol)]


@dataclass(frozen=True, slots=True)
class HistoryWindow:
    """Binance's history parameters: startTime / endTime (epoch ms), fromId (orderId for
    allOrders) and limit."""

    start_ms: int | None = None
    end_ms: int | None = None
    from_id: int | None = None
    limit: int = 500

    def pick(self, rows: list[Any], time_of: Any, id_of: Any) -> list[Any]:
        """`rows` (oldest first) inside the window: the first `limit` from a start or id,
        else the latest `limit`."""
        picked = [
            r
            for r in rows
            if (self.start_ms is None or time_of(r) >= self.start_ms)
            and (self.end_ms is None or time_of(r) <= self.end_ms)
            and (self.from_id is None or id_of(r) >= self.from_id)
        ]
        if self.from_id is not None or self.start_ms is not None:
            return picked[: self.limit]
        return picked[-self.limit :]


LATEST = HistoryWindow()  # no parameters: the latest 500 rows


def all_orders(
    venue: Venue, api_key: str, market: str, symbol: str, window: HistoryWindow = LATEST
) -> list[JSON]:
    """Every order of `symbol` (any status), oldest first, Binance's window rules."""
    get_spec(market, symbol)
    rows = [
        o
        for o in venue.account(api_key).orders.values()
        if o.market == market and o.symbol == symbol
    ]
    rows = window.pick(rows, lambda o: o.time_ms, lambda o: o.order_id)
    return [_render(o, query=True) for o in rows]


def my_trades(
    venue: Venue, api_key: str, market: str, symbol: str, window: HistoryWindow = LATEST
) -> list[JSON]:
    """The account's executions on `symbol`, oldest first (myTrades / userTrades rows)."""
    spec = get_spec(market, symbol)
    rows = [t for t in venue.account(api_key).trades if t.market == market and t.symbol == symbol]
    rows = window.pick(rows, lambda t: t.time_ms, lambda t: t.trade_id)
    if market == "spot":
        return [spot_trade(t) for t in rows]
    if spec.inverse:
        return [coinm_trade(t, spec) for t in rows]
    return [futures_trade(t, spec) for t in rows]
