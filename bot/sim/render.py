"""Plumbing shared by the route modules: app keys, request parsing, Binance JSON rendering.

The engine returns Binance-shaped dicts already (string-encoded numbers, enum strings); this
module turns them into HTTP responses, turns `SimError` into Binance's `{"code","msg"}` errors,
and parses request parameters with Binance's own error codes for missing or malformed values.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from bot.sim.auth import SignedRequest, parse_params, verify_signed
from bot.sim.clock import ClientOffsets, wall_clock_ms
from bot.sim.engine import SimExchange
from bot.sim.errors import SimError
from bot.sim.faults import Faults
from bot.sim.order_ops import HistoryWindow

__all__ = [
    "CLOCKS",
    "ENGINE",
    "FAULTS",
    "MUTATING_METHODS",
    "STATS",
    "RequestStats",
    "binance_error",
    "futures_market",
    "history",
    "json_ok",
    "opt_bool",
    "opt_decimal",
    "opt_int",
    "opt_str",
    "order_ref",
    "public_params",
    "req_decimal",
    "req_enum",
    "req_str",
    "signed",
    "time_for_client",
]


MUTATING_METHODS = frozenset({"POST", "PUT", "DELETE"})


class RequestStats:
    """Binance-route request counts per account (its API key, "public" without one,
    "unknown-key") and per "METHOD /path". A request is mutating when its method is POST, PUT
    or DELETE: every Binance endpoint that changes state (orders, cancels, leverage, margin
    type, position margin, transfers, position mode) uses one of those, and no read does."""

    def __init__(self) -> None:
        self._counts: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def count(self, account: str, method: str, path: str) -> None:
        """Record one request."""
        self._counts[account][f"{method} {path}"] += 1

    def snapshot(self) -> dict[str, dict[str, int]]:
        """JSON-able copy: {account: {"GET /fapi/v3/positionRisk": n, ...}}."""
        return {account: dict(counts) for account, counts in self._counts.items()}

    def summary(self) -> dict[str, Any]:
        """GET /sim/requests: per account the read and mutating totals and endpoints."""
        accounts = {}
        for account, counts in self._counts.items():
            split: dict[bool, dict[str, int]] = {False: {}, True: {}}
            for endpoint, n in sorted(counts.items()):
                split[endpoint.split(" ", 1)[0] in MUTATING_METHODS][endpoint] = n
            accounts[account] = {
                "reads": sum(split[False].values()),
                "mutating": sum(split[True].values()),
                "read_endpoints": split[False],
                "mutating_endpoints": split[True],
            }
        return {"accounts": accounts}


ENGINE = web.AppKey("engine", SimExchange)
FAULTS = web.AppKey("faults", Faults)
STATS = web.AppKey("stats", RequestStats)
CLOCKS = web.AppKey("clocks", ClientOffsets)


def futures_market(request: web.Request) -> str:
    """The futures dialect of a request: "coinm" on /dapi paths, "usdm" on /fapi paths."""
    return "coinm" if request.path.startswith("/dapi/") else "usdm"


def time_for_client(request: web.Request) -> int:
    """The simulated clock as GET /time serves it; remembers the offset the client now has."""
    now = request.app[ENGINE].now_ms()
    request.app[CLOCKS].served(now - wall_clock_ms())
    return now


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _dumps(data: object) -> str:
    return json.dumps(data, default=_default, separators=(",", ":"))


def json_ok(data: object, status: int = 200) -> web.Response:
    """A JSON response; Decimals (should the engine hand one over) become plain strings."""
    return web.json_response(data, status=status, dumps=_dumps)


def binance_error(error: SimError, headers: dict[str, str] | None = None) -> web.Response:
    """Binance's error body `{"code": -2019, "msg": "..."}` with the error's HTTP status."""
    body = {"code": error.code, "msg": error.msg}
    return web.json_response(body, status=error.http_status, headers=headers, dumps=_dumps)


async def signed(request: web.Request) -> SignedRequest:
    """Authenticate a SIGNED endpoint request; raise SimError (-2014/-2015/-1022/-1021).
    The timestamp is checked against the clock of every client offset (see `bot.sim.clock`)."""
    body = await request.text() if request.body_exists else ""
    return verify_signed(
        api_key=request.headers.get("X-MBX-APIKEY"),
        raw_query=request.rel_url.raw_query_string,
        raw_body=body,
        secret_for=request.app[ENGINE].secret_for,
        wall_ms=wall_clock_ms(),
        offsets_ms=request.app[CLOCKS].offsets(),
    )


def public_params(request: web.Request) -> dict[str, str]:
    """Parameters of a public (unsigned) endpoint, from the query string."""
    return parse_params(request.rel_url.raw_query_string)


def _missing(name: str) -> SimError:
    return SimError(
        -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def _illegal(name: str, value: str) -> SimError:
    return SimError(-1100, f"Illegal characters found in parameter '{name}'; got '{value}'.")


def req_str(params: dict[str, str], name: str) -> str:
    """A mandatory parameter (-1102 when absent or empty)."""
    value = params.get(name, "")
    if value == "":
        raise _missing(name)
    return value


def opt_str(params: dict[str, str], name: str) -> str | None:
    """An optional parameter; empty counts as absent."""
    return params.get(name) or None


def opt_int(params: dict[str, str], name: str) -> int | None:
    """An optional integer parameter (-1100 when not an integer)."""
    raw = opt_str(params, name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise _illegal(name, raw) from None


def opt_decimal(params: dict[str, str], name: str) -> Decimal | None:
    """An optional decimal parameter (-1100 when not a finite number)."""
    raw = opt_str(params, name)
    if raw is None:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _illegal(name, raw) from None
    if not value.is_finite():
        raise _illegal(name, raw)
    return value


def req_decimal(params: dict[str, str], name: str) -> Decimal:
    """A mandatory decimal parameter."""
    value = opt_decimal(params, name)
    if value is None:
        raise _missing(name)
    return value


def req_enum(params: dict[str, str], name: str, allowed: tuple[str, ...], error: SimError) -> str:
    """A mandatory parameter from a fixed set (case-insensitive); `error` when not in it."""
    value = req_str(params, name).upper()
    if value not in allowed:
        raise error
    return value


def order_ref(params: dict[str, str]) -> tuple[int | None, str | None]:
    """(orderId, origClientOrderId) identifying one order; -1102 when neither is sent."""
    order_id = opt_int(params, "orderId")
    client_id = opt_str(params, "origClientOrderId")
    if order_id is None and client_id is None:
        raise SimError(
            -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"
        )
    return order_id, client_id


def opt_bool(params: dict[str, str], name: str) -> bool:
    """A "true"/"false" flag; absent means false (-1130 for anything else)."""
    raw = (opt_str(params, name) or "false").lower()
    if raw not in ("true", "false"):
        raise SimError(-1130, f"Data sent for parameter '{name}' is not valid.")
    return raw == "true"


def history(
    request: web.Request,
    market: str,
    api_key: str,
    params: dict[str, str],
    method: str,
    id_param: str,
) -> list[dict[str, Any]]:
    """Order or fill history of one symbol (`method` "all_orders" | "my_trades"), with
    Binance's startTime / endTime / fromId|orderId / limit (max 1000) parameters."""
    window = HistoryWindow(
        start_ms=opt_int(params, "startTime"),
        end_ms=opt_int(params, "endTime"),
        from_id=opt_int(params, id_param),
        limit=min(opt_int(params, "limit") or 500, 1000),
    )
    call = getattr(request.app[ENGINE], method)
    rows: list[dict[str, Any]] = call(api_key, market, req_str(params, "symbol"), window)
    return rows
