"""Bybit v5 private account routes: wallet, account info, margin mode, positions, leverage,
and the key's permissions. Handlers authenticate, parse, call the engine's `BybitDesk`."""

from __future__ import annotations

from aiohttp import web

from bot.sim.bybit_errors import bybit_params_error
from bot.sim.bybit_params import category, req, req_decimal
from bot.sim.bybit_render import bybit_ok
from bot.sim.bybit_request import bybit_signed
from bot.sim.render import ENGINE, FAULTS

__all__ = ["routes"]

routes = web.RouteTableDef()
_LINEAR = ("linear",)


@routes.get("/v5/account/wallet-balance")
async def wallet_balance(request: web.Request) -> web.Response:
    """The unified wallet (accountType UNIFIED; optionally some coins)."""
    auth = await bybit_signed(request)
    account_type = req(auth.params, "accountType")
    if account_type != "UNIFIED":
        raise bybit_params_error(f"accountType {account_type!r}: the simulator has UNIFIED only")
    coins = set(auth.params["coin"].split(",")) if auth.params.get("coin") else None
    return bybit_ok(request, request.app[ENGINE].bybit_wallet(auth.api_key, coins))


@routes.get("/v5/account/info")
async def account_info(request: web.Request) -> web.Response:
    """Margin mode and unified-account status."""
    auth = await bybit_signed(request)
    return bybit_ok(request, request.app[ENGINE].bybit_account_info(auth.api_key))


@routes.get("/v5/user/query-api")
async def query_api(request: web.Request) -> web.Response:
    """The API key's permissions (Wallet lists Withdraw only for withdrawal keys)."""
    auth = await bybit_signed(request)
    return bybit_ok(request, request.app[ENGINE].bybit_query_api(auth.api_key))


@routes.post("/v5/account/set-margin-mode")
async def set_margin_mode(request: web.Request) -> web.Response:
    """REGULAR_MARGIN (cross) or ISOLATED_MARGIN for the whole account."""
    auth = await bybit_signed(request)
    mode = req(auth.params, "setMarginMode")
    return bybit_ok(request, request.app[ENGINE].bybit_set_margin_mode(auth.api_key, mode))


@routes.get("/v5/position/list")
async def position_list(request: web.Request) -> web.Response:
    """Linear positions: one symbol's (flat included) or every open one of settleCoin USDT."""
    auth = await bybit_signed(request)
    params = auth.params
    category(params, _LINEAR)
    symbol = params.get("symbol") or None
    rows = request.app[ENGINE].bybit_positions(auth.api_key, symbol)
    if request.app[FAULTS].corrupts("positions"):
        rows = [row | {"size": "NaN"} for row in rows]
    elif request.app[FAULTS].stale_positions:
        rows = []
    result = {"category": "linear", "list": rows, "nextPageCursor": ""}
    return bybit_ok(request, result)


@routes.post("/v5/position/set-leverage")
async def set_leverage(request: web.Request) -> web.Response:
    """buyLeverage = sellLeverage (one-way mode); 110043 when unchanged."""
    auth = await bybit_signed(request)
    category(auth.params, _LINEAR)
    symbol = req(auth.params, "symbol")
    result = request.app[ENGINE].bybit_set_leverage(auth.api_key, symbol, auth.params)
    return bybit_ok(request, result)


@routes.post("/v5/position/switch-mode")
async def switch_mode(request: web.Request) -> web.Response:
    """Position mode: the simulator's Bybit is one-way (mode 0, 110025 "not modified")."""
    auth = await bybit_signed(request)
    category(auth.params, _LINEAR)
    mode = req(auth.params, "mode")
    return bybit_ok(request, request.app[ENGINE].bybit_switch_mode(auth.api_key, mode))


@routes.post("/v5/position/add-margin")
async def add_margin(request: web.Request) -> web.Response:
    """Add (margin > 0) or reduce (margin < 0) an isolated position's margin, USDT."""
    auth = await bybit_signed(request)
    category(auth.params, _LINEAR)
    symbol, margin = req(auth.params, "symbol"), req_decimal(auth.params, "margin")
    return bybit_ok(request, request.app[ENGINE].bybit_add_margin(auth.api_key, symbol, margin))
