"""The operator trading by hand beside the daemon: one market order through plain ccxt."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from bot.exchange.sim_client import make_sim_exchange

__all__ = ["market_order"]


def market_order(
    url: str, key: str, secret: str, side: str, amount: Decimal, position_side: str
) -> None:
    """A market `side` order of `amount` BTC/USDT:USDT contracts on leg `position_side`."""

    async def send() -> None:
        client = make_sim_exchange("binance", url, api_key=key, secret=secret)
        try:
            await client.load_markets()
            await client.create_order(
                "BTC/USDT:USDT", "market", side, float(amount), None,
                {"positionSide": position_side},
            )  # fmt: skip
        finally:
            await client.close()

    asyncio.run(send())
