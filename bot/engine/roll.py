"""The paired roll of a `future.series` hedge, one step per cycle.

Once the venue clock reaches `expiry − roll_before_hours` on the held contract (and
`at_expiry` is `close`), the cycle that sees it starts a roll to the series' next listed
contract (`roll_plan.roll_target`) and places nothing that cycle; from the next one, both
contracts are gathered and each cycle's plan is `roll_step.plan_roll` in place of the
planner's (one live order for the hedge across both, post-only, the old leg bought back
reduce-only, old + new kept within [target − band, max_ratio] × exposure). A risk
reduction on the old leg still wins; untrusted data or a pause cancels and places nothing.
The new leg is graded too (`roll_risk`): the stricter of both legs' gates (with their risk
holds) holds the new leg's sells, and at REDUCE on it the step buys it back reduce-only.
A roll that cannot finish post-only before `expiry − 1h` raises `roll_late` once and sends
its remaining steps IOC. When the old leg is flat with nothing of ours resting on it, the
roll is done: the hedge holds the new contract (its memory starts afresh, rules kept).

Journal (`roll_events`): start, each leg fill, late, done (with the roll cost: the basis
paid or earned, `roll_state.RollProgress.cost`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

import structlog

from bot.config.hedges import HedgeSettings
from bot.domain.contracts import base_exposure
from bot.domain.decision import Decision
from bot.domain.hedge import HedgePolicy, short_exposure
from bot.domain.memory import HedgeLegs
from bot.domain.model import AccountSnapshot, Fill, Order, Side
from bot.domain.planner import Cancel, HedgePlan, reference_price
from bot.domain.risk_policy import RiskGate
from bot.domain.roll_plan import roll_due, roll_target
from bot.domain.roll_risk import leg_gate, new_leg_cut, new_leg_hold, roll_gate
from bot.domain.roll_state import RollState, roll_line, roll_progress, start_roll
from bot.domain.roll_step import RollLeg, RollView, plan_roll, roll_late
from bot.notify.catalogue import AlertKind, make_alert

from .inputs import our_orders
from .roll_inputs import delivers, rolled_over
from .roll_risk import assess_new_leg
from .runtime import Runtime

__all__ = ["RollEvent", "finish_roll", "roll_decision", "roll_step"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RollEvent:
    """What a roll step found for the journal (`roll_events`): its start, a leg fill not
    journaled as a roll event yet (`trade_id`), or that it went late."""

    kind: str  # "start" | "fill" | "late"
    roll: RollState
    detail: str
    trade_id: str | None = None


Stepped = tuple[Decision, tuple[RollEvent, ...]]


async def roll_decision(
    rt: Runtime, leg: HedgeLegs, perp: AccountSnapshot, d: Decision, *, blocked: bool
) -> Decision:
    """`d` as the roll changes it (`roll_step`), its events journaled, logged and alerted."""
    rolled, events = await roll_step(rt, leg, perp, d, blocked=blocked)
    for event in events:
        _record(rt, d.hedge, event)
    return rolled


async def roll_step(
    rt: Runtime,
    leg: HedgeLegs,
    perp: AccountSnapshot,
    d: Decision,
    *,
    blocked: bool,
    fresh: Sequence[Fill] = (),
) -> Stepped:
    """`d` as the roll changes it: started this cycle, or this cycle's roll step in place
    of the planner's plan; `d` itself for a hedge that is not rolling. Writes nothing: the
    events are returned (`hedgebot plan` drops them). `fresh`: the hedge's fills the venue
    reported that the journal does not hold yet (a cycle journals them before deciding)."""
    hedge = rt.settings.hedges[d.hedge]
    roll = d.memory.roll
    if roll is not None:
        d = replace(d, roll_risk=await assess_new_leg(rt, leg, perp, d.hedge, roll))
        return _stepped(rt, leg, perp, d, roll, blocked=blocked, fresh=fresh)
    if d.verdict.ok and not delivers(hedge):
        roll = await _due_roll(rt, hedge, leg, perp, d)
        if roll is not None:
            return _started(d, roll)
    return d, ()


async def _due_roll(
    rt: Runtime, hedge: HedgeSettings, leg: HedgeLegs, perp: AccountSnapshot, d: Decision
) -> RollState | None:
    """The roll to start now, if the held contract of a series is in its roll window and
    the venue lists a later contract of the series."""
    series = hedge.future.dated_series() if hedge.future is not None else None
    market = perp.markets.get(leg.perp_symbol)
    if series is None or market is None or market.expiry_ms is None:
        return None
    quote = perp.quotes[leg.perp_symbol]
    now = quote.timestamp_ms
    if not roll_due(now, market.expiry_ms, series.roll_before_ms):
        return None
    markets = await rt.exchanges[leg.perp_account].load_markets()
    target = roll_target(markets.values(), market, series.series, now)
    if target is None:
        return None
    size = short_exposure(market, d.position.contracts, reference_price(quote))
    return start_roll(leg.perp_symbol, target.symbol, now, size)


def _started(d: Decision, roll: RollState) -> Stepped:
    start = RollEvent("start", roll, f"{roll.size.normalize():f} to move")
    plan = replace(d.plan, orders=(), notes=(*d.plan.notes, f"roll started: {roll_line(roll)}"))
    return replace(d, plan=plan, memory=replace(d.memory, roll=roll), funding=None), (start,)


def _stepped(
    rt: Runtime,
    leg: HedgeLegs,
    perp: AccountSnapshot,
    d: Decision,
    roll: RollState,
    *,
    blocked: bool,
    fresh: Sequence[Fill],
) -> Stepped:
    """This cycle's roll step (progress from the journal, lateness, the plan) in `d`."""
    if roll.to_symbol not in perp.markets or roll.to_symbol not in perp.quotes:
        why = f"roll: {roll.to_symbol} not read this cycle"
        plan = HedgePlan(d.hedge, d.plan.state, notes=(roll_line(roll), why))
        return replace(d, plan=plan, funding=None, order_key=None), ()
    roll, events = _with_progress(rt, d.hedge, perp, roll, fresh)
    view = _view(rt, leg, perp, d, roll)
    if not roll.late and roll_late(view):
        roll, late = _went_late(roll)
        view, events = replace(view, late=True), (*events, late)
    roll, gate = _gate(rt, d, roll)
    plan = _plan(d, view, blocked=blocked, gate=gate)
    plan = replace(plan, notes=(roll_line(roll), *plan.notes))
    key = plan.orders[0].intent if plan.orders else None
    memory = replace(d.memory, roll=roll)
    live = view.live_orders
    stepped = replace(d, plan=plan, memory=memory, live_orders=live, funding=None, order_key=key)
    return stepped, events


def _gate(rt: Runtime, d: Decision, roll: RollState) -> tuple[RollState, RiskGate]:
    """`roll` with the new contract's risk hold after this (trusted) reading, and the roll's
    gate: the stricter of both legs' (each with its risk hold; `roll_risk.roll_gate`)."""
    settings = rt.settings.risk
    if d.verdict.ok:
        held = new_leg_hold(roll.risk_hold, d.roll_risk, settings.restore_distance)
        roll = roll if held == roll.risk_hold else replace(roll, risk_hold=held)
    old = leg_gate(d.risk, held=d.memory.risk_hold)
    new = leg_gate(d.roll_risk, held=roll.risk_hold)
    return roll, roll_gate(old, new, allow_reduce=settings.allow_reduce)


def _plan(d: Decision, view: RollView, *, blocked: bool, gate: RiskGate) -> HedgePlan:
    """The roll step, unless the risk guard reduces (its plan on the old leg wins), an
    order's outcome is awaited (place nothing), the data is untrusted or the hedge paused
    (cancel both legs' orders), or the new leg grades REDUCE (its buy-back,
    `roll_risk.new_leg_cut`); a roll `gate` that blocks increases holds the new leg's sells
    (so does a new leg that could not be graded)."""
    if d.risk.gate is RiskGate.REDUCE:
        on_new = [o for o in view.live_orders if o.symbol == view.new.market.symbol]
        why = "risk reduction on the old contract first"
        cancels = tuple(Cancel(o.id, o.symbol, why) for o in on_new)
        return HedgePlan(d.hedge, d.plan.state, cancels=cancels, notes=(why,)) if on_new else d.plan
    if blocked and d.verdict.ok:
        return HedgePlan(d.hedge, None, notes=d.plan.notes)
    if d.plan.state is None:
        why = d.plan.notes[0] if d.plan.notes else "no trading this cycle"
        cancels = tuple(Cancel(o.id, o.symbol, why) for o in view.live_orders)
        return HedgePlan(d.hedge, None, cancels=cancels, notes=(why,))
    if gate is RiskGate.REDUCE and d.roll_risk is not None:
        return new_leg_cut(view, d.roll_risk)
    step = plan_roll(view)
    if gate is RiskGate.ALLOW or not any(o.side is Side.SELL for o in step.orders):
        return step
    why = f"roll: not selling {view.new.market.symbol} while the risk gate blocks increases"
    if d.roll_risk is None:
        why = f"roll: not selling {view.new.market.symbol}: its risk could not be graded"
    return replace(step, orders=(), notes=(*step.notes, why))


def _view(
    rt: Runtime, leg: HedgeLegs, perp: AccountSnapshot, d: Decision, roll: RollState
) -> RollView:
    policy: HedgePolicy = rt.policies[d.hedge]
    if d.target is not None:
        policy = replace(policy, target_ratio=d.target.ratio)
    old, new = leg.perp_symbol, roll.to_symbol
    live = our_orders(perp, d.hedge, old) + our_orders(perp, d.hedge, new)
    return RollView(
        policy=policy,
        old=RollLeg(perp.markets[old], d.position, perp.quotes[old]),
        new=RollLeg(perp.markets[new], perp.position(new), perp.quotes[new]),
        exposure=d.exposure_units,
        now_ms=rt.now_ms(),
        venue_ms=perp.quotes[old].timestamp_ms,
        size=roll.size,
        live_orders=_aged_locally(rt, d.hedge, live),
        late=roll.late,
    )


def _aged_locally(rt: Runtime, hedge: str, orders: tuple[Order, ...]) -> tuple[Order, ...]:
    """Our orders stamped with the local time we sent them (as the planner ages them)."""
    sent = {r.client_id: r.created_at_ms for r in rt.journal.open_orders_for(hedge)}
    return tuple(
        replace(o, timestamp_ms=sent[o.client_id]) if o.client_id in sent else o for o in orders
    )


def _with_progress(
    rt: Runtime, hedge: str, perp: AccountSnapshot, roll: RollState, fresh: Sequence[Fill]
) -> tuple[RollState, tuple[RollEvent, ...]]:
    """The roll's progress from our fills since it started (journaled, and `fresh`); each
    leg fill not journaled as a roll event yet becomes one."""
    fills = rt.journal.fills_since(hedge, roll.started_ms) + tuple(fresh)

    def base_of(fill: Fill) -> Decimal:
        market = perp.markets.get(fill.symbol)
        return fill.amount if market is None else base_exposure(market, fill.amount, fill.price)

    after = roll_progress(roll, fills, base_of)
    known = rt.journal.roll_fill_ids(hedge)
    events = tuple(
        RollEvent("fill", after, f"{f.side.value} {f.amount} {f.symbol} @ {f.price}", f.id)
        for f in fills
        if f.symbol in (roll.from_symbol, roll.to_symbol) and f.id not in known
    )
    return after, events


def _went_late(roll: RollState) -> tuple[RollState, RollEvent]:
    late = replace(roll, late=True)
    detail = f"{roll_line(roll)}: it cannot finish post-only an hour before the old contract "
    detail += "expires; the remaining steps are sent IOC"
    return late, RollEvent("late", late, detail)


def _record(rt: Runtime, hedge: str, event: RollEvent) -> None:
    """A roll event journaled; a start logged, a late one logged and alerted."""
    roll = event.roll
    _journal(rt, hedge, event.kind, roll, event.detail, trade_id=event.trade_id)
    if event.kind == "start":
        log.warning("roll.started", hedge=hedge, old=roll.from_symbol, new=roll.to_symbol)
    elif event.kind == "late":
        log.warning("roll.late", hedge=hedge, detail=event.detail)
        rt.notifier.notify(make_alert(AlertKind.ROLL_LATE, hedge, event.detail))


def finish_roll(rt: Runtime, d: Decision) -> None:
    """After the cycle's actions: a roll whose old leg read flat (trusted), with nothing of
    ours resting on either contract and nothing sent this cycle (the new leg holds the
    short), is done; the hedge holds the new contract from the next cycle (a fresh memory
    on it, the rule state kept)."""
    memory = rt.memory.get(d.hedge)
    roll = memory.roll if memory is not None else None
    if memory is None or roll is None or not d.verdict.ok or not d.position.is_flat:
        return
    if d.plan.orders or d.live_orders:
        return
    cost = roll.progress.cost
    _journal(rt, d.hedge, "done", roll, f"{roll_line(roll)}; roll cost {cost:f}")
    log.warning("roll.done", hedge=d.hedge, new=roll.to_symbol, cost=str(cost))
    rt.resolved[d.hedge] = roll.to_symbol
    rt.memory[d.hedge] = rolled_over(memory, roll)


def _journal(
    rt: Runtime, hedge: str, kind: str, roll: RollState, detail: str, trade_id: str | None = None
) -> None:
    rt.journal.record_roll_event(
        hedge,
        kind,
        from_symbol=roll.from_symbol,
        to_symbol=roll.to_symbol,
        moved=roll.progress.moved,
        cost=roll.progress.cost,
        detail=detail,
        data={"trade_id": trade_id} if trade_id else None,
    )
