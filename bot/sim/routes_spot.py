"""Binance spot REST routes (/api/v3/*) plus the few /sapi paths ccxt's load_markets touches.

Each handler parses the request (public or SIGNED), calls the engine, and serialises what the
engine returns; venue errors travel as `SimError` to the server's middleware.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal
from functools import partial
from typing import Any

from aiohttp import web

from bot.sim.errors import SimError
from bot.sim.faults import corrupt_balances
from bot.sim.render import (
    ENGINE,
    FAULTS,
    history,
    json_ok,
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

__all__ = ["one_or_many", "routes", "symbols_param"]

JSON = dict[str, Any]

routes = web.RouteTableDef()
MARKET = "spot"
_ORDER_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET")
_SIDES = ("BUY", "SELL")


def symbols_param(params: dict[str, str]) -> list[str] | None:
    """The `symbols=["BTCUSDT","ETHUSDT"]` JSON-array parameter, if sent."""
    raw = params.get("symbols")
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise SimError(-1100, "Illegal characters found in parameter 'symbols'.")
    return value


def book_levels(levels: list[tuple[Decimal, Decimal]], places: tuple[int, int]) -> list[list[str]]:
    """Depth levels as Binance sends them: [["price", "qty"], ...] at fixed decimals."""
    price_q, qty_q = (Decimal(1).scaleb(-p) for p in places)
    return [[str(price.quantize(price_q)), str(qty.quantize(qty_q))] for price, qty in levels]


@routes.get("/api/v3/ping")
async def ping(request: web.Request) -> web.Response:
    """Connectivity check."""
    return json_ok({})


@routes.get("/api/v3/time")
async def server_time(request: web.Request) -> web.Response:
    """The simulated clock (what a client syncs its recvWindow offset to)."""
    return json_ok({"serverTime": time_for_client(request)})


@routes.get("/api/v3/exchangeInfo")
async def exchange_info(request: web.Request) -> web.Response:
    """Spot markets with filters and order types."""
    return json_ok(request.app[ENGINE].exchange_info(MARKET))


@routes.get("/api/v3/account")
async def account(request: web.Request) -> web.Response:
    """Spot balances (free/locked per asset)."""
    auth = await signed(request)
    data = request.app[ENGINE].spot_account(auth.api_key)
    return json_ok(corrupt_balances(data) if request.app[FAULTS].corrupts("balance") else data)


def one_or_many(request: web.Request, market: str, row: Callable[[str], JSON]) -> web.Response:
    """`row(symbol)` for the `symbol` parameter (an object), else a list for the `symbols`
    JSON array or for every listed symbol; an unlisted symbol is -1121."""
    params = public_params(request)
    symbol = opt_str(params, "symbol")
    if symbol is not None:
        return json_ok(row(symbol))
    wanted = symbols_param(params) or request.app[ENGINE].symbols(market)
    return json_ok([row(s) for s in wanted])


@routes.get("/api/v3/ticker/24hr")
async def ticker_24h(request: web.Request) -> web.Response:
    """24h ticker for one symbol (object) or several / all (list)."""
    return one_or_many(request, MARKET, partial(request.app[ENGINE].ticker_24h, MARKET))


@routes.get("/api/v3/ticker/price")
async def ticker_price(request: web.Request) -> web.Response:
    """Last price {"symbol","price"} for one symbol (object) or several / all (list)."""
    return one_or_many(request, MARKET, partial(request.app[ENGINE].ticker_price, MARKET))


@routes.get("/api/v3/ticker/bookTicker")
async def book_ticker(request: web.Request) -> web.Response:
    """Best bid/ask with quantities for one symbol or all."""
    return one_or_many(request, MARKET, partial(_book_ticker_row, request))


def _book_ticker_row(request: web.Request, symbol: str) -> dict[str, str]:
    engine = request.app[ENGINE]
    bids, asks = engine.book(MARKET, symbol, 1)
    (bid, bid_qty), (ask, ask_qty) = book_levels(bids[:1] + asks[:1], (8, 8))
    return {
        "symbol": symbol,
        "bidPrice": bid,
        "bidQty": bid_qty,
        "askPrice": ask,
        "askQty": ask_qty,
    }


@routes.get("/api/v3/depth")
async def depth(request: web.Request) -> web.Response:
    """Order book snapshot; spot prints every number with 8 decimals."""
    engine = request.app[ENGINE]
    params = public_params(request)
    symbol = req_str(params, "symbol")
    limit = min(max(opt_int(params, "limit") or 100, 1), 5000)
    bids, asks = engine.book(MARKET, symbol, limit)
    return json_ok(
        {
            "lastUpdateId": engine.now_ms(),
            "bids": book_levels(bids[:limit], (8, 8)),
            "asks": book_levels(asks[:limit], (8, 8)),
        }
    )


@routes.post("/api/v3/order")
async def create_order(request: web.Request) -> web.Response:
    """Place a LIMIT / LIMIT_MAKER / MARKET order (FULL response with fills)."""
    auth = await signed(request)
    engine, params = request.app[ENGINE], auth.params
    symbol = req_str(params, "symbol")
    order_type = req_enum(params, "type", _ORDER_TYPES, SimError(-1116, "Invalid orderType."))
    side = req_enum(params, "side", _SIDES, SimError(-1117, "Invalid side."))
    quantity = _spot_quantity(request, params, symbol, order_type)
    order = engine.place_order(
        auth.api_key,
        MARKET,
        symbol,
        side=side,
        order_type=order_type,
        quantity=quantity,
        price=opt_decimal(params, "price"),
        time_in_force=opt_str(params, "timeInForce"),
        reduce_only=False,
        client_order_id=opt_str(params, "newClientOrderId"),
    )
    faults = request.app[FAULTS]
    if faults.timeout_after_accept():
        await faults.hang()
    return json_ok(order)


def _spot_quantity(
    request: web.Request, params: dict[str, str], symbol: str, order_type: str
) -> Decimal:
    """`quantity`, or for a market order sent as `quoteOrderQty` (ccxt does this for market
    buys with a price) the base amount it buys at the touch, rounded down to the lot step."""
    quantity = opt_decimal(params, "quantity")
    quote_qty = opt_decimal(params, "quoteOrderQty")
    if quantity is not None or order_type != "MARKET" or quote_qty is None:
        return quantity if quantity is not None else req_decimal(params, "quantity")
    engine = request.app[ENGINE]
    _bid, ask = engine.best_bid_ask(MARKET, symbol)
    step = engine.spec(MARKET, symbol).step
    return (quote_qty / ask / step).to_integral_value(ROUND_DOWN) * step


@routes.get("/api/v3/order")
async def query_order(request: web.Request) -> web.Response:
    """One order by orderId or origClientOrderId (-2013 when unknown)."""
    auth = await signed(request)
    order_id, client_id = order_ref(auth.params)
    symbol = req_str(auth.params, "symbol")
    order = request.app[ENGINE].get_order(
        auth.api_key, MARKET, symbol, order_id=order_id, client_order_id=client_id
    )
    return json_ok(order)


@routes.delete("/api/v3/order")
async def cancel_order(request: web.Request) -> web.Response:
    """Cancel an open order (-2011 when unknown or already closed)."""
    auth = await signed(request)
    order_id, client_id = order_ref(auth.params)
    symbol = req_str(auth.params, "symbol")
    order = request.app[ENGINE].cancel_order(
        auth.api_key, MARKET, symbol, order_id=order_id, client_order_id=client_id
    )
    return json_ok(order)


@routes.get("/api/v3/openOrders")
async def open_orders(request: web.Request) -> web.Response:
    """Open orders for one symbol or all."""
    auth = await signed(request)
    symbol = opt_str(auth.params, "symbol")
    return json_ok(request.app[ENGINE].open_orders(auth.api_key, MARKET, symbol))


@routes.get("/api/v3/allOrders")
async def all_orders(request: web.Request) -> web.Response:
    """Order history of one symbol."""
    auth = await signed(request)
    return json_ok(history(request, MARKET, auth.api_key, auth.params, "all_orders", "orderId"))


@routes.get("/api/v3/myTrades")
async def my_trades(request: web.Request) -> web.Response:
    """The account's fills in one symbol."""
    auth = await signed(request)
    return json_ok(history(request, MARKET, auth.api_key, auth.params, "my_trades", "fromId"))


# --- /sapi paths a default-configured ccxt `binance` touches in load_markets; nothing listed.


@routes.get("/sapi/v1/capital/config/getall")
async def currencies(request: web.Request) -> web.Response:
    """No currency metadata (ccxt then derives currencies from the markets)."""
    await signed(request)
    return json_ok([])


@routes.get("/sapi/v1/margin/allPairs")
@routes.get("/sapi/v1/margin/isolated/allPairs")
async def margin_pairs(request: web.Request) -> web.Response:
    """Margin trading is not simulated."""
    await signed(request)
    return json_ok([])
