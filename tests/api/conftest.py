"""Fakes of the API's ports (bot/api/ports.py) and a running API server on port 0."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest

from bot.api.metrics import Metrics
from bot.api.ports import Health
from bot.api.server import ApiHandle, build_api, start_api

TOKEN = "s3cret-token-for-tests"
NOW = 1_700_000_000.0


def sample_status() -> dict[str, Any]:
    """A /status document shaped like the engine's, with Decimals as the engine sends them."""
    return {
        "version": "0.1.0",
        "started_at": NOW - 3725,
        "paused": False,
        "hedges": {
            "BTC": {
                "spot": Decimal("5.0"),
                "perp": Decimal("-4.9"),
                "ratio": Decimal("0.98"),
                "target": Decimal("1.0"),
                "band": Decimal("0.02"),
                "open_orders": [
                    {"side": "sell", "amount": Decimal("0.1"), "price": Decimal("60010.5")}
                ],
                "margin": Decimal("150000"),
                "margin_ratio": Decimal("0.12"),
                "liquidation_price": Decimal("89000"),
                "liquidation_distance": Decimal("0.48"),
                "funding_total": Decimal("12.34"),
                "last_action": "placed sell 0.1 @ 60010.5 (grow)",
                "paused": False,
                "risk_grade": "ok",
            },
            "ETH": {
                "spot": Decimal("40"),
                "perp": Decimal("-20"),
                "ratio": Decimal("0.5"),
                "target": Decimal("0.5"),
                "band": Decimal("0.02"),
                "open_orders": [],
                "margin_ratio": None,
                "liquidation_price": None,
                "liquidation_distance": None,
                "funding_total": Decimal("-1.5"),
                "last_action": None,
                "paused": True,
                "pause_reason": "operator",
                "risk_grade": "top_up",
            },
        },
        "accounts": {
            "main": {"exchange": "binance", "mode": "sim", "breaker": "closed"},
            "bybit": {"exchange": "bybit", "mode": "testnet", "breaker": "open",
                      "consecutive_failures": 5, "last_error": "NetworkError"},
        },
    }  # fmt: skip


class FakeEngine:
    """Implements StatusSource and Controls; records control calls in `calls`."""

    def __init__(self, health: Health | None = None, status: Mapping[str, Any] | None = None):
        self.health_value = health or Health(ok=True, last_cycle_ok_at=NOW - 5)
        self.status_value = dict(status or sample_status())
        self.calls: list[tuple[str, str | None]] = []

    def health(self) -> Health:
        return self.health_value

    def status(self) -> Mapping[str, Any]:
        return self.status_value

    def _check(self, hedge: str | None) -> None:
        if hedge is not None and hedge not in self.status_value["hedges"]:
            raise KeyError(hedge)

    def pause(self, hedge: str | None) -> None:
        self._check(hedge)
        self.calls.append(("pause", hedge))

    def resume(self, hedge: str | None) -> None:
        self._check(hedge)
        self.calls.append(("resume", hedge))


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


Serve = Callable[..., Awaitable[ApiHandle]]


@pytest.fixture
def api_token() -> str:
    return TOKEN


@pytest.fixture
def now() -> float:
    return NOW


@pytest.fixture
def fake_engine_class() -> type[FakeEngine]:
    return FakeEngine


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """serve(engine, metrics, token=TOKEN) → a running ApiHandle on 127.0.0.1:0, stopped after."""
    handles: list[ApiHandle] = []

    async def start(
        engine: FakeEngine, metrics: Metrics, *, token: str | None = TOKEN
    ) -> ApiHandle:
        app = build_api(engine, engine, metrics, token=token, stale_after_s=60, clock=lambda: NOW)
        handles.append(await start_api(app, "127.0.0.1", 0))
        return handles[-1]

    yield start
    for handle in handles:
        await handle.stop()


@pytest.fixture
async def api(engine: FakeEngine, metrics: Metrics, serve: Serve) -> ApiHandle:
    return await serve(engine, metrics)
