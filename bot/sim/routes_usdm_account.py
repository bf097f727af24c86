"""Binance USDⓈ-M account routes (/fapi/v1|v2|v3/*): wallet, positions, brackets, income,
and the settings a user changes (leverage, margin type, isolated margin, position mode).

The same handlers serve COIN-M's /dapi/v1 account, balance, positionRisk, income, leverage,
marginType and positionMargin (the engine renders each dialect; COIN-M amounts in coin).
`stale_positions` and `corrupt` (faults) are applied here because they are properties of what
the wire reports, not of the venue's state.
"""

from __future__ import annotations

from aiohttp import web

from bot.sim.errors import SimError
from bot.sim.faults import corrupt_positions
from bot.sim.render import (
    ENGINE,
    FAULTS,
    futures_market,
    json_ok,
    opt_int,
    opt_str,
    req_decimal,
    req_enum,
    req_str,
    signed,
)

__all__ = ["routes"]

routes = web.RouteTableDef()


def _invalid(name: str) -> SimError:
    return SimError(-1130, f"Data sent for parameter '{name}' is not valid.")


@routes.get("/fapi/v1/leverageBracket")
async def leverage_bracket(request: web.Request) -> web.Response:
    """Maintenance-margin brackets; with `symbol` Binance answers the one object, not a list."""
    auth = await signed(request)
    symbol = opt_str(auth.params, "symbol")
    rows = request.app[ENGINE].leverage_brackets(symbol)
    return json_ok(rows[0] if symbol and rows else rows)


@routes.get("/fapi/v2/account")
@routes.get("/fapi/v3/account")
@routes.get("/dapi/v1/account")
async def account(request: web.Request) -> web.Response:
    """Futures wallet, margins and positions (positions hidden under `stale_positions`)."""
    auth = await signed(request)
    data = dict(request.app[ENGINE].futures_account(auth.api_key, futures_market(request)))
    if request.app[FAULTS].stale_positions:
        data["positions"] = []
    elif request.app[FAULTS].corrupts("positions"):
        data["positions"] = corrupt_positions(data["positions"])
    return json_ok(data)


@routes.get("/fapi/v2/balance")
@routes.get("/fapi/v3/balance")
@routes.get("/dapi/v1/balance")
async def balance(request: web.Request) -> web.Response:
    """Per-asset futures wallet balances."""
    auth = await signed(request)
    return json_ok(request.app[ENGINE].futures_balance(auth.api_key, futures_market(request)))


def _position_filter(request: web.Request, params: dict[str, str]) -> str | None:
    """/fapi: `symbol`; /dapi: `pair` or `marginAsset` (what Binance's COIN-M takes)."""
    if futures_market(request) == "usdm":
        return opt_str(params, "symbol")
    return opt_str(params, "pair") or opt_str(params, "marginAsset")


@routes.get("/fapi/v2/positionRisk")
@routes.get("/fapi/v3/positionRisk")
@routes.get("/dapi/v1/positionRisk")
async def position_risk(request: web.Request) -> web.Response:
    """Position legs (BOTH rows in one-way mode, LONG and SHORT rows in hedge mode; COIN-M:
    every listed contract); empty under `stale_positions`."""
    auth = await signed(request)
    wanted = _position_filter(request, auth.params)
    rows = request.app[ENGINE].position_risk(auth.api_key, wanted, futures_market(request))
    if request.app[FAULTS].stale_positions:
        return json_ok([])
    if request.app[FAULTS].corrupts("positions"):
        rows = corrupt_positions(rows)
    return json_ok(rows)


@routes.get("/fapi/v1/income")
@routes.get("/dapi/v1/income")
async def income(request: web.Request) -> web.Response:
    """Income history (FUNDING_FEE, REALIZED_PNL, COMMISSION, TRANSFER, DELIVERED_SETTELMENT,
    ...; COIN-M rows in coin)."""
    auth = await signed(request)
    params = auth.params
    rows = request.app[ENGINE].income(
        auth.api_key,
        symbol=opt_str(params, "symbol"),
        income_type=opt_str(params, "incomeType"),
        start_ms=opt_int(params, "startTime"),
        end_ms=opt_int(params, "endTime"),
        limit=min(opt_int(params, "limit") or 100, 1000),
        market=futures_market(request),
    )
    return json_ok(rows)


@routes.post("/fapi/v1/leverage")
@routes.post("/dapi/v1/leverage")
async def leverage(request: web.Request) -> web.Response:
    """Set the symbol's leverage (1..bracket max)."""
    auth = await signed(request)
    value = opt_int(auth.params, "leverage")
    if value is None:
        raise SimError(
            -1102, "Mandatory parameter 'leverage' was not sent, was empty/null, or malformed."
        )
    symbol, market = req_str(auth.params, "symbol"), futures_market(request)
    return json_ok(request.app[ENGINE].set_leverage(auth.api_key, symbol, value, market))


@routes.post("/fapi/v1/marginType")
@routes.post("/dapi/v1/marginType")
async def margin_type(request: web.Request) -> web.Response:
    """Switch ISOLATED/CROSSED (-4046 when already set)."""
    auth = await signed(request)
    kind = req_enum(auth.params, "marginType", ("ISOLATED", "CROSSED"), _invalid("marginType"))
    symbol, market = req_str(auth.params, "symbol"), futures_market(request)
    return json_ok(request.app[ENGINE].set_margin_type(auth.api_key, symbol, kind, market))


@routes.post("/fapi/v1/positionMargin")
@routes.post("/dapi/v1/positionMargin")
async def position_margin(request: web.Request) -> web.Response:
    """Add (type 1) or reduce (type 2) an isolated position's margin."""
    auth = await signed(request)
    kind = opt_int(auth.params, "type")
    if kind not in (1, 2):
        raise _invalid("type")
    amount = req_decimal(auth.params, "amount")
    symbol = req_str(auth.params, "symbol")
    side, market = opt_str(auth.params, "positionSide"), futures_market(request)
    engine = request.app[ENGINE]
    result = engine.modify_position_margin(auth.api_key, symbol, amount, kind, side, market)
    return json_ok(result)


@routes.get("/fapi/v1/positionSide/dual")
async def position_mode(request: web.Request) -> web.Response:
    """{"dualSidePosition": true} in hedge mode, false in one-way mode."""
    auth = await signed(request)
    return json_ok(request.app[ENGINE].position_mode(auth.api_key))


@routes.post("/fapi/v1/positionSide/dual")
async def set_position_mode(request: web.Request) -> web.Response:
    """Switch hedge mode (dualSidePosition=true) or one-way mode (false)."""
    auth = await signed(request)
    name = "dualSidePosition"
    dual = req_enum(auth.params, name, ("TRUE", "FALSE"), _invalid(name)) == "TRUE"
    return json_ok(request.app[ENGINE].set_position_mode(auth.api_key, dual))


@routes.get("/fapi/v1/multiAssetsMargin")
async def multi_assets_margin(request: web.Request) -> web.Response:
    """Always single-asset margin."""
    await signed(request)
    return json_ok({"multiAssetsMargin": False})
