"""What one hedge carries from one cycle to the next: ONE frozen value per hedge.

A `HedgeMemory` holds every piece of rule state a decision depends on besides the snapshot:
the trusted position baseline and a contradicting reading being confirmed (`trust`), the
operator's request to re-baseline, the risk guard's hold on increases (`hold`), rejections in
a row, where the next fills query starts, and whether the last decision was made without
margin brackets. The engine keeps one per hedge, replaces it with the `Decision.memory` each
cycle returns, and journals it with the hedge's snapshot row so a restart and `hedgebot plan`
start from the same memory the live cycle had.

The memory belongs to the hedge's LEGS: when a reload moves a hedge to another account,
symbol or asset, its memory starts afresh (`after_reload`), since a baseline read on one
symbol says nothing about another.

The target rules' state (tranches armed, a take-profit hit, funding streaks) is the `rules`
field (`rule_memory.RuleMemory`, moved by `targets.effective_target`). A `future.series`
roll in progress is the `roll` field (`roll_state.RollState`): the legs stay those of the
contract rolled out of until the roll is done. Further pipeline state joins this value as
frozen fields with defaults, and `to_data`/`from_data` learn them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from bot.domain.backoff import Backoff, after_rejection
from bot.domain.beta_memory import BetaMemory, beta_data, beta_from
from bot.domain.roll_state import RollState, roll_data, roll_from
from bot.domain.rule_memory import RuleMemory, rule_memory_data, rule_memory_from

__all__ = [
    "HedgeLegs",
    "HedgeMemory",
    "Suspect",
    "Trusted",
    "after_reload",
    "from_data",
    "note_fill",
    "note_order_outcome",
    "request_rebaseline",
    "to_data",
]


@dataclass(frozen=True, slots=True)
class HedgeLegs:
    """Where a hedge's two legs live: the spot asset's account and the perp's."""

    spot_account: str
    spot_asset: str
    perp_account: str
    perp_symbol: str


@dataclass(frozen=True, slots=True)
class Trusted:
    """A position reading the checks accepted: signed `contracts` (short < 0), read at `at_ms`
    on the venue's clock (our fills after it are added to it to get the expected position)."""

    contracts: Decimal
    at_ms: int


@dataclass(frozen=True, slots=True)
class Suspect:
    """A reading that contradicted the baseline, and how many cycles in a row it was seen."""

    contracts: Decimal
    seen: int


@dataclass(frozen=True, slots=True)
class HedgeMemory:
    """One hedge's rule state (see the module docstring). `fill_cursor_ms` is the venue-clock
    time of the newest fill journaled for the hedge (None: none yet, read the venue's default
    window); `rejections` counts order rejections in a row; `backoff` holds a rejected plan
    back (see `backoff`); `margin_short`: the last GROW order was cut down or dropped because
    the margin available could not fund it; `beta`: an estimated beta and its fit (None for
    a fixed beta, or none estimated yet; see `beta_memory`)."""

    legs: HedgeLegs
    trusted: Trusted | None = None
    suspect: Suspect | None = None
    rebaseline: bool = False
    risk_hold: bool = False
    rejections: int = 0
    fill_cursor_ms: int | None = None
    brackets_missing: bool = False
    rules: RuleMemory = field(default_factory=RuleMemory)
    backoff: Backoff | None = None
    margin_short: bool = False
    roll: RollState | None = None
    beta: BetaMemory | None = None


def request_rebaseline(memory: HedgeMemory) -> HedgeMemory:
    """The operator resumed the hedge: its next reading is accepted as the baseline."""
    return replace(memory, rebaseline=True)


def note_fill(memory: HedgeMemory, timestamp_ms: int) -> HedgeMemory:
    """A fill at `timestamp_ms` (venue clock) was journaled: the cursor only moves forward."""
    cursor = memory.fill_cursor_ms
    if cursor is not None and cursor >= timestamp_ms:
        return memory
    return replace(memory, fill_cursor_ms=timestamp_ms)


def note_order_outcome(
    memory: HedgeMemory, *, rejected: bool, retry_key: str | None = None, now_ms: int = 0
) -> HedgeMemory:
    """Count rejections in a row; an accepted order resets the count and the back-off. A
    rejection with `retry_key` (the planned order's intent) backs that plan off from `now_ms`
    (see `backoff`); one without (post-only would take, a risk reduction) leaves it as it was."""
    if not rejected:
        if memory.rejections == 0 and memory.backoff is None:
            return memory
        return replace(memory, rejections=0, backoff=None)
    backoff = memory.backoff
    if retry_key is not None:
        backoff = after_rejection(backoff, retry_key, now_ms)
    return replace(memory, rejections=memory.rejections + 1, backoff=backoff)


def after_reload(
    memories: Mapping[str, HedgeMemory],
    legs: Mapping[str, HedgeLegs],
    cursor_ms: Mapping[str, int | None],
) -> dict[str, HedgeMemory]:
    """The memories to keep after a config reload whose hedges have `legs`.

    A hedge whose legs are unchanged keeps its memory; one whose legs changed starts afresh
    with its fills cursor at `cursor_ms[name]` (fills before the change are not this hedge's);
    removed hedges are forgotten; new hedges are absent (read from the journal on first use).
    """
    kept: dict[str, HedgeMemory] = {}
    for name, memory in memories.items():
        new = legs.get(name)
        if new is None:
            continue
        if new == memory.legs:
            kept[name] = memory
        else:
            kept[name] = HedgeMemory(legs=new, fill_cursor_ms=cursor_ms.get(name))
    return kept


# --- journal form (JSON-ready; Decimals as exact text) -------------------------------------


def to_data(memory: HedgeMemory) -> dict[str, object]:
    """`memory` as plain JSON values, for the journal."""
    legs = memory.legs
    return {
        "legs": [legs.spot_account, legs.spot_asset, legs.perp_account, legs.perp_symbol],
        "trusted": _pair(memory.trusted.contracts, memory.trusted.at_ms)
        if memory.trusted
        else None,
        "suspect": _pair(memory.suspect.contracts, memory.suspect.seen) if memory.suspect else None,
        "rebaseline": memory.rebaseline,
        "risk_hold": memory.risk_hold,
        "rejections": memory.rejections,
        "fill_cursor_ms": memory.fill_cursor_ms,
        "brackets_missing": memory.brackets_missing,
        "rules": rule_memory_data(memory.rules),
        "backoff": _backoff_data(memory.backoff),
        "margin_short": memory.margin_short,
        "roll": roll_data(memory.roll),
        "beta": beta_data(memory.beta),
    }


def from_data(data: Mapping[str, object]) -> HedgeMemory | None:
    """The memory `to_data` wrote, or None when `data` is not one (a damaged or foreign
    row is ignored rather than trusted)."""
    try:
        return _parse(data)
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return None


def _pair(contracts: Decimal, number: int) -> list[object]:
    return [str(contracts), number]


def _parse(data: Mapping[str, object]) -> HedgeMemory:
    legs = data["legs"]
    if not isinstance(legs, list) or len(legs) != 4 or not all(isinstance(x, str) for x in legs):
        raise ValueError("legs")
    trusted = _parsed_pair(data.get("trusted"))
    suspect = _parsed_pair(data.get("suspect"))
    cursor = data.get("fill_cursor_ms")
    return HedgeMemory(
        legs=HedgeLegs(*legs),
        trusted=Trusted(*trusted) if trusted else None,
        suspect=Suspect(*suspect) if suspect else None,
        rebaseline=_flag(data.get("rebaseline")),
        risk_hold=_flag(data.get("risk_hold")),
        rejections=_int(data.get("rejections", 0)),
        fill_cursor_ms=None if cursor is None else _int(cursor),
        brackets_missing=_flag(data.get("brackets_missing")),
        rules=rule_memory_from(data.get("rules")),
        backoff=_parsed_backoff(data.get("backoff")),
        margin_short=_flag(data.get("margin_short")),
        roll=roll_from(data.get("roll")),
        beta=beta_from(data.get("beta")),
    )


def _backoff_data(backoff: Backoff | None) -> list[object] | None:
    return None if backoff is None else [backoff.key, backoff.attempts, backoff.until_ms]


def _parsed_backoff(value: object) -> Backoff | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 3 or not isinstance(value[0], str):
        raise ValueError("backoff")
    return Backoff(value[0], _int(value[1]), _int(value[2]))


def _parsed_pair(value: object) -> tuple[Decimal, int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str):
        raise ValueError("pair")
    return Decimal(value[0]), _int(value[1])


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("integer expected")
    return value


def _flag(value: object) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise TypeError("boolean expected")
    return value
