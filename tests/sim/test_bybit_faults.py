"""The simulator's faults apply to the Bybit v5 routes as real ccxt bybit experiences them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import ccxt.async_support as ccxt_async
import pytest

from bot.sim.server import RunningSim
from tests.sim.bybit_wire import bybit_account
from tests.sim.wire import admin

PERP = "BTC/USDT:USDT"


@pytest.fixture
async def bybit(served: RunningSim) -> AsyncIterator[Any]:
    async with bybit_account(served.url, "bf", {"USDT": 20000}) as exchange:
        exchange.timeout = 800
        yield exchange


async def _faults(served: RunningSim, **config: Any) -> None:
    await admin(served.url, "/sim/faults", {"seed": 1, **config})


async def test_rate_limit_is_10006(served: RunningSim, bybit: Any) -> None:
    """rate_limit_prob=1: Bybit's retCode 10006 → ccxt RateLimitExceeded; counted."""
    await _faults(served, rate_limit_prob=1)
    with pytest.raises(ccxt_async.RateLimitExceeded, match="10006"):
        await bybit.fetch_balance()
    state = await admin(served.url, "/sim/state")
    assert state["faults"]["counters"]["rate_limited"] >= 1


async def test_5xx_and_fail_paths_are_exchange_not_available(
    served: RunningSim, bybit: Any
) -> None:
    """error_5xx_prob=1 and a failing /v5 path answer 503 → ccxt ExchangeNotAvailable."""
    await _faults(served, error_5xx_prob=1)
    with pytest.raises(ccxt_async.ExchangeNotAvailable):
        await bybit.fetch_ticker(PERP)
    await _faults(served, fail_paths=["/v5/position/list"])
    with pytest.raises(ccxt_async.ExchangeNotAvailable):
        await bybit.fetch_positions([PERP])
    assert (await bybit.fetch_ticker(PERP))["last"] == 60000  # other paths still answer


async def test_lost_create_response_is_booked_and_found_by_order_link_id(
    served: RunningSim, bybit: Any
) -> None:
    """timeout_after_accept: the client times out, yet the order exists under its orderLinkId."""
    await _faults(served, timeout_after_accept_prob=1)
    with pytest.raises(ccxt_async.RequestTimeout):
        await bybit.create_order(PERP, "market", "sell", 0.01, None, {"clientOrderId": "lost-1"})
    await _faults(served)
    reply = await bybit.privateGetV5OrderRealtime({"category": "linear", "orderLinkId": "lost-1"})
    assert reply["result"]["list"][0]["orderStatus"] == "Filled"
    [position] = await bybit.fetch_positions([PERP])
    assert position["contracts"] == 0.01


async def test_stale_and_corrupt_positions(served: RunningSim, bybit: Any) -> None:
    """stale_positions hides the position; corrupt=positions makes its size unreadable."""
    await bybit.create_order(PERP, "market", "sell", 0.01, None)
    await _faults(served, stale_positions=True)
    assert (await bybit.privateGetV5PositionList({"category": "linear", "settleCoin": "USDT"}))[
        "result"
    ]["list"] == []
    await _faults(served, corrupt="positions")
    reply = await bybit.privateGetV5PositionList({"category": "linear", "symbol": "BTCUSDT"})
    assert reply["result"]["list"][0]["size"] == "NaN"


async def test_requests_are_counted_per_bybit_key(served: RunningSim, bybit: Any) -> None:
    """/sim/requests counts a Bybit key's reads and orders under the key."""
    await bybit.create_order(PERP, "market", "sell", 0.01, None)
    counted = (await admin(served.url, "/sim/requests"))["accounts"]["bf"]
    assert counted["mutating_endpoints"]["POST /v5/order/create"] == 1
    assert counted["reads"] >= 1
