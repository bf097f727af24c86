"""Helpers for the wire tests: real ccxt wired to a running simulator."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from bot.exchange.sim_client import make_sim_exchange

__all__ = ["ccxt_client"]


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
