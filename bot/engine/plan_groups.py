"""`hedgebot plan` over baskets: each hedge decided as the cycle decides it — a hedge alone
on its perp by itself, a basket (several hedges on one perp) once, viewed per member."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.decision import Decision

from .basket_cycle import decide_group
from .cycle_decide import decide_hedge
from .gather import GatherResult
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
        return {name: await decide_hedge(rt, rt.policies[name], legs[name], result, now, waiting)}
    basket = await decide_group(rt, group, result, now, waiting)
    if isinstance(basket, str):
        return dict.fromkeys(group, basket)
    return basket.members
