"""One simulated clock on the wire: server time, every stamp, POST /sim/time and recvWindow,
through real ccxt."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import ccxt.async_support as ccxt
import pytest

from bot.sim.server import RunningSim, start
from tests.sim.wire import ccxt_client

BTC = "BTC/USDT:USDT"
HOUR = 3_600_000


def _wall() -> int:
    return time.time_ns() // 1_000_000


async def _call(served: RunningSim, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, served.url + path, json=body) as resp,
    ):
        return resp.status, await resp.json()


async def _advance(served: RunningSim, ms: int) -> int:
    status, data = await _call(served, "POST", "/sim/time", {"advance_ms": ms})
    assert status == 200, data
    return int(data["now_ms"])


async def test_server_time_is_the_simulated_clock(served: RunningSim) -> None:
    """After POST /sim/time an hour ahead, both /time endpoints answer the simulated clock."""
    now = await _advance(served, HOUR)
    assert abs(now - _wall() - HOUR) < 1_000
    async with (
        ccxt_client(served.url, "binance") as spot,
        ccxt_client(served.url, "binanceusdm") as usdm,
    ):
        for exchange in (spot, usdm):
            assert abs(await exchange.fetch_time() - served.engine.now_ms()) < 1_000


async def test_stamps_agree_with_server_time_while_prices_move() -> None:
    """With the price feed stepping 50 times a second, orders, fills, positions, income,
    quotes and /sim/state carry the server's clock, which is the wall clock at the default
    time scale: no stamp "from the future" (issue: 118 s ahead two seconds after start)."""
    sim = await start(port=0, speed=50, seed=1)
    try:
        await asyncio.sleep(0.5)
        async with ccxt_client(sim.url, "binanceusdm") as usdm:
            order = await usdm.create_order(BTC, "market", "sell", 0.01)
            [fill] = await usdm.fetch_my_trades(BTC)
            [position] = await usdm.fetch_positions([BTC])
            commission = await usdm.fapiPrivateGetIncome({"incomeType": "COMMISSION"})
            book = await usdm.fapiPublicGetTickerBookTicker({"symbol": "BTCUSDT"})
            premium = await usdm.fapiPublicGetPremiumIndex({"symbol": "BTCUSDT"})
            server = await usdm.fetch_time()
        _, state = await _call(sim, "GET", "/sim/state")
    finally:
        await sim.stop()
    stamps = [
        order["timestamp"],
        fill["timestamp"],
        position["timestamp"],
        int(commission[0]["time"]),
        int(book["time"]),
        int(premium["time"]),
        state["time"],
        state["accounts"]["sim-key"]["fills"][0]["time"],
    ]
    assert abs(server - _wall()) < 1_000
    assert all(server - 5_000 < s <= server + 1_000 for s in stamps), (server, stamps)


async def test_advancing_time_settles_funding_at_each_boundary(served: RunningSim) -> None:
    """POST /sim/time across two 8-hourly boundaries pays the short's funding twice."""
    async with ccxt_client(served.url, "binanceusdm") as usdm:
        await usdm.create_order(BTC, "market", "sell", 0.01)
        await _advance(served, 16 * HOUR)
        history = await usdm.fetch_funding_history(BTC)
    assert len(history) == 2
    assert all(h["timestamp"] % (8 * HOUR) == 0 for h in history)


async def test_plain_and_synced_clients_both_pass_recv_window(served: RunningSim) -> None:
    """With simulated time an hour ahead, a client on its own clock and a client that synced
    through /time (adjustForTimeDifference) both sign requests the venue accepts."""
    await _advance(served, HOUR)
    async with ccxt_client(served.url, "binanceusdm") as plain:
        assert (await plain.fetch_balance())["USDT"]["total"] == 100_000
    options = {"adjustForTimeDifference": True}
    async with ccxt_client(served.url, "binanceusdm", options=options) as synced:
        assert abs(synced.options["timeDifference"] + HOUR) < 1_000
        assert (await synced.fetch_balance())["USDT"]["total"] == 100_000


async def test_a_client_off_its_synced_offset_gets_1021(served: RunningSim) -> None:
    """A synced client whose clock then runs 30 s off is outside recvWindow: InvalidNonce."""
    await _advance(served, HOUR)
    options = {"adjustForTimeDifference": True}
    async with ccxt_client(served.url, "binanceusdm", options=options) as synced:
        synced.options["timeDifference"] -= 30_000
        with pytest.raises(ccxt.InvalidNonce, match="-1021"):
            await synced.fetch_balance()


async def test_a_synced_client_keeps_passing_while_time_runs_fast() -> None:
    """At time scale 600 the venue clock races ahead of the wall, and a client synced once at
    the start still passes recvWindow seconds later (its offset is the one it was given)."""
    sim = await start(port=0, feed=False, time_scale=600)
    try:
        options = {"adjustForTimeDifference": True}
        async with ccxt_client(sim.url, "binanceusdm", options=options) as synced:
            await asyncio.sleep(0.5)
            assert sim.engine.now_ms() - _wall() > 200_000
            assert (await synced.fetch_balance())["USDT"]["total"] == 100_000
    finally:
        await sim.stop()


async def test_get_sim_time_shows_the_clock(served: RunningSim) -> None:
    """GET /sim/time: simulated now, the wall clock, their offset and the time scale."""
    await _advance(served, 5_000)
    status, data = await _call(served, "GET", "/sim/time")
    assert status == 200 and data["time_scale"] == 1
    assert data["offset_ms"] == data["now_ms"] - data["wall_ms"]
    assert 4_000 < data["offset_ms"] < 6_000


@pytest.mark.parametrize(
    "body", [{"advance_ms": -1}, {"advance_ms": "5"}, {"advance_ms": 1.5}, {}, {"ms": 5}]
)
async def test_bad_time_body_is_400_naming_advance_ms(served: RunningSim, body: Any) -> None:
    """POST /sim/time refuses anything but a positive integer advance_ms, naming the field."""
    before = served.engine.now_ms()
    status, data = await _call(served, "POST", "/sim/time", body)
    assert status == 400 and "advance_ms" in data["error"]
    assert served.engine.now_ms() - before < 1_000
