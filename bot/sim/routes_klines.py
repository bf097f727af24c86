"""Candlestick routes of every dialect: /api/v3/klines, /fapi/v1/klines, /dapi/v1/klines and
/dapi/v1/indexPriceKlines (the index of a COIN-M `pair`), from the prices the venue recorded
over the last 24 h (`bot.sim.klines`)."""

from __future__ import annotations

from aiohttp import web

from bot.sim.render import ENGINE, json_ok, opt_int, public_params, req_str

__all__ = ["routes"]

routes = web.RouteTableDef()
_MARKETS = {"/api/": "spot", "/fapi/": "usdm", "/dapi/": "coinm"}


@routes.get("/api/v3/klines")
@routes.get("/fapi/v1/klines")
@routes.get("/dapi/v1/klines")
@routes.get("/dapi/v1/indexPriceKlines")
async def klines(request: web.Request) -> web.Response:
    """Klines of `symbol` (indexPriceKlines: of `pair`'s index) with Binance's `interval`,
    `startTime`, `endTime` and `limit` (default 500, max 1500)."""
    params = public_params(request)
    market = next(m for prefix, m in _MARKETS.items() if request.path.startswith(prefix))
    index = request.path.endswith("indexPriceKlines")
    name = req_str(params, "pair" if index else "symbol")
    window = (
        opt_int(params, "startTime"),
        opt_int(params, "endTime"),
        min(opt_int(params, "limit") or 500, 1500),
    )
    engine = request.app[ENGINE]
    rows = engine.klines(market, name, req_str(params, "interval"), window, index=index)
    return json_ok(rows)
