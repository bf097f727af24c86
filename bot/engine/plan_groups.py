"""`hedgebot plan` over baskets: each hedge decided as the cycle decides it — a hedge alone
on its perp by itself (with the roll step a cycle puts in place of its plan), a basket
(several hedges on one perp) once, viewed per member."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.decision import Decision

from .basket_cycle import decide_group
from .cycle_decide import decide_hedge
from .gather import GatherResult
from .roll import roll_step
from .roll_inputs import roll_fresh_fills
from .runtime import Runtime

__all__ = ["decide_each"]


async def decide_each(
    rt: Runtime,
    group: tuple[str, ...],
    result: GatherResult,
    now: int,
    waiting: str | None,
    failed: Mapping[str, str],
) -> Mapping[str, Decision | str]:
    """Each hedge of `group` (`basket_cycle.hedge_groups`) decided, or why it cannot be
    (`failed`: account → why it could not be read this cycle)."""
    legs = rt.legs
    down = [a for n in group for a in (legs[n].spot_account, legs[n].perp_account)]
    down = [a for a in down if a in failed]
    if down:
        return dict.fromkeys(group, f"account {down[0]}: {failed[down[0]]}")
    if len(group) == 1:
        name = group[0]
        d = await decide_hedge(rt, rt.policies[name], legs[name], result, now, waiting)
        return {name: d if isinstance(d, str) else await _rolled(rt, d, result, waiting)}
    basket = await decide_group(rt, group, result, now, waiting)
    if isinstance(basket, str):
        return dict.fromkeys(group, basket)
    return basket.members


async def _rolled(rt: Runtime, d: Decision, result: GatherResult, waiting: str | None) -> Decision:
    """`d` as the cycle's roll step changes it (`roll.roll_step`), its events not journaled;
    fills the journal does not hold yet count, as the cycle journals them before deciding."""
    leg = rt.legs[d.hedge]
    perp = result.snapshots[leg.perp_account]
    fresh = roll_fresh_fills(rt, leg, d.memory.roll, result)
    rolled, _ = await roll_step(rt, leg, perp, d, blocked=waiting is not None, fresh=fresh)
    return rolled
