"""Fixtures for the gateway-against-the-simulator tests (helpers in `simulated.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.exchange.ccxt_gateway import CcxtExchange

from .simulated import Sim, gateway


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    """A still simulator (prices move only through the admin API) on a free port."""
    from bot.sim.server import start

    running = await start("127.0.0.1", 0, feed=False)
    async with aiohttp.ClientSession() as http:
        yield Sim(running, http)
    await running.stop()


@pytest.fixture
async def api_key(sim: Sim) -> str:
    """A funded one-way account's API key."""
    return await sim.account()


@pytest.fixture
async def gw(sim: Sim, api_key: str) -> AsyncIterator[CcxtExchange]:
    """The gateway of that account."""
    exchange = gateway(sim, api_key)
    yield exchange
    await exchange.close()
