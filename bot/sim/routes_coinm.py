"""Binance COIN-M routes (/dapi/v1|v2/*) that differ from USDⓈ-M's: market data and brackets.

COIN-M's ticker, book ticker and premiumIndex answer lists even for one `symbol` (ccxt takes
the first row), take a `pair` to list a pair's perpetual and quarterlies, and name the pair on
each row; depth carries `symbol` and `pair`. Orders and the account routes are shared with
USDⓈ-M (`routes_usdm`, `routes_usdm_account`: the same handlers on /dapi paths), as are
ping, time and exchangeInfo.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from aiohttp import web

from bot.sim.faults import corrupt_book
from bot.sim.render import (
    ENGINE,
    FAULTS,
    json_ok,
    opt_int,
    opt_str,
    public_params,
    req_str,
    signed,
)
from bot.sim.routes_spot import book_levels

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


def _places(request: web.Request, symbol: str) -> tuple[int, int]:
    spec = request.app[ENGINE].spec(MARKET, symbol)
    return spec.price_precision, spec.qty_precision


def _book_ticker_row(request: web.Request, symbol: str) -> JSON:
    engine = request.app[ENGINE]
    bids, asks = engine.book(MARKET, symbol, 1)
    (bid, bid_qty), (ask, ask_qty) = book_levels(bids[:1] + asks[:1], _places(request, symbol))
    now = engine.now_ms()
    pair = engine.spec(MARKET, symbol).pair_id
    return {
        "lastUpdateId": now,
        "symbol": symbol,
        "pair": pair,
        "bidPrice": bid,
        "bidQty": bid_qty,
        "askPrice": ask,
        "askQty": ask_qty,
        "time": now,
    }


@routes.get("/dapi/v1/ticker/bookTicker")
async def book_ticker(request: web.Request) -> web.Response:
    """Best bid/ask (quantities in contracts), always a list."""
    return _rows(request, partial(_book_ticker_row, request))


@routes.get("/dapi/v1/depth")
async def depth(request: web.Request) -> web.Response:
    """Order book snapshot (quantities in contracts) with symbol, pair, E and T."""
    engine = request.app[ENGINE]
    params = public_params(request)
    symbol = req_str(params, "symbol")
    limit = min(max(opt_int(params, "limit") or 500, 5), 1000)
    bids, asks = engine.book(MARKET, symbol, limit)
    places = _places(request, symbol)
    now = engine.now_ms()
    book = {
        "lastUpdateId": now,
        "symbol": symbol,
        "pair": engine.spec(MARKET, symbol).pair_id,
        "E": now,
        "T": now,
        "bids": book_levels(bids[:limit], places),
        "asks": book_levels(asks[:limit], places),
    }
    return json_ok(corrupt_book(book) if request.app[FAULTS].corrupts("book") else book)


@routes.get("/dapi/v1/premiumIndex")
async def premium_index(request: web.Request) -> web.Response:
    """Mark/index price and funding (quarterlies: no funding), always a list."""
    return _rows(request, partial(request.app[ENGINE].premium_index, market=MARKET))


@routes.get("/dapi/v1/fundingRate")
async def funding_rate_history(request: web.Request) -> web.Response:
    """Settled funding rates of a COIN-M perpetual (`symbol` is mandatory on /dapi)."""
    params = public_params(request)
    rows = request.app[ENGINE].funding_history(
        req_str(params, "symbol"),
        opt_int(params, "startTime"),
        opt_int(params, "endTime"),
        min(opt_int(params, "limit") or 100, 1000),
        MARKET,
    )
    return json_ok(rows)


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
