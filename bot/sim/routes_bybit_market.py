"""Bybit v5 public market routes (/v5/market/*) and the currency list ccxt loads with markets.

Handlers parse Bybit's parameters, call the engine and wrap the result in Bybit's envelope;
rows are built in `bybit_market_views`. Option instruments are an empty list (none listed),
so ccxt's default `load_markets` works unchanged.
"""

from __future__ import annotations

from aiohttp import web

from bot.sim.bybit_errors import bybit_params_error
from bot.sim.bybit_market_views import (
    funding_rows,
    instrument_rows,
    kline_rows,
    orderbook,
    risk_limit_rows,
    ticker_row,
    tradable_symbols,
)
from bot.sim.bybit_params import category, engine_market, engine_symbol, opt_int, req
from bot.sim.bybit_render import bybit_ok
from bot.sim.bybit_request import bybit_signed, public
from bot.sim.render import ENGINE, time_for_client

__all__ = ["routes"]

routes = web.RouteTableDef()
_TRADED = ("spot", "linear", "inverse")
_PERPS = ("linear", "inverse")
_INTERVALS = {"1": "1m", "3": "3m", "5": "5m", "15": "15m", "30": "30m", "60": "1h",
              "120": "2h", "240": "4h", "D": "1d"}  # fmt: skip
_BOOK_LIMITS = {"spot": (1, 200), "linear": (25, 500), "inverse": (25, 500)}


@routes.get("/v5/market/time")
async def server_time(request: web.Request) -> web.Response:
    """The simulated clock (seconds and nanoseconds), what ccxt syncs its timestamp to."""
    now = time_for_client(request)
    return bybit_ok(request, {"timeSecond": str(now // 1000), "timeNano": str(now * 1_000_000)})


@routes.get("/v5/market/instruments-info")
async def instruments_info(request: web.Request) -> web.Response:
    """Spot pairs, linear perpetuals, inverse BTCUSD/ETHUSD; option and PreLaunch: none."""
    params = public(request)
    cat = category(params)
    rows = []
    if cat != "option" and params.get("status", "Trading") == "Trading":
        rows = instrument_rows(request.app[ENGINE], cat, params.get("symbol") or None)
    return bybit_ok(request, {"category": cat, "list": rows, "nextPageCursor": ""})


def _symbol(request: web.Request, cat: str, params: dict[str, str]) -> str:
    """The engine id of the listed `symbol` parameter of `cat` (10001 when not listed)."""
    engine_id = engine_symbol(cat, req(params, "symbol"))
    if engine_id not in tradable_symbols(request.app[ENGINE], cat):
        raise bybit_params_error(f"symbol {params['symbol']!r} is not listed on {cat}")
    return engine_id


@routes.get("/v5/market/tickers")
async def tickers(request: web.Request) -> web.Response:
    """Best bid/ask, last, 24 h figures; perpetuals add mark, index and funding."""
    params = public(request)
    cat = category(params, _TRADED)
    engine = request.app[ENGINE]
    wanted = [_symbol(request, cat, params)] if params.get("symbol") else None
    rows = [ticker_row(engine, cat, s) for s in wanted or tradable_symbols(engine, cat)]
    return bybit_ok(request, {"category": cat, "list": rows})


@routes.get("/v5/market/orderbook")
async def order_book(request: web.Request) -> web.Response:
    """The synthetic book around the last price, `limit` levels a side."""
    params = public(request)
    cat = category(params, _TRADED)
    default, most = _BOOK_LIMITS[cat]
    limit = opt_int(params, "limit") or default
    if not 1 <= limit <= most:
        raise bybit_params_error(f"limit {limit} is outside 1..{most} for {cat}")
    engine_id = _symbol(request, cat, params)
    return bybit_ok(request, orderbook(request.app[ENGINE], cat, engine_id, limit))


@routes.get("/v5/market/kline")
async def kline(request: web.Request) -> web.Response:
    """Candles of the recorded prices, newest first (intervals 1..240 minutes and D)."""
    params = public(request)
    cat = category(params, _TRADED)
    engine_id = _symbol(request, cat, params)
    interval = req(params, "interval")
    if interval not in _INTERVALS:
        raise bybit_params_error(f"interval {interval!r} is not one of {', '.join(_INTERVALS)}")
    limit = min(opt_int(params, "limit") or 200, 1000)
    window = (opt_int(params, "start"), opt_int(params, "end"), limit)
    market = engine_market(cat)
    rows = request.app[ENGINE].klines(market, engine_id, _INTERVALS[interval], window)
    result = {"symbol": params["symbol"], "category": cat, "list": kline_rows(rows)}
    return bybit_ok(request, result)


@routes.get("/v5/market/funding/history")
async def funding_history(request: web.Request) -> web.Response:
    """Settled funding rates of a perpetual, newest first (at most 200)."""
    params = public(request)
    cat = category(params, _PERPS)
    engine_id = _symbol(request, cat, params)
    limit = min(opt_int(params, "limit") or 200, 200)
    rows = request.app[ENGINE].funding_history(
        engine_id,
        opt_int(params, "startTime"),
        opt_int(params, "endTime"),
        1000,
        engine_market(cat),
    )
    return bybit_ok(request, {"category": cat, "list": funding_rows(rows, cat)[:limit]})


@routes.get("/v5/market/risk-limit")
async def risk_limit(request: web.Request) -> web.Response:
    """Bybit's risk-limit tiers (maintenance margin, max leverage) of the linear perpetuals."""
    params = public(request)
    category(params, ("linear",))
    symbols = [_symbol(request, "linear", params)] if params.get("symbol") else None
    names = symbols or tradable_symbols(request.app[ENGINE], "linear")
    rows = [row for name in names for row in risk_limit_rows(name)]
    return bybit_ok(request, {"category": "linear", "list": rows, "nextPageCursor": ""})


def _coin(name: str) -> dict[str, object]:
    chain = {
        "chainType": name,
        "confirmation": "1",
        "withdrawFee": "0",
        "depositMin": "0",
        "withdrawMin": "0",
        "chain": name,
        "chainDeposit": "1",
        "chainWithdraw": "1",
        "minAccuracy": "8",
        "withdrawPercentageFee": "0",
    }
    return {"name": name, "coin": name, "remainAmount": "0", "chains": [chain]}


@routes.get("/v5/asset/coin/query-info")
async def coin_info(request: web.Request) -> web.Response:
    """The coins of the listed pairs (what ccxt's fetch_currencies reads during load_markets)."""
    await bybit_signed(request)
    engine = request.app[ENGINE]
    coins = {engine.spec("spot", s).base for s in engine.symbols("spot")} | {"USDT"}
    return bybit_ok(request, {"rows": [_coin(c) for c in sorted(coins)]})
