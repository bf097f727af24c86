"""The engine's side of baskets (several hedges on one perp, `domain/basket.py`): which
hedges the cycle decides together, their one decision, and each member's memory.

`hedge_groups` is the cycle's unit of work: one name for a hedge alone on its perp, the
basket's names (lead first, config order) otherwise. `decide_group` builds every member's
inputs with the ONE input builder (`inputs.hedge_inputs`: its rules, observation, memory)
and decides the perp once (`basket_decision.decide_basket`). The cycle acts on the lead's
`trade` decision (its client ids carry the lead's name, so its orders, fills and trust
baseline are the basket's) and records each member's own view.
"""

from __future__ import annotations

from collections.abc import Mapping

import structlog

from bot.domain.basket import group_by_perp
from bot.domain.basket_decision import BasketDecision, decide_basket
from bot.domain.memory import HedgeLegs
from bot.domain.model import AccountSnapshot

from .gather import GatherResult
from .inputs import hedge_inputs
from .record import record_hedge
from .runtime import Runtime

__all__ = ["decide_group", "hedge_groups", "record_members", "share_with_members"]

log = structlog.get_logger(__name__)


def hedge_groups(legs: Mapping[str, HedgeLegs]) -> tuple[tuple[str, ...], ...]:
    """The hedges grouped by (perp account, perp symbol), config order, lead first."""
    return group_by_perp({n: (leg.perp_account, leg.perp_symbol) for n, leg in legs.items()})


async def decide_group(
    rt: Runtime,
    names: tuple[str, ...],
    result: GatherResult,
    now_ms: int,
    waiting: str | None,
) -> BasketDecision | str:
    """The basket `names` decided once from this cycle's `result`, or why it cannot be
    (the first member that cannot be decided, or data the domain refuses). `waiting` says an
    order of the basket awaits its outcome. Reads the journal, places nothing."""
    policies, legs = rt.policies, rt.legs
    members = []
    for name in names:
        inputs = await hedge_inputs(rt, policies[name], legs[name], result, now_ms, waiting)
        if isinstance(inputs, str):
            return f"basket member {name}: {inputs}"
        members.append(inputs)
    try:
        return decide_basket(members)
    except ValueError as exc:  # absurd values the domain refuses to reason about
        log.error("hedge.bad_data", detail=str(exc))
        return f"bad data: {exc}"


def share_with_members(rt: Runtime, decided: BasketDecision) -> None:
    """Every member but the lead takes its view's memory and the lead's data pause (the
    lead's memory is kept by the cycle with the trade decision, then moved by the outcome
    of its orders; the data verdict is alerted once, for the lead)."""
    lead = decided.trade.hedge
    paused = rt.state.hedges[lead].data_pause_reason
    for name, view in decided.members.items():
        if name != lead:
            rt.memory[name] = view.memory
            rt.state.hedges[name].data_pause_reason = paused


def record_members(
    rt: Runtime, cycle_id: str, decided: BasketDecision, perp: AccountSnapshot, lines: list[str]
) -> None:
    """Journal, metrics and /status for each member's view, with the basket's action
    lines; each member's cycle log line names that member."""
    policies = rt.policies
    for name, d in decided.members.items():
        with structlog.contextvars.bound_contextvars(hedge=name):
            record_hedge(rt, cycle_id, name, policies[name], perp, d, lines, trusted=d.trusted)
