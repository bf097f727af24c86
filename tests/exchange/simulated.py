"""The simulator for gateway tests: a small admin client (`Sim`), funded accounts, and the
real gateway (`build_exchange(mode="sim")` → unmodified ccxt) pointed at it."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp

from bot.exchange.ccxt_gateway import CcxtExchange
from bot.exchange.factory import build_exchange
from bot.exchange.retry import RetryPolicy

__all__ = ["FAST", "FUNDS", "PERP", "Sim", "gateway"]

PERP = "BTC/USDT:USDT"
FAST = RetryPolicy(attempts=4, total_s=10.0, initial_s=0.01, max_backoff_s=0.05)
FUNDS = {"spot": {"BTC": "2", "USDT": "10000"}, "usdm": {"USDT": "50000"}}


class Sim:
    """The running simulator plus a small admin client."""

    def __init__(self, running: Any, http: aiohttp.ClientSession) -> None:
        self.running = running
        self.url: str = running.url
        self.http = http

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with self.http.post(self.url + path, json=body) as response:
            data: dict[str, Any] = await response.json()
            assert response.status == 200, data
            return data

    async def get(self, path: str) -> Any:
        async with self.http.get(self.url + path) as response:
            return await response.json()

    async def requests(self, api_key: str, endpoint: str) -> int:
        state = await self.get("/sim/state")
        return int(state["requests"].get(api_key, {}).get(endpoint, 0))

    async def faults(self, **config: Any) -> None:
        await self.post("/sim/faults", config)

    async def account(self, **fields: Any) -> str:
        """A new funded account (FUNDS; `fields` as /sim/accounts takes them); its API key."""
        key = f"gw-{uuid.uuid4().hex[:12]}"
        body = {"api_key": key, "secret": key + "-s", "balances": FUNDS, **fields}
        await self.post("/sim/accounts", body)
        return key


def gateway(sim: Sim, api_key: str, **kwargs: Any) -> CcxtExchange:
    """The account's gateway on the simulator (fast retries unless `retry` is given)."""
    kwargs.setdefault("retry", FAST)
    return build_exchange(
        "main",
        exchange_id="binance",
        mode="sim",
        api_key=api_key,
        secret=api_key + "-s",
        sim_url=sim.url,
        **kwargs,
    )
