"""The per-symbol scheme the daemon used before issue 12, as a benchmark baseline only.

`install()` swaps the engine's references (never the daemon's files) so the same process,
simulator and config measure the old way side by side with the new one:
- the gather reads open orders, the quote (order book + premiumIndex) and fills per perp
  symbol, every cycle (main's `gather._read_account`, reproduced below on the port);
- hedges act one after the other across the whole daemon, and setup likewise;
- margin brackets are read per symbol in the decide phase (no prefetch).
One difference remains: decisions run concurrently here (they read nothing from the venue in
steady state), where the old loop decided and acted one hedge at a time; the baseline's cold
cycle is, if anything, flattered by it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import bot.engine.cycle as engine_cycle
import bot.engine.gather as engine_gather
import bot.engine.setup as engine_setup
from bot.domain.model import AccountSnapshot, Fill, Order, Quote, Wallet, frozen_map
from bot.exchange.port import Exchange

__all__ = ["install"]

T = TypeVar("T")


async def _one_by_one(
    items: Sequence[T], key: Callable[[T], str], limit: int, fn: Callable[[T], Awaitable[None]]
) -> None:
    for item in items:
        await fn(item)


async def _no_prefetch(rt: Any, legs: Any) -> None:
    return None


async def _read_symbol(
    exchange: Exchange, symbol: str, since: int | None
) -> tuple[tuple[Order, ...], Quote, tuple[Fill, ...]]:
    return await asyncio.gather(
        exchange.fetch_open_orders(symbol),
        exchange.fetch_quote(symbol),
        exchange.fetch_fills(symbol, since_ms=since),
    )


async def _read_account(
    exchange: Exchange,
    needs: Any,
    fills_since_ms: Mapping[str, int | None],
    now_ms: Callable[[], int],
    fills_wanted: Any,
) -> tuple[AccountSnapshot, Mapping[str, tuple[Fill, ...]]]:
    markets = await exchange.load_markets()
    symbols = sorted(needs.perp_symbols)
    started_ms = now_ms()
    spot, futures, positions, per_symbol = await asyncio.gather(
        exchange.fetch_balances(Wallet.SPOT),
        exchange.fetch_balances(Wallet.FUTURES),
        exchange.fetch_positions(symbols),
        asyncio.gather(*(_read_symbol(exchange, s, fills_since_ms.get(s)) for s in symbols)),
    )
    orders: list[Order] = []
    quotes: dict[str, Quote] = {}
    fills: dict[str, tuple[Fill, ...]] = {}
    for symbol, (sym_orders, quote, sym_fills) in zip(symbols, per_symbol, strict=True):
        orders.extend(sym_orders)
        quotes[symbol] = quote
        fills[symbol] = sym_fills
    snapshot = AccountSnapshot(
        account=exchange.account,
        taken_at_ms=started_ms,
        markets=frozen_map({s: markets[s] for s in symbols if s in markets}),
        spot=frozen_map(spot),
        futures=frozen_map(futures),
        positions=frozen_map(positions),
        open_orders=tuple(orders),
        quotes=frozen_map(quotes),
        funding=frozen_map(),
    )
    return snapshot, frozen_map(fills)


def install() -> None:
    """Make this process's daemon read and act the per-symbol, sequential way."""
    engine_gather._read_account = _read_account  # type: ignore[assignment]
    engine_cycle.run_bounded = _one_by_one
    engine_setup.run_bounded = _one_by_one
    engine_cycle.prefetch_brackets = _no_prefetch
