"""The venue's maintenance-margin brackets, per account and perp: read on first use, refreshed
by the hourly markets job, and retried (at most once a minute) after a failed read instead of
being forgotten. Until a read succeeds the hedge is decided without brackets: the risk guard
still runs and the short is never grown (domain/decision.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import structlog

from bot.domain.liquidation import MarginBracket
from bot.exchange.errors import ExchangeError

if TYPE_CHECKING:
    from .runtime import Runtime

__all__ = ["RETRY_AFTER_MS", "BracketEntry", "bracket_key", "ensure_brackets", "refresh_brackets"]

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


async def ensure_brackets(rt: Runtime, account: str, symbol: str) -> BracketEntry:
    """The entry for `symbol` on `account`, read from the venue first when it is due."""
    key = bracket_key(account, symbol)
    entry = rt.brackets.get(key, BracketEntry())
    now = rt.now_ms()
    if not _should_read(entry, now):
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


async def refresh_brackets(rt: Runtime) -> None:
    """Re-read the brackets of every configured perp (the hourly markets job). A failure keeps
    the brackets already known and leaves the entry due, so the cycles retry it."""
    for leg in rt.legs.values():
        key = bracket_key(leg.perp_account, leg.perp_symbol)
        entry = rt.brackets.get(key, BracketEntry())
        rt.brackets[key] = replace(entry, due=True, failed_at_ms=None)
        await ensure_brackets(rt, leg.perp_account, leg.perp_symbol)
