"""A cycle's decide step: each hedge (or basket) decided from the cycle's reads, its roll
step applied, its memory kept. Reads only: the actions are `cycle_act`'s."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from bot.domain.basket_decision import BasketDecision
from bot.domain.decision import Decision, decide
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeLegs

from . import watch
from .basket_cycle import decide_group, share_with_members
from .gather import GatherResult
from .inputs import hedge_inputs
from .roll import roll_decision
from .runtime import Runtime

__all__ = ["WAITING", "Decided", "decide_hedge", "decide_one"]

log = structlog.get_logger(__name__)
WAITING = "waiting for the outcome of an order sent earlier"


@dataclass(frozen=True, slots=True)
class Decided:
    """One planned trade: a hedge's decision, or a basket's (`basket` then carries the
    members' shares to record)."""

    policy: HedgePolicy
    leg: HedgeLegs
    decision: Decision
    basket: BasketDecision | None = None


async def decide_hedge(
    rt: Runtime,
    policy: HedgePolicy,
    leg: HedgeLegs,
    result: GatherResult,
    now_ms: int,
    waiting: str | None,
) -> Decision | str:
    """One hedge's decision from this cycle's `result`, or why it cannot be decided (an
    account unreadable, the market missing, data the domain refuses). Reads the journal and
    the venue's margin brackets, places nothing: shared by the cycle and `hedgebot plan`."""
    inputs = await hedge_inputs(rt, policy, leg, result, now_ms, waiting)
    if isinstance(inputs, str):
        return inputs
    try:
        return decide(inputs)
    except ValueError as exc:  # absurd values the domain refuses to reason about
        log.error("hedge.bad_data", detail=str(exc))
        return f"bad data: {exc}"


async def decide_one(
    rt: Runtime,
    skipped: dict[str, str],
    group: tuple[str, ...],
    result: GatherResult,
    now: int,
    blocked: set[str],
) -> Decided | None:
    """`group` (`basket_cycle.hedge_groups`) decided, or None with why in `skipped`."""
    name = group[0]
    waiting = WAITING if blocked.intersection(group) else None
    with structlog.contextvars.bound_contextvars(hedge=name):
        if len(group) > 1:
            return await _decide_basket(rt, skipped, group, result, now, waiting)
        policy, leg = rt.policies[name], rt.legs[name]
        d = await decide_hedge(rt, policy, leg, result, now, waiting)
        if isinstance(d, str):
            skipped[name] = d
            rt.state.hedges[name].data_pause_reason = d
            return None
        perp = result.snapshots[leg.perp_account]
        d = await roll_decision(rt, leg, perp, d, blocked=waiting is not None)
        _remember(rt, name, d, leg)
    return Decided(policy, leg, d)


async def _decide_basket(
    rt: Runtime,
    skipped: dict[str, str],
    names: tuple[str, ...],
    result: GatherResult,
    now: int,
    waiting: str | None,
) -> Decided | None:
    """Several hedges on one perp: decided once (`basket_cycle`), traded as its lead."""
    b = await decide_group(rt, names, result, now, waiting)
    if isinstance(b, str):
        for name in names:
            skipped[name] = b
            rt.state.hedges[name].data_pause_reason = b
        return None
    leg = rt.legs[b.trade.hedge]
    _remember(rt, b.trade.hedge, b.trade, leg)
    share_with_members(rt, b)
    return Decided(b.policy, leg, b.trade, b)


def _remember(rt: Runtime, name: str, d: Decision, leg: HedgeLegs) -> None:
    """Keep the decision's memory and turn its changes into one log line or alert each."""
    before = rt.memory.get(name)
    rt.memory[name] = d.memory
    if d.rebaselined:
        log.warning("data.rebaselined", hedge=name, contracts=str(d.position.contracts))
    watch.data_verdict(rt, name, d.verdict)
    was_missing = before is not None and before.brackets_missing
    watch.brackets_state(rt, name, leg, missing=d.memory.brackets_missing, was=was_missing)
    was_short = before is not None and before.margin_short
    watch.margin_short(rt, name, d.funding, short=d.memory.margin_short, was=was_short)
