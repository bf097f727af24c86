"""Which perp symbols' fills a cycle reads: only where something of ours can have traded.

A fills read (Binance userTrades, weight 5) per symbol per cycle made the read cost grow with
the number of hedges. A fill of ours moves the position, so a symbol is read when its
position moved since the last read, or when the journal holds an order of ours on it whose
outcome is unknown (sent, no answer yet), or when it was never read (first cycle, a hedge
added); and once more on the next cycle when the read found no new fill (a venue may list
a trade a moment after the position moved). A resting order that appears, rests or is
cancelled without filling moves nothing and costs no read. With little request weight left
(`tight`) the follow-up waits; a moved position or an order in doubt is always read, so the
trust check never lacks the fill that explains a position change.

The observations are committed only for accounts whose read succeeded, so a failed read is
repeated in full on the next cycle.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.domain.model import AccountSnapshot

from .gather import FillsWanted, GatherResult

if TYPE_CHECKING:
    from .runtime import Runtime

__all__ = [
    "FOLLOW_UP_CYCLES",
    "FillWatch",
    "SymbolSeen",
    "fill_pickers",
    "new_fill_symbols",
    "observe",
    "wanted",
]

FOLLOW_UP_CYCLES = 1  # cycles a symbol is read again after the one that saw it change


@dataclass(frozen=True, slots=True)
class SymbolSeen:
    """What one symbol looked like at a fills read: the position (signed contracts)."""

    contracts: Decimal


def observe(snapshot: AccountSnapshot, symbol: str) -> SymbolSeen:
    """The symbol's position in `snapshot`."""
    return SymbolSeen(snapshot.position(symbol).contracts)


def wanted(
    now: Mapping[str, SymbolSeen],
    before: Mapping[str, SymbolSeen],
    follow_up: Collection[str],
    in_doubt: Collection[str],
    *,
    tight: bool = False,
) -> set[str]:
    """The symbols whose fills to read (see the module docstring). A symbol never seen
    before (first cycle, a hedge added) is read."""
    out: set[str] = set()
    for symbol, seen in now.items():
        previous = before.get(symbol)
        moved = previous is None or previous.contracts != seen.contracts
        if moved or symbol in in_doubt or (not tight and (previous != seen or symbol in follow_up)):
            out.add(symbol)
    return out


@dataclass
class FillWatch:
    """The daemon's memory of what each (account, symbol) looked like at its last fills read,
    and which symbols are due a follow-up read."""

    seen: dict[str, dict[str, SymbolSeen]] = field(default_factory=dict)
    follow_up: dict[str, dict[str, int]] = field(default_factory=dict)
    _pending: dict[str, tuple[dict[str, SymbolSeen], set[str]]] = field(default_factory=dict)

    def pick(
        self, account: str, snapshot: AccountSnapshot, in_doubt: Collection[str], *, tight: bool
    ) -> set[str]:
        """The symbols of `snapshot` to read fills for; remembered until `commit`."""
        now = {s: observe(snapshot, s) for s in snapshot.markets}
        before = self.seen.get(account, {})
        due = {s for s, n in self.follow_up.get(account, {}).items() if n > 0}
        chosen = wanted(now, before, due, in_doubt, tight=tight)
        self._pending[account] = (now, chosen)
        return chosen

    def commit(self, read: Mapping[str, Collection[str]]) -> None:
        """Keep the observations of the accounts read successfully this cycle; `read` maps
        each to the symbols whose read found a fill not journaled yet. A symbol whose
        position moved but whose read found nothing new is read again next cycle."""
        for account, found in read.items():
            pending = self._pending.pop(account, None)
            if pending is None:
                continue
            now, chosen = pending
            before = self.seen.setdefault(account, {})
            counts = self.follow_up.setdefault(account, {})
            for symbol in chosen:
                previous = before.get(symbol)
                moved = previous is not None and previous != now[symbol]
                counts[symbol] = FOLLOW_UP_CYCLES if moved and symbol not in found else 0
                before[symbol] = now[symbol]
        self._pending.clear()


def new_fill_symbols(rt: Runtime, result: GatherResult) -> dict[str, set[str]]:
    """Per account read this cycle, the symbols whose fills read found one the journal does
    not hold yet (call before journaling them)."""
    out: dict[str, set[str]] = {account: set() for account in result.snapshots}
    for account, by_symbol in result.fills.items():
        for symbol, fills in by_symbol.items():
            if any(not rt.journal.has_fill(account, symbol, f.id) for f in fills):
                out.setdefault(account, set()).add(symbol)
    return out


def fill_pickers(rt: Runtime, tight: Collection[str]) -> dict[str, FillsWanted]:
    """Per account, the `gather_accounts` callback choosing the symbols whose fills to read:
    in doubt are the symbols of our orders the journal holds as pending or unknown."""
    in_doubt: dict[str, set[str]] = {}
    for record in rt.journal.pending_orders():
        in_doubt.setdefault(record.account, set()).add(record.symbol)
    watch = rt.scale.fills

    def picker(account: str) -> FillsWanted:
        doubt, is_tight = in_doubt.get(account, set()), account in tight
        return lambda snapshot: watch.pick(account, snapshot, doubt, tight=is_tight)

    return {account: picker(account) for account in rt.exchanges}
