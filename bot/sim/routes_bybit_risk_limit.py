"""GET /v5/market/risk-limit: Bybit's risk-limit tiers of a linear perpetual, which the
daemon's risk guard reads as its maintenance-margin brackets (ccxt
`fetch_market_leverage_tiers`). Rows come from `bybit_risk_limits`, the same tiers that
margin and liquidate Bybit accounts here. (Added by the daemon side, h25-bybit.)"""

from __future__ import annotations

from aiohttp import web

from bot.sim.bybit_params import category, req
from bot.sim.bybit_render import bybit_ok
from bot.sim.bybit_request import public
from bot.sim.bybit_risk_limits import bybit_tiers
from bot.sim.margin import Bracket

__all__ = ["routes"]

routes = web.RouteTableDef()


def _row(symbol: str, tier: Bracket) -> dict[str, object]:
    return {
        "id": tier.number,
        "symbol": symbol,
        "riskLimitValue": f"{tier.cap:f}",
        "maintenanceMargin": f"{tier.mmr:f}",
        "initialMargin": f"{1 / tier.initial_leverage:.4f}",
        "isLowestRisk": 1 if tier.number == 1 else 0,
        "maxLeverage": f"{tier.initial_leverage}.00",
        "mmDeduction": f"{tier.cum:f}",
    }


@routes.get("/v5/market/risk-limit")
async def risk_limit(request: web.Request) -> web.Response:
    """The tiers of `symbol` (linear), lowest risk first."""
    params = public(request)
    cat = category(params, ("linear",))
    symbol = req(params, "symbol")
    rows = [_row(symbol, tier) for tier in bybit_tiers(symbol)]
    return bybit_ok(request, {"category": cat, "list": rows, "nextPageCursor": ""})
