"""Which perp symbols' fills a cycle reads: only where something of ours can have traded.

A fills read (Binance userTrades, weight 5) per symbol per cycle made the read cost grow with
the number of hedges. A symbol's fills are read when its position moved since the last read;
when the journal holds an order of ours on it whose outcome is unknown; once when a resting
order of ours vanishes from the open-orders reply (a stale position reply may show the
position unchanged, and the trust check must see the fill to refuse it); when it was never
read (first cycle, a hedge added); and once more on the next cycle when the read found no new
fill (a venue may list a trade a moment after the position moved). An order resting
untouched, or a cycle in band, costs no fills read. With little request weight left
(`tight`) the follow-up waits; the other reasons are always read, so the trust check never
lacks the fill that explains a position change.

The observations are committed only for accounts whose read succeeded, so a failed read is
repeated in full on the next cycle.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.domain.model import AccountSnapshot
from bot.store import PENDING, UNKNOWN
from bot.store.records import OrderRecord

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
    "vanished",
    "wanted",
]

ZERO = Decimal(0)
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
    vanished: set[str] = field(default_factory=set)  # client ids whose vanishing was read
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
    """Per account, the `gather_accounts` callback choosing the symbols whose fills to read.
    In doubt are the symbols of our orders whose outcome is unknown (pending, unknown) and of
    our resting orders that the open-orders reply no longer lists: a resting order can fill
    while a stale position reply shows the position unchanged, and the trust check must see
    that fill to refuse the reply. Orders that rest cost no read."""
    pending: dict[str, set[str]] = {}
    resting: dict[str, list[OrderRecord]] = {}
    for record in rt.journal.live_orders():
        if record.status in (PENDING, UNKNOWN):
            pending.setdefault(record.account, set()).add(record.symbol)
        else:
            resting.setdefault(record.account, []).append(record)
    watch = rt.scale.fills

    def picker(account: str) -> FillsWanted:
        is_tight = account in tight

        def pick(snapshot: AccountSnapshot) -> set[str]:
            gone = vanished(resting.get(account, []), snapshot)
            known = rt.journal.filled_by_client_id(r.client_id for r in gone)
            # Read once, and only while its fills are not all journaled yet.
            gone = {
                r
                for r in gone
                if r.client_id not in watch.vanished and known.get(r.client_id, ZERO) < r.amount
            }
            watch.vanished |= {record.client_id for record in gone}
            doubt = pending.get(account, set()) | {record.symbol for record in gone}
            return watch.pick(account, snapshot, doubt, tight=is_tight)

        return pick

    return {account: picker(account) for account in rt.exchanges}


def vanished(resting: Iterable[OrderRecord], snapshot: AccountSnapshot) -> set[OrderRecord]:
    """The `resting` orders (journaled open) that `snapshot`'s open orders no longer list:
    filled or cancelled since, so something of ours may have traded there."""
    listed = {o.client_id for o in snapshot.open_orders if o.client_id}
    return {record for record in resting if record.client_id not in listed}
