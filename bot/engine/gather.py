"""Gather: read everything a cycle needs from every account, concurrently, into snapshots.

Per account and cycle, whatever the number of hedges: one balance call per wallet (spot;
USDⓈ-M and/or COIN-M as the account's contracts need), one positions call, one open-orders
call and one or two quote calls (bookTicker + premiumIndex) per API family — all at once, in
one round trip. Then, only for the symbols `fills_wanted` names from that snapshot (orders in
flight, a position that moved), one fills call each, concurrently (the second round trip, on
cycles where something happened). An account that fails is reported as a `GatherFailure` and
only its hedges skip the cycle.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection, Mapping
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

__all__ = [
    "AccountNeeds",
    "FillsWanted",
    "GatherFailure",
    "GatherResult",
    "gather_accounts",
    "needs_by_account",
    "unquoted_accounts",
]


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


FillsWanted = Callable[[AccountSnapshot], Collection[str]]


async def _fills(
    exchange: Exchange, symbols: list[str], since: Mapping[str, int | None]
) -> dict[str, tuple[Fill, ...]]:
    found = await asyncio.gather(*(exchange.fetch_fills(s, since_ms=since.get(s)) for s in symbols))
    return dict(zip(symbols, found, strict=True))


async def _no_orders() -> tuple[Order, ...]:
    return ()


async def _no_quotes() -> Mapping[str, Quote]:
    return {}


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
    fills_wanted: FillsWanted | None,
) -> tuple[AccountSnapshot, Mapping[str, tuple[Fill, ...]]]:
    markets = await exchange.load_markets()
    # A symbol the venue no longer lists is left out: its hedge alone skips ("market not
    # found"), the account's other hedges are read and traded as usual.
    symbols = sorted(s for s in needs.perp_symbols if s in markets)
    wallets = _margin_wallets(markets, sorted(needs.perp_symbols))
    # A proxy's holding is priced at its own spot market (always asked for: no quote, no size).
    quoted = sorted(set(symbols) | needs.spot_quotes)
    # Stamp before reading: the snapshot is at least this old.
    started_ms = now_ms()
    spot, futures, coinm, positions, orders, quotes = await asyncio.gather(
        exchange.fetch_balances(Wallet.SPOT) if needs.spot_assets else _nothing(),
        exchange.fetch_balances(Wallet.FUTURES) if Wallet.FUTURES in wallets else _nothing(),
        exchange.fetch_balances(Wallet.COINM) if Wallet.COINM in wallets else _nothing(),
        exchange.fetch_positions(symbols) if symbols else _no_positions(),
        exchange.fetch_account_open_orders(symbols) if symbols else _no_orders(),
        exchange.fetch_quotes(quoted) if quoted else _no_quotes(),
    )
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
    wanted = symbols if fills_wanted is None else sorted(set(fills_wanted(snapshot)) & set(symbols))
    return snapshot, frozen_map(await _fills(exchange, wanted, fills_since_ms))


def unquoted_accounts(result: GatherResult) -> set[str]:
    """Accounts with a listed perp the venue gave no quote for (a contract just delivered
    answers "invalid symbol" until the markets are reloaded): that hedge alone skips."""
    return {
        account
        for account, snapshot in result.snapshots.items()
        if any(symbol not in snapshot.quotes for symbol in snapshot.markets)
    }


async def gather_accounts(
    exchanges: Mapping[str, Exchange],
    needs: Mapping[str, AccountNeeds],
    *,
    fills_since_ms: Mapping[str, Mapping[str, int | None]] | None = None,
    now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    fills_wanted: Mapping[str, FillsWanted] | None = None,
) -> GatherResult:
    """Read all accounts concurrently. `fills_wanted[account]` picks, from the account's
    snapshot, the perp symbols whose fills are read (every perp symbol when not given; the
    result's `fills` holds only those). Exchange errors become failures; anything else (a
    bug) propagates so the cycle fails loudly."""
    started = time.monotonic()
    names = sorted(needs)
    since = fills_since_ms or {}
    pick = fills_wanted or {}
    outcomes = await asyncio.gather(
        *(
            _read_account(exchanges[n], needs[n], since.get(n, {}), now_ms, pick.get(n))
            for n in names
        ),
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
