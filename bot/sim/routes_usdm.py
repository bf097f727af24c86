"""Binance USDⓈ-M futures REST routes (/fapi/v1/*): market data, orders and their history.

The order routes serve COIN-M too (/dapi/v1/order, openOrders, allOrders, userTrades: the same
parameters; the engine renders each dialect's shapes), as do ping, time, exchangeInfo, depth
and fundingRate. Handlers parse, call the engine, serialise; the account routes are in
`routes_usdm_account`, COIN-M's own market data in `routes_coinm`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from aiohttp import web

from bot.sim.errors import SimError
from bot.sim.faults import corrupt_book
from bot.sim.render import (
    ENGINE,
    FAULTS,
    futures_market,
    history,
    json_ok,
    opt_bool,
    opt_decimal,
    opt_int,
    opt_str,
    order_ref,
    public_params,
    req_decimal,
    req_enum,
    req_str,
    signed,
    time_for_client,
)
from bot.sim.routes_spot import book_levels, one_or_many

__all__ = ["book_ticker_row", "routes"]

routes = web.RouteTableDef()
MARKET = "usdm"
_ORDER_TYPES = ("LIMIT", "MARKET")
_SIDES = ("BUY", "SELL")
_TIFS = ("GTC", "IOC", "FOK", "GTX")


@routes.get("/fapi/v1/ping")
@routes.get("/dapi/v1/ping")
async def ping(request: web.Request) -> web.Response:
    """Connectivity check."""
    return json_ok({})


@routes.get("/fapi/v1/time")
@routes.get("/dapi/v1/time")
async def server_time(request: web.Request) -> web.Response:
    """The simulated clock (what a client syncs its recvWindow offset to)."""
    return json_ok({"serverTime": time_for_client(request)})


@routes.get("/fapi/v1/exchangeInfo")
@routes.get("/dapi/v1/exchangeInfo")
async def exchange_info(request: web.Request) -> web.Response:
    """The perpetuals and each pair's current and next quarterly at the simulated time, with
    filters and order types (COIN-M: with their contract sizes)."""
    return json_ok(request.app[ENGINE].exchange_info(futures_market(request)))


@routes.get("/fapi/v1/ticker/24hr")
async def ticker_24h(request: web.Request) -> web.Response:
    """24h ticker (no bid/ask fields on fapi) for one symbol (object) or all (list)."""
    return one_or_many(request, MARKET, partial(request.app[ENGINE].ticker_24h, MARKET))


@routes.get("/fapi/v1/ticker/price")
@routes.get("/fapi/v2/ticker/price")
async def ticker_price(request: web.Request) -> web.Response:
    """Last price {"symbol","price","time"} for one symbol (object) or all (list)."""
    return one_or_many(request, MARKET, partial(request.app[ENGINE].ticker_price, MARKET))


@routes.get("/fapi/v1/ticker/bookTicker")
async def book_ticker(request: web.Request) -> web.Response:
    """Best bid/ask with quantities for one symbol (object) or all (list)."""
    return one_or_many(request, MARKET, partial(book_ticker_row, request, MARKET))


def _places(request: web.Request, market: str, symbol: str) -> tuple[int, int]:
    """Futures print prices and quantities at the symbol's pricePrecision/quantityPrecision."""
    spec = request.app[ENGINE].spec(market, symbol)
    return spec.price_precision, spec.qty_precision


def _named(request: web.Request, market: str, symbol: str) -> dict[str, Any]:
    """COIN-M rows name the symbol's pair after the symbol."""
    if market != "coinm":
        return {"symbol": symbol}
    return {"symbol": symbol, "pair": request.app[ENGINE].spec(market, symbol).pair_id}


def book_ticker_row(request: web.Request, market: str, symbol: str) -> dict[str, Any]:
    """One /ticker/bookTicker row of a futures symbol (COIN-M: with its pair)."""
    engine = request.app[ENGINE]
    bids, asks = engine.book(market, symbol, 1)
    levels = book_levels(bids[:1] + asks[:1], _places(request, market, symbol))
    (bid, bid_qty), (ask, ask_qty) = levels
    now = engine.now_ms()
    return _named(request, market, symbol) | {
        "bidPrice": bid,
        "bidQty": bid_qty,
        "askPrice": ask,
        "askQty": ask_qty,
        "time": now,
        "lastUpdateId": now,
    }


@routes.get("/fapi/v1/depth")
@routes.get("/dapi/v1/depth")
async def depth(request: web.Request) -> web.Response:
    """Order book snapshot with event (E) and transaction (T) times (COIN-M: quantities in
    contracts, with the symbol and pair)."""
    engine, market = request.app[ENGINE], futures_market(request)
    params = public_params(request)
    symbol = req_str(params, "symbol")
    limit = min(max(opt_int(params, "limit") or 500, 5), 1000)
    bids, asks = engine.book(market, symbol, limit)
    places = _places(request, market, symbol)
    now = engine.now_ms()
    book = {"lastUpdateId": now} | (_named(request, market, symbol) if market == "coinm" else {})
    book |= {
        "E": now,
        "T": now,
        "bids": book_levels(bids[:limit], places),
        "asks": book_levels(asks[:limit], places),
    }
    return json_ok(corrupt_book(book) if request.app[FAULTS].corrupts("book") else book)


@routes.get("/fapi/v1/premiumIndex")
async def premium_index(request: web.Request) -> web.Response:
    """Mark/index price and funding for one symbol (object) or all (list)."""
    return one_or_many(request, MARKET, request.app[ENGINE].premium_index)


@routes.get("/fapi/v1/fundingRate")
@routes.get("/dapi/v1/fundingRate")
async def funding_rate_history(request: web.Request) -> web.Response:
    """Settled funding rates of the dialect's perpetuals (public history; -1121 for an
    unlisted symbol)."""
    params = public_params(request)
    rows = request.app[ENGINE].funding_history(
        opt_str(params, "symbol"),
        opt_int(params, "startTime"),
        opt_int(params, "endTime"),
        min(opt_int(params, "limit") or 100, 1000),
        futures_market(request),
    )
    return json_ok(rows)


@routes.post("/fapi/v1/order")
@routes.post("/dapi/v1/order")
async def create_order(request: web.Request) -> web.Response:
    """Place a LIMIT (GTC/IOC/FOK/GTX) or MARKET order on a position leg; RESULT response."""
    auth = await signed(request)
    engine, params = request.app[ENGINE], auth.params
    tif = opt_str(params, "timeInForce")
    if tif is not None and tif.upper() not in _TIFS:
        raise SimError(-1115, "Invalid timeInForce.")
    order = engine.place_order(
        auth.api_key,
        futures_market(request),
        req_str(params, "symbol"),
        side=req_enum(params, "side", _SIDES, SimError(-1117, "Invalid side.")),
        order_type=req_enum(params, "type", _ORDER_TYPES, SimError(-1116, "Invalid orderType.")),
        quantity=req_decimal(params, "quantity"),
        price=opt_decimal(params, "price"),
        time_in_force=tif.upper() if tif else None,
        reduce_only=opt_bool(params, "reduceOnly") if "reduceOnly" in params else None,
        client_order_id=opt_str(params, "newClientOrderId"),
        position_side=opt_str(params, "positionSide"),
    )
    faults = request.app[FAULTS]
    if faults.timeout_after_accept():
        await faults.hang()
    return json_ok(order)


@routes.get("/fapi/v1/order")
@routes.get("/dapi/v1/order")
async def query_order(request: web.Request) -> web.Response:
    """One order by orderId or origClientOrderId (-2013 when unknown)."""
    auth = await signed(request)
    order_id, client_id = order_ref(auth.params)
    order = request.app[ENGINE].get_order(
        auth.api_key,
        futures_market(request),
        req_str(auth.params, "symbol"),
        order_id=order_id,
        client_order_id=client_id,
    )
    return json_ok(order)


@routes.get("/fapi/v1/openOrder")
@routes.get("/dapi/v1/openOrder")
async def query_open_order(request: web.Request) -> web.Response:
    """One order that is still open (-2013 'Order does not exist.' otherwise)."""
    auth = await signed(request)
    order_id, client_id = order_ref(auth.params)
    order = request.app[ENGINE].get_order(
        auth.api_key,
        futures_market(request),
        req_str(auth.params, "symbol"),
        order_id=order_id,
        client_order_id=client_id,
    )
    if order.get("status") not in ("NEW", "PARTIALLY_FILLED"):
        raise SimError(-2013, "Order does not exist.")
    return json_ok(order)


@routes.delete("/fapi/v1/order")
@routes.delete("/dapi/v1/order")
async def cancel_order(request: web.Request) -> web.Response:
    """Cancel an open order (-2011 when unknown or already closed)."""
    auth = await signed(request)
    order_id, client_id = order_ref(auth.params)
    order = request.app[ENGINE].cancel_order(
        auth.api_key,
        futures_market(request),
        req_str(auth.params, "symbol"),
        order_id=order_id,
        client_order_id=client_id,
    )
    return json_ok(order)


@routes.get("/fapi/v1/openOrders")
@routes.get("/dapi/v1/openOrders")
async def open_orders(request: web.Request) -> web.Response:
    """Open orders for one symbol or all."""
    auth = await signed(request)
    symbol = opt_str(auth.params, "symbol")
    market = futures_market(request)
    return json_ok(request.app[ENGINE].open_orders(auth.api_key, market, symbol))


@routes.get("/fapi/v1/allOrders")
@routes.get("/dapi/v1/allOrders")
async def all_orders(request: web.Request) -> web.Response:
    """Order history of one symbol."""
    auth = await signed(request)
    market, params = futures_market(request), auth.params
    return json_ok(history(request, market, auth.api_key, params, "all_orders", "orderId"))


@routes.get("/fapi/v1/userTrades")
@routes.get("/dapi/v1/userTrades")
async def user_trades(request: web.Request) -> web.Response:
    """The account's fills in one symbol."""
    auth = await signed(request)
    market, params = futures_market(request), auth.params
    return json_ok(history(request, market, auth.api_key, params, "my_trades", "fromId"))
