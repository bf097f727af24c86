"""Bybit v5 order entry, cancel and queries over the engine's order book.

Orders are identified by `orderId` (the engine's, as a string) or by the client's
`orderLinkId`, unique per account over every order it ever placed (110072 on reuse). Linear
and spot trade; inverse is quoted only. Post-only maps to the engine's GTX (spot: LIMIT_MAKER);
one that would take liquidity is not refused as on Binance but booked as a Cancelled order
with rejectReason EC_PostOnlyWillTakeLiquidity, the create call succeeding, as Bybit does.
Reduce-only that cannot reduce is 110017; margin short of the order's initial margin 110007.
"""

from __future__ import annotations

from typing import Any

from bot.sim import order_ops
from bot.sim.accounts import Account
from bot.sim.bybit_errors import (
    bybit_params_error,
    order_link_id_duplicate,
    order_not_found,
)
from bot.sim.bybit_order_views import order_row
from bot.sim.bybit_params import engine_market, listed, opt_decimal, opt_int, req, req_decimal
from bot.sim.bybit_spot_wallet import through_unified_usdt
from bot.sim.errors import SimError
from bot.sim.orders import Order
from bot.sim.venue import Venue

__all__ = [
    "POST_ONLY_REJECT",
    "cancel_all",
    "cancel_order",
    "create_order",
    "find_order",
    "order_rows",
]

JSON = dict[str, Any]
POST_ONLY_REJECT = "EC_PostOnlyWillTakeLiquidity"
_SIDES = {"Buy": "BUY", "Sell": "SELL"}
_TYPES = {"Limit": "LIMIT", "Market": "MARKET"}
_TIFS = {"GTC": "GTC", "IOC": "IOC", "FOK": "FOK", "PostOnly": "GTX"}
_MAX_LINK_ID = 36


def _enum(params: dict[str, str], name: str, table: dict[str, str]) -> str:
    value = req(params, name)
    if value not in table:
        raise bybit_params_error(f"{name} {value!r} is not one of {', '.join(table)}")
    return table[value]


def _link_id(account: Account, params: dict[str, str]) -> str | None:
    link_id = params.get("orderLinkId") or None
    if link_id is None:
        return None
    if len(link_id) > _MAX_LINK_ID:
        raise bybit_params_error(f"orderLinkId is longer than {_MAX_LINK_ID} characters")
    if any(o.client_order_id == link_id for o in account.orders.values()):
        raise order_link_id_duplicate()
    return link_id


def _order_terms(cat: str, params: dict[str, str]) -> dict[str, Any]:
    """The engine's order terms of a Bybit create request (10001 for a bad value)."""
    order_type = _enum(params, "orderType", _TYPES)
    default_tif = "IOC" if order_type == "MARKET" else "GTC"
    tif = _TIFS.get(params.get("timeInForce") or default_tif)
    if tif is None:
        raise bybit_params_error(
            f"timeInForce {params['timeInForce']!r} is not one of {', '.join(_TIFS)}"
        )
    if params.get("positionIdx", "0") != "0":
        raise bybit_params_error("positionIdx must be 0: the simulator's Bybit is one-way mode")
    reduce_only = params.get("reduceOnly", "false").lower() == "true"
    if cat == "spot":
        order_type, tif = _spot_terms(params, order_type, tif, reduce_only)
    return {
        "side": _enum(params, "side", _SIDES),
        "order_type": order_type,
        "quantity": req_decimal(params, "qty"),
        "price": opt_decimal(params, "price") if order_type != "MARKET" else None,
        "time_in_force": None if order_type != "LIMIT" else tif,
        "reduce_only": reduce_only if cat != "spot" else None,
    }


def _spot_terms(
    params: dict[str, str], order_type: str, tif: str, reduce_only: bool
) -> tuple[str, str]:
    """Spot: no reduce-only; a post-only is the engine's LIMIT_MAKER; a market buy's qty must
    be base coin (Bybit reads it as USDT unless marketUnit is baseCoin)."""
    if reduce_only:
        raise bybit_params_error("reduceOnly is not valid for spot orders")
    quote_qty = params.get("marketUnit", "quoteCoin") == "quoteCoin"
    if order_type == "MARKET" and params.get("side") == "Buy" and quote_qty:
        raise bybit_params_error("spot market buys need marketUnit baseCoin in the simulator")
    return ("LIMIT_MAKER", "GTC") if tif == "GTX" else (order_type, tif)


def _would_take(error: SimError) -> bool:
    return error.code == -5022 or (error.code == -2010 and "match and take" in error.msg)


def _cancelled_post_only(
    venue: Venue, account: Account, market: str, symbol: str, terms: dict[str, Any], link_id: str
) -> Order:
    now = venue.now()
    order = Order(
        venue.ids.order_id(), market, symbol, terms["side"], terms["order_type"],
        terms["quantity"], terms["price"], terms["time_in_force"] or "GTC",
        bool(terms["reduce_only"]), link_id, now, now, status="CANCELED",
    )  # fmt: skip
    if order.order_type == "LIMIT":
        order.time_in_force = "GTX"
    account.orders[order.order_id] = order
    account.order_notes[order.order_id] = POST_ONLY_REJECT
    return order


def create_order(venue: Venue, api_key: str, cat: str, symbol: str, params: dict[str, str]) -> JSON:
    """Place an order; the result is Bybit's {"orderId", "orderLinkId"}."""
    if cat not in ("spot", "linear"):
        raise bybit_params_error(f"category {cat!r}: the simulator trades spot and linear only")
    market = engine_market(cat)
    listed(cat, symbol, venue.now())
    account = venue.account(api_key)
    link_id = _link_id(account, params) or venue.ids.client_order_id()
    terms = _order_terms(cat, params)

    def place() -> JSON:
        return order_ops.place_order(
            venue, api_key, market, symbol, client_order_id=link_id, **terms
        )

    try:
        placed = through_unified_usdt(venue, account, place) if cat == "spot" else place()
    except SimError as exc:
        if not _would_take(exc):
            raise
        order = _cancelled_post_only(venue, account, market, symbol, terms, link_id)
        return {"orderId": str(order.order_id), "orderLinkId": link_id}
    return {"orderId": str(placed["orderId"]), "orderLinkId": link_id}


def find_order(account: Account, market: str, params: dict[str, str]) -> Order | None:
    """The order named by `orderId` or `orderLinkId` (10001 when neither is sent)."""
    order_id, link_id = params.get("orderId"), params.get("orderLinkId")
    if not order_id and not link_id:
        raise bybit_params_error("orderId or orderLinkId is required")
    for order in account.orders.values():
        if order.market != market:
            continue
        if (order_id and str(order.order_id) == order_id) or (
            not order_id and order.client_order_id == link_id
        ):
            return order
    return None


def cancel_order(venue: Venue, api_key: str, cat: str, symbol: str, params: dict[str, str]) -> JSON:
    """Cancel an open order by orderId / orderLinkId; 110001 when unknown or closed."""
    market = engine_market(cat)
    account = venue.account(api_key)
    order = find_order(account, market, params)
    if order is None or not order.is_open or order.symbol != symbol:
        raise order_not_found()
    order_id = order.order_id

    def cancel() -> JSON:
        return order_ops.cancel_order(
            venue, api_key, market, symbol, order_id=order_id, client_order_id=None
        )

    if cat == "spot":
        through_unified_usdt(venue, account, cancel)
    else:
        cancel()
    return {"orderId": str(order.order_id), "orderLinkId": order.client_order_id}


def cancel_all(venue: Venue, api_key: str, cat: str, symbol: str | None) -> JSON:
    """Cancel every open order of `cat` (one symbol, or all); Bybit's list of what it cancelled."""
    market = engine_market(cat)
    account = venue.account(api_key)
    cancelled = []
    for order in account.open_orders(market, symbol):
        ref = {"orderId": str(order.order_id)}
        cancelled.append(cancel_order(venue, api_key, cat, order.symbol, ref))
    return {"list": cancelled, "success": "1"}


def _window(rows: list[Order], params: dict[str, str], limit: int) -> list[Order]:
    start, end = opt_int(params, "startTime"), opt_int(params, "endTime")
    picked = [
        o for o in rows
        if (start is None or o.time_ms >= start) and (end is None or o.time_ms <= end)
    ]  # fmt: skip
    return sorted(picked, key=lambda o: o.time_ms, reverse=True)[:limit]


def order_rows(
    venue: Venue, api_key: str, cat: str, params: dict[str, str], *, history: bool
) -> list[JSON]:
    """/v5/order/realtime (open orders; one named order in any state; `openOnly=1` recent
    closed ones) or /v5/order/history (every order), newest first."""
    market = engine_market(cat)
    account = venue.account(api_key)
    if params.get("orderId") or params.get("orderLinkId"):
        order = find_order(account, market, params)
        named = [order] if order is not None else []
        return [order_row(account, o, cat) for o in named]
    symbol = params.get("symbol") or None
    rows = [
        o
        for o in account.orders.values()
        if o.market == market and (symbol is None or o.symbol == symbol)
    ]
    closed_only = params.get("openOnly") == "1"
    if not history:
        rows = [o for o in rows if o.is_open != closed_only]
    status = params.get("orderStatus") or None
    if status is not None:
        rows = [o for o in rows if order_row(account, o, cat)["orderStatus"] == status]
    limit = min(opt_int(params, "limit") or 20, 50)
    return [order_row(account, o, cat) for o in _window(rows, params, limit if history else 500)]
