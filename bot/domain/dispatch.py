"""From the planner's orders to the ones the shell sends this cycle. Pure.

Two rules sit between `planner.plan` and the venue:
1. A GROW order needs new initial margin: `grow_margin.fund_grow` funds it from the futures
   wallet's free balance, or (with `risk.auto_top_up`, at most `risk.max_top_up`) by a
   spot → futures transfer the shell sends first, or sizes it down to what the margin
   available affords (a partial hedge beats none), or drops it with a note saying what to do.
2. An order whose plan the venue rejected waits out its back-off (`backoff`), unless the
   plan changed meanwhile (then the back-off is forgotten).

`Dispatch.key` is the planned order's intent before any resize: what a rejection backs off,
so a resize that follows the margin available from cycle to cycle is still the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from bot.domain.backoff import waiting
from bot.domain.grow_margin import Collateral, GrowFunding, fund_grow
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeMemory
from bot.domain.model import AccountSnapshot, Market, Position
from bot.domain.planner import HedgePlan
from bot.domain.risk_policy import RiskPolicy
from bot.domain.sizing import PlannedOrder, Purpose

__all__ = ["Dispatch", "dispatch"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Dispatch:
    """The plan to act on, the GROW order's funding (None: no GROW order is sent), the
    back-off key of the order planned (None: none), and the memory with `margin_short` and
    the back-off brought up to date."""

    plan: HedgePlan
    funding: GrowFunding | None
    key: str | None
    memory: HedgeMemory


def dispatch(
    plan: HedgePlan,
    *,
    policy: HedgePolicy,
    risk_policy: RiskPolicy,
    perp: AccountSnapshot,
    position: Position,
    memory: HedgeMemory,
    now_ms: int,
) -> Dispatch:
    """Apply the two rules of the module docstring to `plan` (at most one order)."""
    if not plan.orders:
        return Dispatch(plan, None, None, memory)
    (planned,) = plan.orders
    key = planned.intent
    if memory.backoff is not None and memory.backoff.key != key:
        memory = replace(memory, backoff=None)  # the plan changed: send it at once
    funding = None
    order: PlannedOrder | None = planned
    notes = list(plan.notes)
    if planned.purpose is Purpose.GROW:
        market = perp.markets[planned.symbol]
        collateral = _collateral(risk_policy, perp, market)
        funding = fund_grow(planned, market, _leverage(policy, position), collateral)
        order = funding.order
        short = order is None or order.amount < planned.amount
        memory = replace(memory, margin_short=short) if short != memory.margin_short else memory
        if short or funding.transfer > 0:
            notes.append(funding.note)
    wait = waiting(memory.backoff, key, now_ms)
    if wait is not None:  # nothing is sent, so nothing is funded either
        order, funding = None, None
        notes.append(wait)
    orders = () if order is None else (order,)
    return Dispatch(replace(plan, orders=orders, notes=tuple(notes)), funding, key, memory)


def _leverage(policy: HedgePolicy, position: Position) -> int:
    """The venue's leverage for the position when it reports one, else the configured one
    (which the daemon sets before trading)."""
    if position.leverage is not None and position.leverage >= 1:
        return int(position.leverage)
    return policy.leverage


def _collateral(risk_policy: RiskPolicy, perp: AccountSnapshot, market: Market) -> Collateral:
    """The settle currency free in the perp account's futures wallet margining `market`
    (COIN-M for an inverse perp) and in its spot wallet (none apart in a unified wallet)."""
    settle = market.settle or market.quote
    futures = perp.margin_balances(market).get(settle)
    spot = None if market.unified_margin else perp.spot.get(settle)  # one wallet: no transfer
    return Collateral(
        futures_free=futures.free if futures else ZERO,
        spot_free=spot.free if spot else ZERO,
        auto_top_up=risk_policy.auto_top_up,
        max_transfer=risk_policy.max_top_up,
    )
