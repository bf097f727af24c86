"""What a roll in progress adds to a cycle's reads: the contract rolled into is gathered,
its fills read (from the same cursor as the old one's) and journaled as the hedge's, and
its orders reconciled at start-up as the hedge's own; and the memory a done roll leaves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.config.hedges import HedgeSettings
from bot.domain.dated_series import AtExpiry
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeLegs, HedgeMemory, from_data
from bot.domain.model import Fill
from bot.domain.roll_state import RollState

from .gather import AccountNeeds, GatherResult
from .runtime import Runtime

__all__ = [
    "delivers",
    "done_from_journal",
    "roll_cursors",
    "roll_fresh_fills",
    "roll_needs",
    "roll_owners",
    "roll_setup",
    "roll_symbols",
    "rolled_over",
    "rolls_of",
]


def delivers(hedge: HedgeSettings) -> bool:
    """`future.at_expiry: deliver`: the held contract is left to deliver."""
    return hedge.future is not None and hedge.future.at_expiry is AtExpiry.DELIVER


def rolls_of(rt: Runtime) -> dict[str, RollState]:
    """hedge → its roll in progress (from the memories the runtime holds)."""
    return {
        name: memory.roll
        for name, memory in rt.memory.items()
        if memory.roll is not None and name in rt.settings.hedges
    }


def roll_owners(rt: Runtime) -> dict[tuple[str, str], str]:
    """(account, contract rolled into) → hedge, for journaling that contract's fills."""
    legs = rt.legs
    return {
        (legs[name].perp_account, roll.to_symbol): name
        for name, roll in rolls_of(rt).items()
        if name in legs
    }


def roll_setup(rt: Runtime) -> tuple[dict[str, HedgeLegs], dict[str, HedgePolicy]]:
    """The legs and policies of each contract rolled into, for `setup.ensure_setup`: its
    margin mode and leverage are set before the roll's first order on it."""
    legs, policies = rt.legs, rt.policies
    into = {n: r.to_symbol for n, r in rolls_of(rt).items() if n in legs and n in policies}
    return (
        {n: replace(legs[n], perp_symbol=s) for n, s in into.items()},
        {n: replace(policies[n], perp_symbol=s) for n, s in into.items()},
    )


def roll_needs(rt: Runtime, needs: Mapping[str, AccountNeeds]) -> dict[str, AccountNeeds]:
    """`needs` with every contract rolled into read on its account too."""
    out = dict(needs)
    for account, symbol in roll_owners(rt):
        found = out.get(account, AccountNeeds())
        out[account] = replace(found, perp_symbols=found.perp_symbols | {symbol})
    return out


def roll_cursors(
    rt: Runtime, cursors: Mapping[str, Mapping[str, int | None]]
) -> dict[str, dict[str, int | None]]:
    """`cursors` (account → symbol → fills query start) with each contract rolled into read
    from where its hedge's old contract is read."""
    out = {account: dict(by_symbol) for account, by_symbol in cursors.items()}
    legs = rt.legs
    for name, roll in rolls_of(rt).items():
        if name not in legs:
            continue
        by_symbol = out.setdefault(legs[name].perp_account, {})
        by_symbol[roll.to_symbol] = by_symbol.get(legs[name].perp_symbol)
    return out


def roll_symbols(rt: Runtime) -> set[tuple[str, str]]:
    """(account, symbol) of every contract a journaled roll moves into: at start-up, before
    the first cycle, the journal's memories say which."""
    found: set[tuple[str, str]] = set()
    for name, leg in rt.legs.items():
        memory = rt.memory.get(name)
        if memory is None:
            data = rt.journal.last_memory(name)
            memory = from_data(data) if data is not None else None
        if memory is not None and memory.roll is not None and memory.legs == leg:
            found.add((leg.perp_account, memory.roll.to_symbol))
    return found


def roll_fresh_fills(
    rt: Runtime, leg: HedgeLegs, roll: RollState | None, result: GatherResult
) -> tuple[Fill, ...]:
    """The fills `result` read on both contracts of `roll` that the journal does not hold
    yet (none once a cycle has journaled them; `hedgebot plan` journals nothing)."""
    if roll is None:
        return ()
    by_symbol = result.fills.get(leg.perp_account, {})
    return tuple(
        fill
        for symbol in (roll.from_symbol, roll.to_symbol)
        for fill in by_symbol.get(symbol, ())
        if not rt.journal.has_fill(leg.perp_account, symbol, fill.id)
    )


def rolled_over(memory: HedgeMemory, roll: RollState) -> HedgeMemory:
    """The memory a done `roll` leaves: a fresh one on the new contract, with the fills
    cursor, the rule state and the new contract's risk hold kept (a contract topped up mid-roll
    is not grown again until its distance is restored, now that it is the held one)."""
    legs = replace(memory.legs, perp_symbol=roll.to_symbol)
    return HedgeMemory(
        legs=legs, fill_cursor_ms=memory.fill_cursor_ms, rules=memory.rules,
        risk_hold=roll.risk_hold,
    )  # fmt: skip


def done_from_journal(rt: Runtime) -> None:
    """Each hedge whose journaled memory is of a roll the journal says is done (the cycle
    that finished it journaled the memory first) holds the new contract in `rt`, as the
    daemon does from that cycle on. Reads the journal, writes nothing."""
    for name in rt.settings.hedges:
        found = rt.journal.last_memory(name)
        memory = from_data(found) if found is not None else None
        roll = memory.roll if memory is not None else None
        if memory is None or roll is None:
            continue
        events = rt.journal.roll_events(name)
        last = events[-1] if events else None
        if last is not None and (last["kind"], last["to_symbol"]) == ("done", roll.to_symbol):
            rt.resolved[name] = roll.to_symbol
            rt.memory[name] = rolled_over(memory, roll)
