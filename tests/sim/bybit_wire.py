"""Real `ccxt.async_support.bybit` wired to a running simulator (for the Bybit wire tests).

Only the API URLs change: ccxt's defaults (markets of every category, currencies, the
unified-account probe) run as they would against api.bybit.com, so the tests prove the
simulator serves everything ccxt asks for on the way.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import ccxt.async_support as ccxt_async

from tests.sim.wire import admin

__all__ = ["bybit_account", "bybit_client", "make_bybit"]


def make_bybit(url: str, api_key: str, secret: str, **config: Any) -> Any:
    """ccxt's bybit class with every `urls['api']` entry pointed at the simulator `url`."""
    exchange = ccxt_async.bybit(
        {"apiKey": api_key, "secret": secret, "enableRateLimit": False, **config}
    )
    exchange.urls["api"] = {key: url for key in exchange.urls["api"]}
    exchange.timeout_on_exit = 0
    return exchange


@contextlib.asynccontextmanager
async def bybit_client(url: str, api_key: str, secret: str, **config: Any) -> AsyncIterator[Any]:
    """`make_bybit` with markets loaded; closed on exit."""
    exchange = make_bybit(url, api_key, secret, **config)
    try:
        await exchange.load_markets()
        yield exchange
    finally:
        await exchange.close()


@contextlib.asynccontextmanager
async def bybit_account(
    url: str, key: str, unified: dict[str, Any], **extra: Any
) -> AsyncIterator[Any]:
    """A new Bybit account `key` (secret `<key>-secret`) with the `unified` wallet, and a
    ccxt bybit client for it; BTC at 60,000 first."""
    secret = f"{key}-secret"
    body = {"api_key": key, "secret": secret, "venue": "bybit", "unified": unified, **extra}
    await admin(url, "/sim/accounts", body)
    await admin(url, "/sim/price", {"symbol": "BTCUSDT", "price": "60000"})
    async with bybit_client(url, key, secret) as exchange:
        yield exchange
