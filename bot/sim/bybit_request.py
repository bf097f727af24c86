"""Reading a Bybit v5 request on the wire: its public parameters, or its authentication."""

from __future__ import annotations

from aiohttp import web

from bot.sim.auth import parse_params
from bot.sim.bybit_auth import BybitSigned, verify_bybit
from bot.sim.clock import wall_clock_ms
from bot.sim.render import CLOCKS, ENGINE

__all__ = ["bybit_signed", "public"]


async def bybit_signed(request: web.Request) -> BybitSigned:
    """Authenticate a private Bybit request (see `bybit_auth.verify_bybit`); only Bybit
    accounts' keys are known here (a Binance key is 10003)."""
    body = await request.text() if request.body_exists else ""
    return verify_bybit(
        headers=request.headers,
        method=request.method,
        raw_query=request.rel_url.raw_query_string,
        raw_body=body,
        secret_for=request.app[ENGINE].bybit_secret_for,
        wall_ms=wall_clock_ms(),
        offsets_ms=request.app[CLOCKS].offsets(),
    )


def public(request: web.Request) -> dict[str, str]:
    """Parameters of a public endpoint (the query string)."""
    return parse_params(request.rel_url.raw_query_string)
