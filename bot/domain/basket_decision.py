"""A basket's cycle: `decide_basket(members) -> BasketDecision`. Pure.

Several hedges on one perp (`basket.py`) are decided ONCE: each member's effective target
and exposure are computed exactly as for a hedge alone (`decision.size_hedge`), summed
into one combined policy and exposure, and the lead's
inputs (`members[0]`: its orders, fills and trust baseline are the basket's) go through
`decision.decide` with them. So the data checks, the risk guard (on the shared position,
once) and the planner (one live order) run once for the perp.

Then each member gets its own view of that one decision: its share of the position
(`basket.attributed`, pro rata to the targets), its ratio measured on that share, its
holding, target and reason, and a `basket` naming the partners. The lead's memory carries
the basket's trading state (trust baseline, risk hold, back-off); every member's memory
mirrors it with the member's own legs and rule memory, so whichever member leads after a
reload starts from the same baseline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from bot.domain.basket import (
    BasketShare,
    Member,
    attributed,
    basket_exposure,
    combined_policy,
    weights,
)
from bot.domain.decision import Decision, DecisionInputs, decide, size_hedge
from bot.domain.hedge import HedgePolicy, measure
from bot.domain.holding import Holding, HoldingPart
from bot.domain.instrument import HedgeExposure
from bot.domain.model import AccountSnapshot, Order, frozen_map
from bot.domain.numbers import plain
from bot.domain.targets import Target
from bot.domain.trust import start_cycle

__all__ = ["BasketDecision", "decide_basket"]

ONE = Decimal(1)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class BasketDecision:
    """`trade`: the basket's one decision, named after the lead, to act on (its position is
    the whole perp position); `policy`: the combined policy it was planned with; `members`:
    each hedge's view by name, config order (its share, ratio, holding, target, memory)."""

    policy: HedgePolicy
    trade: Decision
    members: Mapping[str, Decision]


@dataclass(frozen=True, slots=True)
class _Sized:
    """One member with its inputs, sized this cycle (`decision.size_hedge`)."""

    inputs: DecisionInputs
    target: Target
    policy: HedgePolicy
    exposure: HedgeExposure


def decide_basket(members: Sequence[DecisionInputs]) -> BasketDecision:
    """Decide the perp shared by `members` once (lead first) and view it per member (see
    the module docstring). Raises ValueError naming the field for values the domain refuses
    (members on different perps, execution settings that differ)."""
    _check_one_perp(members)
    sized = [_sized(i) for i in members]
    basket = [Member(s.policy, s.exposure.units) for s in sized]
    policy = combined_policy(basket)
    names = tuple(i.policy.name for i in members)
    trade = decide(_combined_inputs(sized, policy, basket_exposure(basket)))
    trade = replace(trade, memory=replace(trade.memory, rules=sized[0].target.memory))
    fractions = weights(basket)
    shares = attributed(trade.position.contracts, fractions)
    views = {
        s.inputs.policy.name: _member_view(trade, s, share, BasketShare(names, fraction))
        for s, share, fraction in zip(sized, shares, fractions, strict=True)
    }
    whole = BasketShare(names, ONE)
    return BasketDecision(policy, replace(trade, basket=whole), frozen_map(views))


def _check_one_perp(members: Sequence[DecisionInputs]) -> None:
    if not members:
        raise ValueError("a basket needs at least one hedge")
    perps = {(i.perp.account, i.policy.perp_symbol) for i in members}
    if len(perps) > 1:
        raise ValueError(f"hedges.{members[0].policy.name}: a basket spans {sorted(perps)}")


def _sized(i: DecisionInputs) -> _Sized:
    """A member's effective target, its policy with it, and its exposure (as `decide`)."""
    sized = size_hedge(i, start_cycle(i.memory))
    return _Sized(i, sized.target, sized.policy, sized.exposure)


def _combined_inputs(sized: list[_Sized], policy: HedgePolicy, total: Decimal) -> DecisionInputs:
    """The lead's inputs with the combined policy and exposure (the members' holding notes
    kept): every member's live orders (more than one is cancelled by the planner), paused
    or blocked when any member is, a re-baseline when any member asked, and the oldest
    spot reading (freshness)."""
    lead = sized[0].inputs
    market = lead.perp.markets[policy.perp_symbol]
    parts = tuple(HoldingPart(s.policy.name, s.exposure.units * s.policy.beta) for s in sized)
    notes = tuple(note for s in sized for note in s.exposure.holding.notes)
    exposure = HedgeExposure(Holding(market.base, total, parts, notes), ONE, total)
    inputs = [s.inputs for s in sized]
    blocked = next((i.blocked_reason for i in inputs if i.blocked_reason is not None), None)
    rebaseline = any(i.memory.rebaseline for i in inputs)
    return replace(
        lead,
        policy=policy,
        spot=min((i.spot for i in inputs), key=_taken_at),
        memory=replace(lead.memory, rebaseline=rebaseline),
        live_orders=_union(i.live_orders for i in inputs),
        paused=any(i.paused for i in inputs),
        blocked_reason=blocked,
        rules=None,
        observation=None,
        exposure=exposure,
    )


def _taken_at(snapshot: AccountSnapshot) -> int:
    return snapshot.taken_at_ms


def _union(groups: Iterable[tuple[Order, ...]]) -> tuple[Order, ...]:
    """Orders of every member, each once (by venue id)."""
    seen: dict[str, Order] = {}
    for orders in groups:
        for order in orders:
            seen.setdefault(order.id, order)
    return tuple(seen.values())


def _member_view(trade: Decision, s: _Sized, share: Decimal, basket: BasketShare) -> Decision:
    """`trade` as member `s` sees it: `share` contracts of the position, its ratio on it."""
    name = s.policy.name
    market = s.inputs.perp.markets[s.policy.perp_symbol]
    state = trade.plan.state
    if state is not None:
        state = measure(s.policy, market, s.exposure.units, share, state.price)
    partners = ", ".join(basket.partners(name))
    percent = plain(round(basket.fraction * HUNDRED, 2))
    note = f"basket with {partners}: {percent} % of the position"
    memory = replace(trade.memory, legs=s.inputs.memory.legs, rules=s.target.memory)
    return replace(
        trade,
        hedge=name,
        plan=replace(trade.plan, hedge=name, state=state, notes=(*trade.plan.notes, note)),
        position=replace(trade.position, contracts=share),
        spot_amount=s.exposure.holding.coins,
        memory=memory,
        target=s.target,
        holding=s.exposure.holding,
        exposure=s.exposure.units,
        multiplier=s.exposure.multiplier,
        basket=basket,
    )
