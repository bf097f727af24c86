"""Bybit v5 response envelopes: `{"retCode", "retMsg", "result", "retExtInfo", "time"}`.

Every Bybit reply, success or failure, has this shape; `time` is the simulated clock in epoch
ms. Numbers inside `result` are strings, as Bybit sends them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.sim.bybit_errors import BybitCode, to_bybit
from bot.sim.errors import SimError
from bot.sim.render import ENGINE, json_ok

__all__ = [
    "BYBIT_PREFIX",
    "bybit_error",
    "bybit_ok",
    "bybit_rate_limited",
    "bybit_unavailable",
    "is_bybit",
]

BYBIT_PREFIX = "/v5/"


def is_bybit(path: str) -> bool:
    """Whether `path` belongs to the Bybit v5 dialect."""
    return path.startswith(BYBIT_PREFIX)


def _envelope(code: int, msg: str, result: object, now_ms: int) -> dict[str, Any]:
    return {"retCode": code, "retMsg": msg, "result": result, "retExtInfo": {}, "time": now_ms}


def bybit_ok(request: web.Request, result: object) -> web.Response:
    """A successful Bybit reply carrying `result`."""
    return json_ok(_envelope(0, "OK", result, request.app[ENGINE].now_ms()))


def bybit_error(
    request: web.Request, error: SimError, headers: dict[str, str] | None = None
) -> web.Response:
    """`error` (Bybit's or the engine's, translated) as Bybit's envelope with `result: {}`."""
    bybit = to_bybit(error)
    body = _envelope(bybit.code, bybit.msg, {}, request.app[ENGINE].now_ms())
    response = json_ok(body, status=bybit.http_status)
    if headers:
        response.headers.update(headers)
    return response


def bybit_rate_limited(request: web.Request, retry_after_s: str) -> web.Response:
    """Bybit's per-key rate-limit reply: retCode 10006 (HTTP 200) with its limit headers."""
    response = bybit_error(request, SimError(BybitCode.RATE_LIMIT, "Too many visits!"))
    reset_ms = request.app[ENGINE].now_ms() + int(retry_after_s) * 1000
    response.headers.update(
        {"X-Bapi-Limit-Status": "0", "X-Bapi-Limit-Reset-Timestamp": str(reset_ms)}
    )
    return response


def bybit_unavailable() -> web.Response:
    """A failing path on Bybit: HTTP 503 without a JSON body (ccxt: ExchangeNotAvailable, a
    temporary error, like Binance's 503 / -1001 maps to OperationFailed)."""
    text = "System error. Please try again later. (simulated)"
    return web.Response(status=503, text=text, content_type="text/plain")
