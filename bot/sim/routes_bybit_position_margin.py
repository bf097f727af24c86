"""POST /v5/position/add-margin: add (`margin` > 0) or reduce (< 0) an isolated linear
position's margin, from / to the unified wallet's USDT (the engine's USDⓈ-M pool). The
reply is the position row as `/v5/position/list` shows it. The daemon's risk guard uses it
to top up an isolated short on a Bybit account. (Added by the daemon side, h25-bybit.)"""

from __future__ import annotations

from aiohttp import web

from bot.sim.bybit_params import category, req, req_decimal
from bot.sim.bybit_render import bybit_ok
from bot.sim.bybit_request import bybit_signed
from bot.sim.render import ENGINE

__all__ = ["routes"]

routes = web.RouteTableDef()
_ADD, _REDUCE = 1, 2  # the engine's modify_position_margin kinds (Binance `type`)


@routes.post("/v5/position/add-margin")
async def add_margin(request: web.Request) -> web.Response:
    """Move `margin` USDT into (or, negative, out of) the isolated position on `symbol`."""
    auth = await bybit_signed(request)
    category(auth.params, ("linear",))
    symbol = req(auth.params, "symbol")
    margin = req_decimal(auth.params, "margin")
    engine = request.app[ENGINE]
    kind = _ADD if margin > 0 else _REDUCE
    engine.modify_position_margin(auth.api_key, symbol, abs(margin), kind, None, "usdm")
    [row] = engine.bybit_positions(auth.api_key, symbol)
    return bybit_ok(request, {"category": "linear", **row})
