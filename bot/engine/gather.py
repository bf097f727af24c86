"""Gather: read everything a cycle needs from every account, concurrently, into snapshots.

One balance call per wallet (spot; USDⓈ-M and/or COIN-M as the account's contracts need) and
one positions call per account and contract kind per cycle, whatever the number of hedges;
open orders, quote and fills are one call per perp symbol. An account that fails is reported
as a `GatherFailure` and only its hedges skip the cycle.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.domain.model import (
    AccountSnapshot,
    Balance,
    Fill,
    Market,
    Order,
    Position,
    Quote,
    Wallet,
    frozen_map,
)
from bot.domain.proxy import is_proxy, proxy_spot_symbol
from bot.exchange.errors import ExchangeError
from bot.exchange.port import Exchange

__all__ = ["AccountNeeds", "GatherFailure", "GatherResult", "gather_accounts", "needs_by_account"]


@dataclass(frozen=True, slots=True)
class AccountNeeds:
    """What one account must be read for: spot assets held there, perp symbols traded there,
    spot markets quoted there (a proxy hedge's holding priced by value)."""

    spot_assets: frozenset[str] = frozenset()
    perp_symbols: frozenset[str] = frozenset()
    spot_quotes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class GatherFailure:
    account: str
    error: ExchangeError


@dataclass(frozen=True, slots=True)
class GatherResult:
    """Snapshots by account, the fills seen since `fills_since_ms` by account and symbol, and
    the accounts that could not be read."""

    snapshots: Mapping[str, AccountSnapshot] = field(default_factory=frozen_map)
    fills: Mapping[str, Mapping[str, tuple[Fill, ...]]] = field(default_factory=frozen_map)
    failures: tuple[GatherFailure, ...] = ()
    duration_s: float = 0.0


def needs_by_account(
    legs: Mapping[str, tuple[tuple[str, str], tuple[str, str]]],
) -> dict[str, AccountNeeds]:
    """Group hedge legs by account. `legs` maps hedge → ((spot_account, asset),
    (perp_account, symbol)); a perp on another asset (a proxy) also quotes the holding's spot
    market in the perp's quote on the spot account."""
    spot: dict[str, set[str]] = {}
    perp: dict[str, set[str]] = {}
    quoted: dict[str, set[str]] = {}
    for (spot_account, asset), (perp_account, symbol) in legs.values():
        spot.setdefault(spot_account, set()).add(asset)
        perp.setdefault(perp_account, set()).add(symbol)
        priced = proxy_quote_symbol(asset, symbol)
        if priced is not None:
            quoted.setdefault(spot_account, set()).add(priced)
    return {
        account: AccountNeeds(
            spot_assets=frozenset(spot.get(account, ())),
            perp_symbols=frozenset(perp.get(account, ())),
            spot_quotes=frozenset(quoted.get(account, ())),
        )
        for account in sorted(set(spot) | set(perp))
    }


def proxy_quote_symbol(asset: str, perp_symbol: str) -> str | None:
    """The spot market pricing `asset` when `perp_symbol` (unified BASE/QUOTE:SETTLE) is on
    another asset, else None: SOL against ETH/USDT:USDT → SOL/USDT."""
    base, _, rest = perp_symbol.partition("/")
    quote = rest.split(":", 1)[0]
    if not quote or not is_proxy(base, asset):
        return None
    return proxy_spot_symbol(asset, quote)


async def _read_symbol(
    exchange: Exchange, symbol: str, fills_since_ms: int | None
) -> tuple[tuple[Order, ...], Quote, tuple[Fill, ...]]:
    return await asyncio.gather(
        exchange.fetch_open_orders(symbol),
        exchange.fetch_quote(symbol),
        exchange.fetch_fills(symbol, since_ms=fills_since_ms),
    )


async def _spot_quotes(exchange: Exchange, symbols: frozenset[str]) -> dict[str, Quote]:
    ordered = sorted(symbols)
    found = await asyncio.gather(*(exchange.fetch_quote(s) for s in ordered))
    return dict(zip(ordered, found, strict=True))


async def _nothing() -> Mapping[str, Balance]:
    return {}


async def _no_positions() -> Mapping[str, Position]:
    return {}


def _margin_wallets(markets: Mapping[str, Market], symbols: list[str]) -> set[Wallet]:
    """The futures wallets margining `symbols`: COIN-M for inverse contracts, USDⓈ-M for the
    rest (and for a symbol the venue does not list: the cycle then says it is missing)."""
    return {markets[s].margin_wallet if s in markets else Wallet.FUTURES for s in symbols}


async def _read_account(
    exchange: Exchange,
    needs: AccountNeeds,
    fills_since_ms: Mapping[str, int | None],
    now_ms: Callable[[], int],
) -> tuple[AccountSnapshot, Mapping[str, tuple[Fill, ...]]]:
    markets = await exchange.load_markets()
    symbols = sorted(needs.perp_symbols)
    wallets = _margin_wallets(markets, symbols)
    # Stamp before reading: the snapshot is at least this old.
    started_ms = now_ms()
    spot, futures, coinm, positions, per_symbol = await asyncio.gather(
        exchange.fetch_balances(Wallet.SPOT) if needs.spot_assets else _nothing(),
        exchange.fetch_balances(Wallet.FUTURES) if Wallet.FUTURES in wallets else _nothing(),
        exchange.fetch_balances(Wallet.COINM) if Wallet.COINM in wallets else _nothing(),
        exchange.fetch_positions(symbols) if symbols else _no_positions(),
        asyncio.gather(*(_read_symbol(exchange, s, fills_since_ms.get(s)) for s in symbols)),
    )
    orders: list[Order] = []
    quotes: dict[str, Quote] = await _spot_quotes(exchange, needs.spot_quotes)
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
        coinm=frozen_map(coinm),
        positions=frozen_map(positions),
        open_orders=tuple(orders),
        quotes=frozen_map(quotes),
        funding=frozen_map(),
    )
    return snapshot, frozen_map(fills)


async def gather_accounts(
    exchanges: Mapping[str, Exchange],
    needs: Mapping[str, AccountNeeds],
    *,
    fills_since_ms: Mapping[str, Mapping[str, int | None]] | None = None,
    now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
) -> GatherResult:
    """Read all accounts concurrently. Exchange errors become failures; anything else (a bug)
    propagates so the cycle fails loudly."""
    started = time.monotonic()
    names = sorted(needs)
    since = fills_since_ms or {}
    outcomes = await asyncio.gather(
        *(_read_account(exchanges[n], needs[n], since.get(n, {}), now_ms) for n in names),
        return_exceptions=True,
    )
    snapshots: dict[str, AccountSnapshot] = {}
    fills: dict[str, Mapping[str, tuple[Fill, ...]]] = {}
    failures: list[GatherFailure] = []
    for name, outcome in zip(names, outcomes, strict=True):
        if isinstance(outcome, ExchangeError):
            failures.append(GatherFailure(name, outcome))
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            snapshots[name], fills[name] = outcome
    return GatherResult(
        snapshots=frozen_map(snapshots),
        fills=frozen_map(fills),
        failures=tuple(failures),
        duration_s=time.monotonic() - started,
    )
