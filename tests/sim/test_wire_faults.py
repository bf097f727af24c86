"""Fault injection as real ccxt experiences it; faults never touch the admin API."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from ccxt.base import errors as ccxt_errors

from bot.exchange.sim_client import make_sim_exchange
from bot.sim.server import RunningSim, start

BTC = "BTC/USDT:USDT"


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    running = await start(port=0, feed=False)
    yield running
    await running.stop()


@pytest.fixture
async def usdm(sim: RunningSim) -> AsyncIterator[Any]:
    exchange = make_sim_exchange("binanceusdm", sim.url, timeout_ms=800)
    await exchange.load_markets()
    yield exchange
    await exchange.close()


async def _admin(sim: RunningSim, method: str, path: str, body: Any = None) -> Any:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, sim.url + path, json=body) as resp,
    ):
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def _faults(sim: RunningSim, **config: Any) -> None:
    await _admin(sim, "POST", "/sim/faults", {"seed": 1, **config})


async def test_rate_limit_is_429_with_retry_after(sim: RunningSim, usdm: Any) -> None:
    """rate_limit_prob=1: HTTP 429 -1003 with Retry-After → ccxt DDoSProtection; counted."""
    await _faults(sim, rate_limit_prob=1)
    with pytest.raises(ccxt_errors.DDoSProtection):
        await usdm.fetch_balance()
    async with aiohttp.ClientSession() as http, http.get(sim.url + "/fapi/v1/time") as resp:
        assert resp.status == 429 and resp.headers["Retry-After"].isdigit()
        assert (await resp.json())["code"] == -1003
    state = await _admin(sim, "GET", "/sim/state")
    assert state["faults"]["counters"]["rate_limited"] == 2


async def test_5xx_is_exchange_not_available(sim: RunningSim, usdm: Any) -> None:
    """error_5xx_prob=1: a non-JSON 503 → ccxt ExchangeNotAvailable; counted."""
    await _faults(sim, error_5xx_prob=1)
    with pytest.raises(ccxt_errors.ExchangeNotAvailable):
        await usdm.fetch_ticker(BTC)
    state = await _admin(sim, "GET", "/sim/state")
    assert state["faults"]["counters"]["errors_5xx"] == 1


async def test_timeout_after_accept_books_the_order(sim: RunningSim, usdm: Any) -> None:
    """The order is booked but its response never comes: RequestTimeout, yet it exists."""
    await _faults(sim, timeout_after_accept_prob=1)
    ask = (await usdm.fetch_order_book(BTC, 5))["asks"][0][0]
    with pytest.raises(ccxt_errors.RequestTimeout):
        await usdm.create_order(
            BTC, "limit", "sell", 0.01, ask, {"postOnly": True, "clientOrderId": "ambiguous-1"}
        )
    await _faults(sim)  # clear, as a recovering client would find the venue
    found = await usdm.fetch_order(None, BTC, {"origClientOrderId": "ambiguous-1"})
    assert found["status"] == "open" and found["clientOrderId"] == "ambiguous-1"
    state = await _admin(sim, "GET", "/sim/state")
    assert state["faults"]["counters"]["timeouts_after_accept"] == 1


async def test_stale_positions_hide_an_open_position(sim: RunningSim, usdm: Any) -> None:
    """stale_positions: positionRisk and account positions[] are empty while /sim/state has it."""
    await usdm.create_order(BTC, "market", "sell", 0.01)
    await _faults(sim, stale_positions=True)
    assert await usdm.fetch_positions() == []
    assert await usdm.fetch_positions(None, {"method": "account"}) == []
    assert (await usdm.fapiPrivateV2GetPositionRisk()) == []
    state = await _admin(sim, "GET", "/sim/state")
    [position] = state["accounts"]["sim-key"]["positions"]
    assert position["symbol"] == "BTCUSDT" and position["amount"] == "-0.01"
    await _faults(sim)
    assert len(await usdm.fetch_positions()) == 1


async def test_latency_delays_venue_routes_only(sim: RunningSim, usdm: Any) -> None:
    """latency_ms slows Binance routes; the admin API stays fast."""
    await _faults(sim, latency_ms=300)
    began = time.monotonic()
    await usdm.fetch_time()
    assert time.monotonic() - began >= 0.3
    began = time.monotonic()
    await _admin(sim, "GET", "/sim/state")
    assert time.monotonic() - began < 0.3


async def test_faults_never_apply_to_admin_routes(sim: RunningSim) -> None:
    """With every fault at 100 %, /sim/* still answers normally."""
    await _faults(sim, rate_limit_prob=1, error_5xx_prob=1)
    state = await _admin(sim, "GET", "/sim/state")
    assert state["faults"]["config"]["rate_limit_prob"] == 1
    await _admin(sim, "POST", "/sim/price", {"symbol": "BTCUSDT", "price": "66000"})


async def test_empty_config_clears_faults(sim: RunningSim, usdm: Any) -> None:
    """POST /sim/faults {} replaces the config with no faults at all."""
    await _faults(sim, rate_limit_prob=1)
    await _admin(sim, "POST", "/sim/faults", {})
    assert (await usdm.fetch_balance())["USDT"]["total"] == 100_000


async def test_request_counts_per_account_and_endpoint(sim: RunningSim, usdm: Any) -> None:
    """/sim/state counts requests per API key and "METHOD /path"."""
    await usdm.fetch_balance()
    await usdm.fetch_balance()
    state = await _admin(sim, "GET", "/sim/state")
    assert state["requests"]["sim-key"]["GET /fapi/v3/account"] == 2
    assert state["requests"]["public"]["GET /fapi/v1/exchangeInfo"] == 1
