"""Fixtures for the simulator tests: a venue on a fixed, controllable clock (`sim`) and a
served simulator for the wire tests (`served`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from bot.sim.engine import SimExchange
from bot.sim.server import RunningSim, start

# 2024-01-01T01:00:00Z: one hour after a funding boundary, so 7 h of sim time reach the next.
T0 = 1_704_070_800_000
KEY = "sim-key"


@pytest.fixture
def sim() -> SimExchange:
    """A default-account venue with BTC at 65,000 on both markets and a frozen base clock."""
    engine = SimExchange.with_default_account(seed=7, now_ms=lambda: T0)
    engine.set_price("BTCUSDT", Decimal(65000))
    return engine


@pytest.fixture
async def served() -> AsyncIterator[RunningSim]:
    """A simulator serving on a free port, prices still until moved (feed=False)."""
    running = await start(port=0, feed=False)
    yield running
    await running.stop()
