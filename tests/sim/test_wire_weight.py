"""Request weight on the wire: X-MBX-USED-WEIGHT-1M on every Binance response, 429 with
Retry-After and -1003 over the budget, 418 for a client that keeps going, and the knobs
(POST/GET /sim/weight, `start(weight_limit=...)`, `hedgebot sim --weight-limit`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import ccxt.async_support as ccxt
import pytest

from bot.cli import main
from bot.sim.server import RunningSim, start
from tests.sim.wire import admin, ccxt_client

OPTIONS = {"warnOnFetchOpenOrdersWithoutSymbol": False}


@pytest.fixture
async def usdm(served: RunningSim) -> AsyncIterator[Any]:
    async with ccxt_client(served.url, "binanceusdm", options=OPTIONS) as exchange:
        yield exchange


def _used(exchange: Any) -> int:
    headers = {k.lower(): v for k, v in exchange.last_response_headers.items()}
    return int(headers["x-mbx-used-weight-1m"])


async def _raw(url: str, path: str) -> tuple[int, dict[str, str], Any]:
    async with aiohttp.ClientSession() as http, http.get(url + path) as resp:
        return resp.status, dict(resp.headers), await resp.json()


async def test_every_response_carries_the_keys_used_weight(usdm: Any) -> None:
    """Each response reports the key's weight so far: +5 for positionRisk, +40 for open
    orders without a symbol, +1 with one."""
    await usdm.fetch_positions()
    start_used = _used(usdm)
    await usdm.fetch_positions()
    assert _used(usdm) == start_used + 5
    await usdm.fetch_open_orders()
    assert _used(usdm) == start_used + 45
    await usdm.fetch_open_orders("BTC/USDT:USDT")
    assert _used(usdm) == start_used + 46


async def test_spot_responses_carry_both_spot_headers(served: RunningSim) -> None:
    """/api answers with X-MBX-USED-WEIGHT and X-MBX-USED-WEIGHT-1M (public: keyless budget)."""
    _, first, _ = await _raw(served.url, "/api/v3/ticker/bookTicker")
    _, second, _ = await _raw(served.url, "/api/v3/ticker/bookTicker")
    assert int(second["X-MBX-USED-WEIGHT-1M"]) == int(first["X-MBX-USED-WEIGHT-1M"]) + 4
    assert second["X-MBX-USED-WEIGHT"] == second["X-MBX-USED-WEIGHT-1M"]


async def test_over_the_limit_is_429_with_retry_after_and_1003(
    served: RunningSim, usdm: Any
) -> None:
    """With a 30-weight budget, open orders without a symbol (40) is refused: ccxt raises
    DDoSProtection; on the wire 429, Retry-After and {"code": -1003} naming the limit."""
    await admin(served.url, "/sim/weight", {"limit": 30, "reset": True})
    with pytest.raises(ccxt.DDoSProtection, match="-1003"):
        await usdm.fetch_open_orders()
    await admin(served.url, "/sim/weight", {"limit": 10})
    for _ in range(3):
        await _raw(served.url, "/fapi/v1/ticker/bookTicker")  # public budget: 5 each
    status, headers, body = await _raw(served.url, "/fapi/v1/ticker/bookTicker")
    assert status == 429 and int(headers["Retry-After"]) >= 1
    assert body["code"] == -1003 and "current limit is 10 request weight" in body["msg"]


async def test_a_client_ignoring_retry_after_is_banned_418(served: RunningSim) -> None:
    """Requests sent over budget before Retry-After passed end in 418 (a ban), shown by GET
    /sim/weight; POST /sim/weight {"reset": true} lifts it."""
    await admin(served.url, "/sim/weight", {"limit": 5, "reset": True})
    statuses = [(await _raw(served.url, "/fapi/v1/ticker/bookTicker"))[0] for _ in range(5)]
    assert statuses == [200, 429, 429, 429, 418]
    status, headers, body = await _raw(served.url, "/fapi/v1/ping")
    assert status == 418 and int(headers["Retry-After"]) == 120
    assert body["code"] == -1003 and "banned until" in body["msg"]
    report = await admin(served.url, "/sim/weight")
    assert report["banned"] == {"public": {"fapi": 120}}
    await admin(served.url, "/sim/weight", {"reset": True})
    assert (await _raw(served.url, "/fapi/v1/ping"))[0] == 200


async def test_get_weight_reports_limits_and_use_per_key(served: RunningSim, usdm: Any) -> None:
    """GET /sim/weight: the limits (default 0 = off), the window and each key's use."""
    await usdm.fetch_positions()  # ccxt's first one also loads the brackets (weight 1)
    await admin(served.url, "/sim/weight", {"reset": True})
    await usdm.fetch_positions()
    report = await admin(served.url, "/sim/weight")
    assert report["limits"] == {"api": 0, "fapi": 0, "dapi": 0} and report["window_s"] == 60
    assert report["used"]["sim-key"] == {"fapi": 5}
    limits = (await admin(served.url, "/sim/weight", {"limit": 2400}))["limits"]
    assert limits == {"api": 6000, "fapi": 2400, "dapi": 2400}


@pytest.mark.parametrize("body", [{"limit": -1}, {"limit": "2400"}, {"spot_limit": 1.5}])
async def test_bad_weight_settings_are_400_naming_the_field(
    served: RunningSim, body: dict[str, Any]
) -> None:
    """A negative, string or fractional limit is refused with a message naming the field."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(served.url + "/sim/weight", json=body) as resp,
    ):
        assert resp.status == 400
        assert next(iter(body)) in (await resp.json())["error"]


async def test_start_enforces_the_weight_limit_it_is_given() -> None:
    """start(weight_limit=2400) enforces Binance's budgets from the first request."""
    sim = await start(port=0, feed=False, weight_limit=2400)
    try:
        report = await admin(sim.url, "/sim/weight")
        assert report["limits"] == {"api": 6000, "fapi": 2400, "dapi": 2400}
    finally:
        await sim.stop()


def test_cli_refuses_a_negative_weight_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """`hedgebot sim --weight-limit -1` is a usage error naming the option."""
    with pytest.raises(SystemExit) as exit_info:
        main(["sim", "--weight-limit", "-1"])
    assert exit_info.value.code == 2
    assert "--weight-limit: must be >= 0 (0 = off), got -1" in capsys.readouterr().err
