"""The trust state machine: which perp position reading a hedge may believe.

A venue that briefly reports a zero (or stale) position makes a naive bot sell again every
cycle. So each hedge keeps a trusted baseline (`Trusted`: contracts at a venue-clock time),
and a reading is checked against baseline + our own fills since (`expected_contracts`).

States (fields of `HedgeMemory`) and transitions, applied once per decided cycle:

| state                 | event                                               | next state        |
|-----------------------|-----------------------------------------------------|-------------------|
| any, `rebaseline` set | the cycle starts (`start_cycle`)                    | NO BASELINE       |
| any                   | the reading passes every data check                 | TRUSTED(reading)  |
| NO BASELINE / TRUSTED | the reading c fails                                 | SUSPECT(c, 1)     |
| SUSPECT(c, n)         | another reading c' fails                            | SUSPECT(c', 1)    |
| SUSPECT(c, n)         | c fails again, flat or unstamped, or n + 1 < 3      | SUSPECT(c, n + 1) |
| SUSPECT(c, 2)         | c, non-flat and venue-stamped, fails a third time   | TRUSTED(c)        |

A failing reading never moves the baseline except by that last row (`CONFIRM_CYCLES` = 3).

Why: a consistent reading moves the baseline so the comparison never drifts; a contradicting
non-flat, stamped position that persists is a real change (a manual trade, a liquidation) and
is adopted after three cycles instead of pausing forever; a FLAT report that contradicts our
fills (the classic "exchange says zero" glitch) is never adopted by itself — the operator
accepts it with `hedgebot resume HEDGE`, which sets `rebaseline`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from bot.domain.memory import HedgeMemory, Suspect, Trusted
from bot.domain.model import Fill, Position, Side

__all__ = ["CONFIRM_CYCLES", "TrustStep", "expected_contracts", "signed", "start_cycle", "step"]

ZERO = Decimal(0)
CONFIRM_CYCLES = 3  # a contradicting non-flat position seen this often in a row is accepted


@dataclass(frozen=True, slots=True)
class TrustStep:
    """The memory after one reading; `trusted`: this reading is the new baseline because it
    passed the checks; `rebaselined`: a contradicting reading was adopted (CONFIRM_CYCLES)."""

    memory: HedgeMemory
    trusted: bool
    rebaselined: bool = False


def signed(fill: Fill) -> Decimal:
    """A fill's effect on the position in contracts (sell = negative)."""
    return -fill.amount if fill.side is Side.SELL else fill.amount


def expected_contracts(trusted: Trusted | None, fills: Iterable[Fill]) -> Decimal | None:
    """The position our own fills imply since the baseline (signed contracts), or None."""
    if trusted is None:
        return None
    after = (signed(f) for f in fills if f.timestamp_ms > trusted.at_ms)
    return trusted.contracts + sum(after, ZERO)


def start_cycle(memory: HedgeMemory) -> HedgeMemory:
    """Before checking a reading: an operator's re-baseline request drops the baseline and any
    suspect reading, so this cycle's reading is accepted as the venue reports it."""
    if not memory.rebaseline:
        return memory
    return replace(memory, trusted=None, suspect=None, rebaseline=False)


def step(memory: HedgeMemory, *, ok: bool, position: Position, stamp_ms: int) -> TrustStep:
    """Apply one reading (`ok`: it passed every data check) to `memory`, per the table above.
    `stamp_ms` is when the reading was taken: the position's venue stamp, or our latest fill
    when the venue did not stamp it."""
    reading = Trusted(position.contracts, stamp_ms)
    if ok:
        return TrustStep(replace(memory, trusted=reading, suspect=None), trusted=True)
    previous = memory.suspect
    same = previous is not None and previous.contracts == position.contracts
    seen = previous.seen + 1 if previous is not None and same else 1
    confirmed = not position.is_flat and position.timestamp_ms is not None
    if confirmed and seen >= CONFIRM_CYCLES:
        adopted = replace(memory, trusted=reading, suspect=None)
        return TrustStep(adopted, trusted=False, rebaselined=True)
    suspect = Suspect(position.contracts, seen)
    return TrustStep(replace(memory, suspect=suspect), trusted=False)
