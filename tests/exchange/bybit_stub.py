"""A tiny Bybit v5 venue on 127.0.0.1 for gateway tests of the daemon's Bybit side: real
`ccxt.async_support.bybit`, real HTTP, canned replies in Bybit's recorded shapes (one spot
and one linear BTCUSDT listing). Each test sets the replies it needs in `replies` (path →
JSON body, or a callable of the request's parameters returning one); every request is
recorded in `calls` as (path, parameters). The simulator's own Bybit routes replace this for
the end-to-end tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.exchange.bybit_gateway import BybitExchange
from bot.exchange.factory import build_exchange

Reply = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]

_LINEAR = {
    "symbol": "BTCUSDT", "contractType": "LinearPerpetual", "status": "Trading",
    "baseCoin": "BTC", "quoteCoin": "USDT", "settleCoin": "USDT", "launchTime": "1585526400000",
    "deliveryTime": "0", "priceScale": "2", "fundingInterval": 480,
    "leverageFilter": {"minLeverage": "1", "maxLeverage": "100.00", "leverageStep": "0.01"},
    "priceFilter": {"minPrice": "0.10", "maxPrice": "199999.80", "tickSize": "0.10"},
    "lotSizeFilter": {"maxOrderQty": "100.000", "minOrderQty": "0.001", "qtyStep": "0.001",
                      "postOnlyMaxOrderQty": "1000.000", "minNotionalValue": "5"},
}  # fmt: skip
_SPOT = {
    "symbol": "BTCUSDT", "baseCoin": "BTC", "quoteCoin": "USDT", "innovation": "0",
    "status": "Trading", "marginTrading": "both",
    "lotSizeFilter": {"basePrecision": "0.000001", "quotePrecision": "0.00000001",
                      "minOrderQty": "0.000048", "maxOrderQty": "71.7", "minOrderAmt": "1",
                      "maxOrderAmt": "2000000"},
    "priceFilter": {"tickSize": "0.01"},
}  # fmt: skip


def ok(result: Any) -> dict[str, Any]:
    """Bybit's success envelope around `result`."""
    return {"retCode": 0, "retMsg": "OK", "result": result, "retExtInfo": {}, "time": 1700000000000}


def refused(code: int, message: str) -> dict[str, Any]:
    """Bybit's error envelope (HTTP 200, a non-zero retCode)."""
    return {"retCode": code, "retMsg": message, "result": {}, "retExtInfo": {}, "time": 1}


def _instruments(params: dict[str, Any]) -> dict[str, Any]:
    listed = {"spot": [_SPOT], "linear": [_LINEAR]}.get(params.get("category", ""), [])
    return ok({"category": params.get("category"), "list": listed, "nextPageCursor": ""})


def position_row(size: str, side: str, **extra: str) -> dict[str, Any]:
    """A `/v5/position/list` row for BTCUSDT in Bybit's recorded shape."""
    row = {
        "symbol": "BTCUSDT", "leverage": "3", "avgPrice": "60000", "liqPrice": "79000",
        "positionValue": "60000", "unrealisedPnl": "0", "markPrice": "60000",
        "positionIM": "20000", "positionMM": "300", "positionBalance": "20000",
        "positionIdx": "0", "side": side, "size": size, "createdTime": "1700000000000",
        "updatedTime": "1700000000000", "tradeMode": "0", "positionStatus": "Normal",
    }  # fmt: skip
    return {**row, **extra}


def order_row(status: str, *, reject: str = "EC_NoError", filled: str = "0") -> dict[str, Any]:
    """A `/v5/order/realtime` row: our post-only sell of 1 BTCUSDT at 60000."""
    return {
        "symbol": "BTCUSDT", "orderId": "oid-1", "orderLinkId": "hb000000000a-BTC",
        "side": "Sell", "orderType": "Limit", "price": "60000", "qty": "1",
        "cumExecQty": filled, "leavesQty": "1", "orderStatus": status, "rejectReason": reject,
        "timeInForce": "PostOnly", "reduceOnly": False, "positionIdx": 0,
        "createdTime": "1700000000000", "updatedTime": "1700000000001", "avgPrice": "",
        "cumExecValue": "0", "cumExecFee": "0", "cancelType": "UNKNOWN",
    }  # fmt: skip


@dataclass
class BybitStub:
    url: str = ""
    replies: dict[str, Reply] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def paths(self) -> list[str]:
        """The paths requested, in order."""
        return [path for path, _ in self.calls]

    async def handle(self, request: web.Request) -> web.Response:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            params.update(json.loads(await request.text() or "{}"))
        self.calls.append((request.path, params))
        reply = self.replies.get(request.path)
        if reply is None:
            return web.json_response(refused(10001, f"stub: no reply for {request.path}"))
        body = reply(params) if callable(reply) else reply
        return web.json_response(body)


@asynccontextmanager
async def bybit_stub() -> AsyncIterator[BybitStub]:
    """A running stub with the public listing replies set."""
    stub = BybitStub()
    stub.replies["/v5/market/time"] = ok({"timeSecond": "1700000000", "timeNano": "1"})
    stub.replies["/v5/market/instruments-info"] = _instruments
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", stub.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    stub.url = f"http://127.0.0.1:{port}"
    try:
        yield stub
    finally:
        await runner.cleanup()


def stub_gateway(stub: BybitStub) -> BybitExchange:
    """The daemon's gateway for a `bybit` account in mode sim pointed at the stub."""
    gateway = build_exchange("main", exchange_id="bybit", mode="sim", sim_url=stub.url,
                             api_key="k", secret="s")  # fmt: skip
    assert isinstance(gateway, BybitExchange)
    return gateway
