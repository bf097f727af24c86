"""Helpers for the wire tests: real ccxt wired to a running simulator, and its admin API."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from bot.exchange.sim_client import make_sim_exchange

__all__ = ["admin", "ccxt_client", "funded_client"]


@contextlib.asynccontextmanager
async def ccxt_client(url: str, exchange_id: str, **kwargs: Any) -> AsyncIterator[Any]:
    """Unmodified ccxt `exchange_id` wired to the simulator at `url`, markets loaded; closed
    on exit. `kwargs` go to `make_sim_exchange` (api_key, secret, options)."""
    exchange = make_sim_exchange(exchange_id, url, **kwargs)
    try:
        await exchange.load_markets()
        yield exchange
    finally:
        await exchange.close()


async def admin(url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """POST `body` (GET when None) to the simulator's admin `path`; asserts a 200 answer."""
    async with aiohttp.ClientSession() as http:
        method = "GET" if body is None else "POST"
        async with http.request(method, url + path, json=body) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()


@contextlib.asynccontextmanager
async def funded_client(
    url: str, exchange_id: str, key: str, balances: dict[str, Any]
) -> AsyncIterator[Any]:
    """ccxt `exchange_id` for a new account `key` (secret `<key>-secret`) holding `balances`,
    with BTC moved to 60,000 first."""
    secret = f"{key}-secret"
    await admin(url, "/sim/accounts", {"api_key": key, "secret": secret, "balances": balances})
    await admin(url, "/sim/price", {"symbol": "BTCUSDT", "price": "60000"})
    async with ccxt_client(url, exchange_id, api_key=key, secret=secret) as exchange:
        yield exchange
