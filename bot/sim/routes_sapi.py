"""Binance /sapi routes the simulator serves: universal transfers between spot and the
USDⓈ-M / COIN-M wallets, and what a key may do."""

from __future__ import annotations

from aiohttp import web

from bot.sim.errors import SimError
from bot.sim.render import ENGINE, json_ok, req_decimal, req_str, signed
from bot.sim.transfers import TRANSFER_TYPES

__all__ = ["routes"]

routes = web.RouteTableDef()
_TRANSFER_TYPES = tuple(TRANSFER_TYPES)


@routes.post("/sapi/v1/asset/transfer")
async def transfer(request: web.Request) -> web.Response:
    """Universal transfer between the spot wallet (MAIN) and USDⓈ-M (UMFUTURE) or COIN-M
    (CMFUTURE)."""
    auth = await signed(request)
    kind = req_str(auth.params, "type").upper()
    if kind not in _TRANSFER_TYPES:
        raise SimError(
            -1130,
            f"Data sent for parameter 'type' is not valid: {kind} "
            f"(simulated: {', '.join(_TRANSFER_TYPES)})",
        )
    amount = req_decimal(auth.params, "amount")
    if amount <= 0:
        raise SimError(-1130, "Data sent for parameter 'amount' is not valid.")
    asset = req_str(auth.params, "asset").upper()
    return json_ok(request.app[ENGINE].transfer(auth.api_key, kind, asset, amount))


@routes.get("/sapi/v1/account/apiRestrictions")
async def api_restrictions(request: web.Request) -> web.Response:
    """The key's permissions (enableWithdrawals true only for `"can_withdraw": true`)."""
    auth = await signed(request)
    return json_ok(request.app[ENGINE].api_restrictions(auth.api_key))
