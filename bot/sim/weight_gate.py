"""The request-weight gate in front of the simulator's Binance routes.

Every /api, /sapi, /fapi and /dapi response carries the key's used weight of its family in
`X-MBX-USED-WEIGHT-1M` (spot also in `X-MBX-USED-WEIGHT`, as Binance sends both); a request
over the budget is answered 429, a banned client 418, both with `Retry-After` (seconds) and
Binance's `{"code": -1003, "msg": ...}` (`weight_ledger`). The budget is per API key (the
`X-MBX-APIKEY` header; requests without one share the "public" budget, as one IP would).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.sim.auth import parse_params
from bot.sim.clock import wall_clock_ms
from bot.sim.errors import SimError
from bot.sim.render import binance_error
from bot.sim.weight_ledger import Verdict, WeightLedger
from bot.sim.weights import family_of, weight_of

__all__ = ["WEIGHTS", "weigh", "weight_report"]

WEIGHTS = web.AppKey("weights", WeightLedger)
PUBLIC = "public"


def _refusal(verdict: Verdict, limit: int) -> SimError:
    if verdict.status == 418:
        until = wall_clock_ms() + verdict.retry_after_s * 1000
        msg = (
            f"Way too much request weight used; IP banned until {until}. "
            "Please use WebSocket Streams for live updates to avoid bans."
        )
        return SimError(-1003, msg, 418)
    msg = (
        f"Too much request weight used; current limit is {limit} request weight per 1 MINUTE. "
        "Please use WebSocket Streams for live updates to avoid polling the API."
    )
    return SimError(-1003, msg, 429)


@web.middleware
async def weigh(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count the request's weight against its key; refuse it over budget; stamp the header."""
    family = family_of(request.path)
    if family is None:
        return await handler(request)
    ledger = request.app[WEIGHTS]
    params = parse_params(request.rel_url.raw_query_string)
    key = request.headers.get("X-MBX-APIKEY") or PUBLIC
    verdict = ledger.admit(key, family, weight_of(request.method, request.path, params))
    if verdict.status == 200:
        response = await handler(request)
    else:
        error = _refusal(verdict, ledger.limits[family])
        response = binance_error(error, headers={"Retry-After": str(verdict.retry_after_s)})
    response.headers["X-MBX-USED-WEIGHT-1M"] = str(verdict.used)
    if family == "api":
        response.headers["X-MBX-USED-WEIGHT"] = str(verdict.used)
    return response


def weight_report(ledger: WeightLedger) -> dict[str, Any]:
    """GET /sim/weight: the limits, the window, each key's used weight and current bans."""
    return {
        "limits": dict(ledger.limits),
        "window_s": 60,
        "used": ledger.used(),
        "banned": ledger.banned(),
    }
