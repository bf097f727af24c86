"""The venue's maintenance-margin brackets, per account and perp: read on first use (every
due perp of an account in one request, before the cycle decides), refreshed by the hourly
markets job, deferred while the account has little request weight left once known, and
retried (at most once a minute) after a failed read instead of being forgotten. Until a read
succeeds the hedge is decided without brackets: the risk guard still runs and the short is
never grown (domain/decision.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import structlog

from bot.domain.liquidation import MarginBracket
from bot.domain.memory import HedgeLegs
from bot.exchange.errors import ExchangeError

if TYPE_CHECKING:
    from .runtime import Runtime

__all__ = [
    "RETRY_AFTER_MS",
    "BracketEntry",
    "bracket_key",
    "ensure_brackets",
    "prefetch_brackets",
    "refresh_brackets",
]

log = structlog.get_logger(__name__)
RETRY_AFTER_MS = 60_000  # a failed read is tried again after this long (local clock)


@dataclass(frozen=True, slots=True)
class BracketEntry:
    """What is known of one perp's brackets. `brackets` stay in use after a failed refresh
    (they rarely change); `due` means "read again at the next chance"; `error` is the last
    failure (None after a success)."""

    brackets: tuple[MarginBracket, ...] = ()
    due: bool = True
    failed_at_ms: int | None = None
    error: str | None = None


def bracket_key(account: str, symbol: str) -> str:
    return f"{account}:{symbol}"


def _should_read(entry: BracketEntry, now_ms: int) -> bool:
    if not entry.due:
        return False
    return entry.failed_at_ms is None or now_ms - entry.failed_at_ms >= RETRY_AFTER_MS


def _deferred(rt: Runtime, account: str, entry: BracketEntry) -> bool:
    """A refresh waits while the account has little request weight left (a first read,
    without which the short cannot grow, does not)."""
    return bool(entry.brackets) and account in rt.scale.tight


async def ensure_brackets(rt: Runtime, account: str, symbol: str) -> BracketEntry:
    """The entry for `symbol` on `account`, read from the venue first when it is due."""
    key = bracket_key(account, symbol)
    entry = rt.brackets.get(key, BracketEntry())
    now = rt.now_ms()
    if not _should_read(entry, now) or _deferred(rt, account, entry):
        return entry
    try:
        brackets = await rt.exchanges[account].fetch_margin_brackets(symbol)
    except ExchangeError as exc:
        log.warning("risk.brackets_unavailable", account=account, symbol=symbol, detail=str(exc))
        entry = replace(entry, failed_at_ms=now, error=str(exc))
    else:
        entry = BracketEntry(brackets=tuple(brackets), due=False)
    rt.brackets[key] = entry
    return entry


async def _due_symbols(rt: Runtime, account: str, symbols: set[str], now_ms: int) -> list[str]:
    listed = await rt.exchanges[account].load_markets()
    out = []
    for symbol in sorted(symbols & set(listed)):
        entry = rt.brackets.get(bracket_key(account, symbol), BracketEntry())
        if _should_read(entry, now_ms) and not _deferred(rt, account, entry):
            out.append(symbol)
    return out


async def _read_account(rt: Runtime, account: str, symbols: set[str]) -> None:
    """One brackets request for every due symbol of `account`; a failure is kept on each."""
    now = rt.now_ms()
    try:
        due = await _due_symbols(rt, account, symbols, now)
        found = await rt.exchanges[account].fetch_margin_brackets_of(due) if due else {}
    except ExchangeError as exc:
        log.warning("risk.brackets_unavailable", account=account, detail=str(exc))
        for symbol in symbols:
            key = bracket_key(account, symbol)
            entry = rt.brackets.get(key, BracketEntry())
            if _should_read(entry, now):
                rt.brackets[key] = replace(entry, failed_at_ms=now, error=str(exc))
        return
    for symbol, brackets in found.items():
        rt.brackets[bracket_key(account, symbol)] = BracketEntry(tuple(brackets), due=False)


async def prefetch_brackets(rt: Runtime, legs: Iterable[HedgeLegs]) -> None:
    """Read the due brackets of every perp in `legs`, and of the contract a roll of one of
    them moves into: one request per account, all accounts at once (the per-hedge
    `ensure_brackets` then finds them read)."""
    by_account: dict[str, set[str]] = {}
    for leg in legs:
        by_account.setdefault(leg.perp_account, set()).add(leg.perp_symbol)
    for memory in rt.memory.values():
        held = by_account.get(memory.legs.perp_account, set())
        if memory.roll is not None and memory.legs.perp_symbol in held:
            held.add(memory.roll.to_symbol)
    await asyncio.gather(*(_read_account(rt, a, s) for a, s in sorted(by_account.items())))


async def refresh_brackets(rt: Runtime) -> None:
    """Re-read the brackets of every configured perp (the hourly markets job). A failure keeps
    the brackets already known and leaves the entry due, so the cycles retry it."""
    for leg in rt.legs.values():
        key = bracket_key(leg.perp_account, leg.perp_symbol)
        entry = rt.brackets.get(key, BracketEntry())
        rt.brackets[key] = replace(entry, due=True, failed_at_ms=None)
    await prefetch_brackets(rt, rt.legs.values())
