"""Bybit v5 private trade routes: order create / cancel / realtime / history, executions and
closed P&L. Handlers authenticate, parse and call the engine's `BybitDesk`; a created order
may be held back under the `timeout_after_accept` fault (booked, reply lost)."""

from __future__ import annotations

from aiohttp import web

from bot.sim.bybit_params import category, req
from bot.sim.bybit_render import bybit_ok
from bot.sim.bybit_request import bybit_signed
from bot.sim.render import ENGINE, FAULTS

__all__ = ["routes"]

routes = web.RouteTableDef()
_TRADED = ("spot", "linear", "inverse")


@routes.post("/v5/order/create")
async def create_order(request: web.Request) -> web.Response:
    """Place a Limit / Market order (GTC, IOC, FOK, PostOnly) by orderLinkId."""
    auth = await bybit_signed(request)
    params = auth.params
    cat, symbol = category(params, _TRADED), req(params, "symbol")
    result = request.app[ENGINE].bybit_create_order(auth.api_key, cat, symbol, params)
    faults = request.app[FAULTS]
    if faults.timeout_after_accept():
        await faults.hang()
    return bybit_ok(request, result)


@routes.post("/v5/order/cancel")
async def cancel_order(request: web.Request) -> web.Response:
    """Cancel an open order by orderId or orderLinkId (110001 when unknown or closed)."""
    auth = await bybit_signed(request)
    params = auth.params
    cat, symbol = category(params, _TRADED), req(params, "symbol")
    return bybit_ok(
        request, request.app[ENGINE].bybit_cancel_order(auth.api_key, cat, symbol, params)
    )


@routes.post("/v5/order/cancel-all")
async def cancel_all(request: web.Request) -> web.Response:
    """Cancel every open order of a category (optionally one symbol)."""
    auth = await bybit_signed(request)
    cat = category(auth.params, _TRADED)
    symbol = auth.params.get("symbol") or None
    return bybit_ok(request, request.app[ENGINE].bybit_cancel_all(auth.api_key, cat, symbol))


async def _orders(request: web.Request, *, history: bool) -> web.Response:
    auth = await bybit_signed(request)
    cat = category(auth.params, _TRADED)
    rows = request.app[ENGINE].bybit_orders(auth.api_key, cat, auth.params, history=history)
    return bybit_ok(request, {"category": cat, "list": rows, "nextPageCursor": ""})


@routes.get("/v5/order/realtime")
async def realtime(request: web.Request) -> web.Response:
    """Open orders; one order by id in any state; recent closed ones with openOnly=1."""
    return await _orders(request, history=False)


@routes.get("/v5/order/history")
async def order_history(request: web.Request) -> web.Response:
    """Every order of the category, newest first (limit ≤ 50)."""
    return await _orders(request, history=True)


@routes.get("/v5/execution/list")
async def executions(request: web.Request) -> web.Response:
    """Trades with fees, and funding payments (execType Funding), newest first."""
    auth = await bybit_signed(request)
    cat = category(auth.params, _TRADED)
    rows = request.app[ENGINE].bybit_executions(auth.api_key, cat, auth.params)
    return bybit_ok(request, {"category": cat, "list": rows, "nextPageCursor": ""})


@routes.get("/v5/position/closed-pnl")
async def closed_pnl(request: web.Request) -> web.Response:
    """Closing executions of linear positions with their realised P&L net of fees."""
    auth = await bybit_signed(request)
    category(auth.params, ("linear",))
    rows = request.app[ENGINE].bybit_closed_pnl(auth.api_key, auth.params)
    return bybit_ok(request, {"category": "linear", "list": rows, "nextPageCursor": ""})
