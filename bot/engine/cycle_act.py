"""A cycle's act step: one decided hedge's actions (the risk guard's only when not
trading), then its record in the journal and the cycle's report."""

from __future__ import annotations

import structlog

from bot.domain.decision import Decision
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeLegs
from bot.exchange.errors import ExchangeError
from bot.exchange.urgent import urgent

from .act import act, alert_guard, guard
from .act_order import is_risk_action
from .basket_cycle import record_members
from .cycle_decide import Decided
from .gather import GatherResult
from .record import record_hedge
from .roll import finish_roll
from .runtime import Runtime

__all__ = ["act_on"]

log = structlog.get_logger(__name__)


async def act_on(
    rt: Runtime,
    cycle_id: str,
    decisions: dict[str, Decision],
    item: Decided,
    result: GatherResult,
    trade: bool,
) -> None:
    """The decision's actions (the risk guard's only when not trading), then its record
    (journal row under `cycle_id`, and `decisions` by hedge)."""
    policy, leg, d = item.policy, item.leg, item.decision
    with structlog.contextvars.bound_contextvars(hedge=policy.name), urgent(is_risk_action(d)):
        lines = await _actions(rt, leg, d, policy, trade)
        perp = result.snapshots[leg.perp_account]
        if item.basket is not None:
            record_members(rt, cycle_id, item.basket, perp, lines)
            decisions.update(item.basket.members)
            return
        record_hedge(rt, cycle_id, policy.name, policy, perp, d, lines, trusted=d.trusted)
        finish_roll(rt, d)
        decisions[policy.name] = d


async def _actions(
    rt: Runtime, leg: HedgeLegs, d: Decision, policy: HedgePolicy, trade: bool
) -> list[str]:
    """One line per action taken."""
    if trade:
        try:
            return await act(rt, leg, d, policy)
        except ExchangeError as exc:
            log.warning("hedge.act_failed", detail=str(exc))
            return [f"action failed: {exc}"]
    done = await guard(rt, leg, d, policy)
    alert_guard(rt, d, done, {})
    return done.all_lines
