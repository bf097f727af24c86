"""Which contract each `future.series` hedge holds, resolved from the venue's markets at
start-up and after every markets reload (a delivery lists the next quarter)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import structlog

from bot.config.settings import Settings
from bot.domain.dated_series import held_or_resolved
from bot.domain.memory import after_reload, from_data
from bot.domain.model import Market
from bot.exchange.errors import ExchangeError, MarketNotFound

if TYPE_CHECKING:
    from bot.engine.runtime import Runtime

__all__ = [
    "held_from_journal",
    "move_past_expired",
    "note_unlisted",
    "refresh_dated",
    "resolve_dated",
    "unresolved",
]

log = structlog.get_logger(__name__)


def resolve_dated(
    settings: Settings,
    markets: Mapping[str, Mapping[str, Market]],
    held: Mapping[str, str],
    now_ms: Mapping[str, int],
) -> dict[str, str]:
    """hedge name → contract symbol for every series hedge whose account's markets are in
    `markets` (`now_ms` by account: the venue clock). The held contract is kept while it is
    listed and undelivered; one that cannot be resolved keeps its previous symbol, if any."""
    out: dict[str, str] = {}
    for name, hedge in settings.hedges.items():
        future = hedge.future
        series = future.dated_series() if future is not None else None
        if future is None or series is None or future.account not in markets:
            continue
        before = held.get(name)
        now = now_ms[future.account]
        symbol = held_or_resolved(before, markets[future.account].values(), series, now)
        if symbol is None:
            log.warning("dated.series_unresolved", hedge=name, series=series.series)
            symbol = before
        elif symbol != before:
            log.info("dated.series_resolved", hedge=name, symbol=symbol, previous=before)
        if symbol is not None:
            out[name] = symbol
    return out


async def _venue_now(rt: Runtime, account: str, perp: str, fallback: int) -> int:
    """The venue clock from a quote of the series' perpetual (`fallback` if none)."""
    try:
        return (await rt.exchanges[account].fetch_quote(perp)).timestamp_ms
    except ExchangeError as exc:
        log.warning("dated.venue_clock_unknown", account=account, detail=str(exc))
        return fallback


def unresolved(settings: Settings, resolved: Mapping[str, str]) -> dict[str, str]:
    """hedge name → `future.series` of each series hedge without a listed contract."""
    return {
        name: str(h.future.series)
        for name, h in settings.hedges.items()
        if h.future is not None and h.future.series is not None and name not in resolved
    }


async def refresh_dated(rt: Runtime, *, ask_venue: bool = False) -> dict[str, str]:
    """Resolve every series hedge's contract from its account's (cached) markets into
    `rt.resolved`, by the venue clock (a cycle's, or with `ask_venue` a quote's stamp: at
    start-up); returns what is unresolved."""
    series = {h.future.account: h.future.series for h in rt.settings.hedges.values() if h.future}
    markets = {a: await rt.exchanges[a].load_markets() for a in series if a in rt.exchanges}
    now = {a: rt.venue_ms.get(a) or rt.now_ms() for a in markets}
    for account, perp in series.items():
        if ask_venue and perp is not None and account in markets:
            now[account] = await _venue_now(rt, account, perp, now[account])
    resolved = resolve_dated(rt.settings, markets, rt.resolved, now)
    if resolved != rt.resolved:  # a hedge moved to another contract: its memory starts afresh
        rt.resolved = resolved
        cursors = {name: rt.venue_ms.get(leg.perp_account) for name, leg in rt.legs.items()}
        rt.memory = after_reload(rt.memory, rt.legs, cursors)
    return unresolved(rt.settings, rt.resolved)


async def move_past_expired(rt: Runtime) -> None:
    """A series hedge whose held contract has expired on the venue clock: reload that
    account's markets (the delivery listed the next quarter) and resolve again. A venue
    that cannot answer leaves the hedge on its contract until a later cycle."""
    try:
        stale = await _expired_accounts(rt)
        for account in sorted(stale):
            await rt.exchanges[account].load_markets(reload=True)
        if stale:
            await refresh_dated(rt)
    except ExchangeError as exc:
        log.warning("dated.markets_reload_failed", detail=str(exc))


async def _expired_accounts(rt: Runtime) -> set[str]:
    """Accounts of the series hedges whose held contract is delisted or expired (a read of
    an account that met an unknown symbol, `rt.unlisted`, counts: the venue delivered it)."""
    stale, rt.unlisted = rt.unlisted & {rt.legs[n].perp_account for n in rt.resolved}, set()
    for name, symbol in rt.resolved.items():
        account = rt.legs[name].perp_account
        now = rt.venue_ms.get(account) or rt.now_ms()
        market = (await rt.exchanges[account].load_markets()).get(symbol)
        if market is None or (market.expiry_ms is not None and now >= market.expiry_ms):
            stale.add(account)
    return stale


def note_unlisted(rt: Runtime, account: str, error: ExchangeError) -> None:
    """Remember an account whose read failed on an unknown symbol: the next cycle reloads
    its markets when a series hedge trades there (its contract may have been delivered)."""
    if isinstance(error, MarketNotFound):
        rt.unlisted.add(account)


def held_from_journal(rt: Runtime) -> None:
    """At start-up: each series hedge holds the contract its journaled memory names (when of
    its series), so a restart in a contract's last hour keeps closing it rather than opening
    the next one beside it."""
    for name, hedge in rt.settings.hedges.items():
        series = hedge.future.series if hedge.future is not None else None
        found = rt.journal.last_memory(name) if series is not None else None
        memory = from_data(found) if found is not None else None
        if memory is not None and memory.legs.perp_symbol.startswith(f"{series}-"):
            rt.resolved[name] = memory.legs.perp_symbol
