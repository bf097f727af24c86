"""One cycle of a roll: the orders that move a hedge's short from the expiring contract (old
leg) to the next one (new leg), as a `HedgePlan`. Pure.

Rules (the planner's, applied to two legs):
- ONE live order per hedge across both contracts; a second is cancelled before anything is
  placed, a kept one never exceeds the step now wanted (so its fill is as safe as the step);
- each step is `roll_plan.next_roll_step`: buy back a slice of the old leg (reduce-only,
  never more than it holds) or sell a slice of the new one, so that after any fill
  `(target − band) × exposure ≤ old + new ≤ max_ratio × exposure` and neither leg is long;
  once the old leg is flat, the new one is sold up to what the old one held at the start
  (capped at max_ratio), and the roll is done when nothing is left to sell;
- steps are post-only at the touch on our side; a LATE roll (`roll_late`) sends them IOC at
  the far touch instead;
- in the old contract's last hour (`instrument.CLOSE_BEFORE_MS`) the whole old leg is
  bought back in one IOC step (it is never delivered), then the new leg is refilled IOC:
  the combined short is below the floor for that one step only.
The combined short is what the hedge's ratio, gap and status show during the roll.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from bot.domain.contracts import (
    base_exposure,
    contracts_for_base,
    contracts_for_notional,
    order_size_problem,
    plain,
    round_amount_down,
    round_price_aggressive,
    round_price_passive,
)
from bot.domain.hedge import HedgePolicy, HedgeState, measure
from bot.domain.instrument import CLOSE_BEFORE_MS
from bot.domain.model import Market, Order, Position, Quote, Side
from bot.domain.planner import Cancel, HedgePlan, HedgeView, keep_problem, reference_price
from bot.domain.roll_plan import (
    RollBounds,
    RollLegs,
    RollMove,
    RollStep,
    floor_to,
    next_roll_step,
)
from bot.domain.sizing import PlannedOrder, Purpose

__all__ = ["RollLeg", "RollView", "plan_roll", "roll_late", "roll_legs"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class RollLeg:
    """One contract of the roll: its market, our position (signed contracts) and its quote."""

    market: Market
    position: Position
    quote: Quote

    @property
    def price(self) -> Decimal:
        return reference_price(self.quote)

    @property
    def short(self) -> Decimal:
        """The leg's short in base units (negative when net long)."""
        return -base_exposure(self.market, self.position.contracts, self.price)


@dataclass(frozen=True, slots=True)
class RollView:
    """Everything a roll step depends on. `policy` carries the effective target;
    `exposure` is what the short offsets (base units); `live_orders` OUR live orders on
    either contract, stamped with the local time they were sent; `size` the old leg's
    short when the roll started (base), what the new leg ends with (at most max_ratio);
    `late`: escalate to IOC."""

    policy: HedgePolicy
    old: RollLeg
    new: RollLeg
    exposure: Decimal
    now_ms: int
    venue_ms: int
    size: Decimal = ZERO
    live_orders: tuple[Order, ...] = ()
    late: bool = False


def roll_legs(view: RollView) -> RollLegs:
    """The two shorts in base units (positive)."""
    return RollLegs(max(view.old.short, ZERO), max(view.new.short, ZERO))


def roll_late(view: RollView) -> bool:
    """Whether the roll cannot finish before `expiry − 1h` at its post-only pace: each slice
    left (at most the room between the bounds, and `_max_slice`) takes two steps (buy old,
    sell new) of up to `reprice_after_ms` each (a post-only order's life before it is
    repriced). No room at all is late."""
    expiry = view.old.market.expiry_ms
    if expiry is None:
        return False
    old, bounds = roll_legs(view).old, _bounds(view)
    room = min(bounds.max_slice, bounds.high - bounds.low)
    if old > 0 and room <= 0:
        return True
    slices = (old / room).to_integral_value(rounding=ROUND_CEILING) if old else 0
    needed = 2 * int(slices) * view.policy.reprice_after_ms
    return view.venue_ms + needed >= expiry - CLOSE_BEFORE_MS


def plan_roll(view: RollView) -> HedgePlan:
    """This cycle's cancels and orders for the roll (see the module docstring); `state`
    measures the combined short."""
    name = view.policy.name
    state = _combined(view)
    live = tuple(o for o in view.live_orders if o.status.is_live and o.remaining > 0)
    if len(live) > 1:
        why = f"{len(live)} live orders for one hedge; cancelling all before placing any"
        return HedgePlan(name, state, cancels=_cancel_all(live, why), notes=(why,))
    legs = roll_legs(view)
    if view.old.position.contracts > 0 or view.new.position.contracts > 0:
        why = "a leg of the roll is net long: nothing is placed until it is looked at"
        return HedgePlan(name, state, cancels=_cancel_all(live, why), notes=(why,))
    wanted, note = _wanted(view, legs)
    if not live:
        return HedgePlan(name, state, orders=() if wanted is None else (wanted,), notes=(note,))
    order = live[0]
    problem = _keep_problem(view, order, wanted)
    if problem is None:
        return HedgePlan(name, state, kept=(order.id,), notes=(f"keeping {order.id}",))
    why = problem if wanted is not None else f"{problem}: {note}"
    return HedgePlan(
        name, state, cancels=(Cancel(order.id, order.symbol, why),), notes=(f"cancel: {why}",)
    )


def _combined(view: RollView) -> HedgeState:
    """The hedge measured on old + new, in the old contract's units."""
    old = view.old
    total = roll_legs(view).total
    contracts = -contracts_for_base(old.market, total, old.price)
    return measure(view.policy, old.market, view.exposure, contracts, old.price)


def _max_slice(view: RollView) -> Decimal:
    """The most one step moves, base units: `max_order_notional` and the venues'
    `max_amount` (the whole old leg when neither is set)."""
    limits = [roll_legs(view).old or Decimal(1)]
    for leg in (view.old, view.new):
        if view.policy.max_order_notional is not None:
            most = contracts_for_notional(leg.market, view.policy.max_order_notional, leg.price)
            limits.append(base_exposure(leg.market, most, leg.price))
        if leg.market.max_amount is not None:
            limits.append(base_exposure(leg.market, leg.market.max_amount, leg.price))
    return min(limits)


def _bounds(view: RollView) -> RollBounds:
    policy = view.policy
    low = max(policy.target_ratio - policy.band, ZERO) * view.exposure
    high = policy.max_ratio * view.exposure
    step = min(
        base_exposure(leg.market, leg.market.amount_step, leg.price) for leg in (view.old, view.new)
    )
    return RollBounds(low, high, max_slice=_max_slice(view), step=step)


def _closing(view: RollView) -> bool:
    expiry = view.old.market.expiry_ms
    return expiry is not None and view.venue_ms >= expiry - CLOSE_BEFORE_MS


def _wanted(view: RollView, legs: RollLegs) -> tuple[PlannedOrder | None, str]:
    """The step's order, or None and why."""
    bounds = _bounds(view)
    if legs.old <= 0:
        return _refill(view, legs, bounds)
    late = view.late or _closing(view)
    if _closing(view):  # never delivered: the whole old leg, then the new one is refilled
        step: RollStep | None = RollStep(RollMove.BUY_OLD, legs.old)
    else:
        step = next_roll_step(legs, bounds)
    if step is None:
        return None, "roll: no slice fits between target − band and max_ratio"
    leg = view.old if step.move is RollMove.BUY_OLD else view.new
    return _order(view, leg, step, aggressive=late)


def _refill(view: RollView, legs: RollLegs, bounds: RollBounds) -> tuple[PlannedOrder | None, str]:
    """With the old leg flat, sell the new one up to what the old one held at the start
    (never above max_ratio); None when it holds that: the roll is done."""
    short = min(view.size, bounds.high) - legs.new
    amount = floor_to(min(short, bounds.max_slice), bounds.step)
    if amount <= 0:
        return None, "roll: the old leg is flat and the new one holds the short"
    step = RollStep(RollMove.SELL_NEW, amount)
    return _order(view, view.new, step, aggressive=view.late or _closing(view))


def _order(
    view: RollView, leg: RollLeg, step: RollStep, *, aggressive: bool
) -> tuple[PlannedOrder | None, str]:
    market, held = leg.market, -leg.position.contracts
    buy = step.move is RollMove.BUY_OLD
    side = Side.BUY if buy else Side.SELL
    contracts = round_amount_down(market, contracts_for_base(market, step.amount, leg.price))
    if buy:  # reduce-only, never more than the leg holds; the last slice takes all of it
        contracts = held if step.amount >= roll_legs(view).old else min(contracts, held)
    touch = (leg.quote.ask if buy else leg.quote.bid) if aggressive else None
    price = (
        round_price_aggressive(market, touch, side)
        if touch is not None
        else round_price_passive(market, leg.quote.bid if buy else leg.quote.ask, side)
    )
    label = f"roll {step.move.value}: {side.value} {plain(contracts)} {market.symbol}"
    problem = order_size_problem(market, contracts, price, reduce_only=buy)
    if contracts <= 0 or problem:
        return None, f"{label} not placed: {problem or 'below one step'}"
    after = leg.position.contracts + (contracts if buy else -contracts)
    order = PlannedOrder(
        symbol=market.symbol,
        side=side,
        amount=contracts,
        price=price,
        post_only=view.policy.post_only and not aggressive,
        reduce_only=buy,
        immediate_or_cancel=aggressive,
        purpose=Purpose.SHRINK if buy else Purpose.GROW,
        intent=f"{view.policy.name}:roll-{step.move.value}:{market.symbol}:"
        f"{plain(leg.position.contracts)}>{plain(after)}",
    )
    return order, f"{label} @ {plain(price)}" + (" (IOC)" if aggressive else "")


def _keep_problem(view: RollView, order: Order, wanted: PlannedOrder | None) -> str | None:
    """The planner's keep rules, against the leg the live order is on."""
    if wanted is not None and order.symbol != wanted.symbol:
        return f"wanted an order on {wanted.symbol} instead"
    leg = view.old if order.symbol == view.old.market.symbol else view.new
    at = HedgeView(view.policy, leg.market, view.exposure, leg.position, leg.quote, view.now_ms)
    return keep_problem(at, order, wanted)


def _cancel_all(live: tuple[Order, ...], why: str) -> tuple[Cancel, ...]:
    return tuple(Cancel(o.id, o.symbol, why) for o in live)
