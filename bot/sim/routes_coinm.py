"""Binance COIN-M routes (/dapi/v1|v2/*) that differ from USDⓈ-M's: market data and brackets.

COIN-M's ticker, book ticker and premiumIndex answer lists even for one `symbol` (ccxt takes
the first row), take a `pair` to list a pair's perpetual and quarterlies, and name the pair on
each row. Orders, the account routes, ping, time, exchangeInfo, depth and fundingRate are
shared with USDⓈ-M (`routes_usdm`, `routes_usdm_account`: the same handlers on /dapi paths).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from aiohttp import web

from bot.sim.render import (
    ENGINE,
    json_ok,
    opt_str,
    public_params,
    signed,
)
from bot.sim.routes_usdm import book_ticker_row

__all__ = ["routes"]

routes = web.RouteTableDef()
MARKET = "coinm"
JSON = dict[str, Any]


def _rows(request: web.Request, row: Callable[[str], JSON]) -> web.Response:
    """`[row(symbol)]` for `symbol`, the pair's contracts for `pair`, else every contract;
    an unlisted symbol is -1121."""
    params = public_params(request)
    symbol, pair = opt_str(params, "symbol"), opt_str(params, "pair")
    if symbol is not None:
        return json_ok([row(symbol)])
    engine = request.app[ENGINE]
    names = engine.symbols(MARKET)
    if pair is not None:
        names = [s for s in names if engine.spec(MARKET, s).pair_id == pair]
    return json_ok([row(s) for s in names])


@routes.get("/dapi/v1/ticker/24hr")
async def ticker_24h(request: web.Request) -> web.Response:
    """24h statistics (volume in contracts, baseVolume in coin), always a list."""
    return _rows(request, partial(request.app[ENGINE].ticker_24h, MARKET))


@routes.get("/dapi/v1/ticker/price")
async def ticker_price(request: web.Request) -> web.Response:
    """Last price rows {"symbol","ps","price","time"}, always a list."""
    return _rows(request, partial(request.app[ENGINE].ticker_price, MARKET))


@routes.get("/dapi/v1/ticker/bookTicker")
async def book_ticker(request: web.Request) -> web.Response:
    """Best bid/ask (quantities in contracts), always a list."""
    return _rows(request, partial(book_ticker_row, request, MARKET))


@routes.get("/dapi/v1/premiumIndex")
async def premium_index(request: web.Request) -> web.Response:
    """Mark/index price and funding (quarterlies: no funding), always a list."""
    return _rows(request, partial(request.app[ENGINE].premium_index, market=MARKET))


@routes.get("/dapi/v1/leverageBracket")
async def pair_brackets(request: web.Request) -> web.Response:
    """Coin brackets per pair ({"pair","brackets":[{qtyCap, qtyFloor, cum in coin}]})."""
    auth = await signed(request)
    pair = opt_str(auth.params, "pair")
    return json_ok(request.app[ENGINE].leverage_brackets(pair, MARKET, by_pair=True))


@routes.get("/dapi/v2/leverageBracket")
async def symbol_brackets(request: web.Request) -> web.Response:
    """Coin brackets per symbol (what ccxt's binancecoinm loads for fetch_positions)."""
    auth = await signed(request)
    symbol = opt_str(auth.params, "symbol")
    return json_ok(request.app[ENGINE].leverage_brackets(symbol, MARKET))


@routes.get("/dapi/v1/positionSide/dual")
async def position_mode(request: web.Request) -> web.Response:
    """COIN-M positions are one-way in the simulator: {"dualSidePosition": false}."""
    await signed(request)
    return json_ok({"dualSidePosition": False})
