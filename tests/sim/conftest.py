"""Fixtures for the simulator core tests: a venue on a fixed, controllable clock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.sim.engine import SimExchange

# 2024-01-01T01:00:00Z: one hour after a funding boundary, so 7 h of sim time reach the next.
T0 = 1_704_070_800_000
KEY = "sim-key"


@pytest.fixture
def sim() -> SimExchange:
    """A default-account venue with BTC at 65,000 on both markets and a frozen base clock."""
    engine = SimExchange.with_default_account(seed=7, now_ms=lambda: T0)
    engine.set_price("BTCUSDT", Decimal(65000))
    return engine
