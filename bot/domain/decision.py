"""One hedge, one cycle: `decide(DecisionInputs) -> Decision`. Pure.

The engine gathers one `DecisionInputs` (this cycle's snapshots, what the journal says, the
hedge's memory) and this function does the rest, in order:
0. the effective target from the hedge's rules (`targets.effective_target`): the planner
   works on the policy with that target in place of `target_ratio`;
1. trust the data — freshness of every part, the position against our fills (`staleness`,
   `trust`);
2. grade the risk, never skipped (`risk.assess` over `risk_inputs.risk_view`), and turn it
   into the planner's gate: the grade's own gate, tightened to "no increase" while the risk
   hold is on or the margin brackets are missing, and "reduce" softened when reductions are
   not allowed;
3. plan the orders (`planner.plan`), then what is sent of them (`dispatch`: a GROW order
   funded or sized to the margin available, a rejected plan backed off);
4. the memory the next cycle starts from (trust step, risk hold, brackets missing, back-off,
   margin short, rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from bot.domain.basket import BasketShare
from bot.domain.dispatch import Dispatch, dispatch
from bot.domain.grow_margin import GrowFunding
from bot.domain.hedge import HedgePolicy
from bot.domain.hold import risk_hold_after
from bot.domain.holding import Holding, Sources
from bot.domain.instrument import HedgeExposure, annualised_basis, closing_before_delivery
from bot.domain.liquidation import MarginBracket
from bot.domain.memory import HedgeMemory, Trusted
from bot.domain.model import AccountSnapshot, Fill, Order, Position, frozen_map
from bot.domain.planner import HedgePlan, HedgeView, plan, reference_price
from bot.domain.proxy import sized_exposure
from bot.domain.risk import RiskAssessment, assess
from bot.domain.risk_inputs import BRACKETS_MISSING, risk_view
from bot.domain.risk_policy import RiskGate, RiskPolicy
from bot.domain.staleness import (
    DataVerdict,
    check_fresh,
    check_position_matches_fills,
    first_problem,
)
from bot.domain.target_rules import Observation, Rules
from bot.domain.targets import Target, effective_target
from bot.domain.trust import expected_contracts, start_cycle, step

__all__ = ["Decision", "DecisionInputs", "Sized", "decide", "size_hedge"]

ZERO = Decimal(0)
NOT_GROWN = f"{BRACKETS_MISSING}: not adding to the short until they can be read"
CLOSING = "the dated contract delivers within the hour: buying the short back, never delivered"


@dataclass(frozen=True, slots=True)
class DecisionInputs:
    """Everything one hedge's decision depends on, already read (no I/O left).

    `live_orders`: OUR live orders for this hedge (the shell recognises its client ids);
    `sent_at_ms`: client id → when we sent it (local clock, from the journal), so order ages
    compare `now_ms` with itself; `fills_since_trusted`: our fills since the baseline in
    `memory`; `last_fill_ms`: our newest fill ever (venue clock), the stamp of a baseline the
    venue did not stamp; `turnover_today`: quote traded today; `paused`: operator or kill
    switch; `blocked_reason`: e.g. an order whose outcome is unknown — keep live orders, place
    nothing; `brackets`: empty when the venue's could not be read (then the short never grows);
    `rules` / `observation`: the hedge's target rules and what they see this cycle (None: the
    policy's `target_ratio` alone, seen at `now_ms`); `exposure`: already sized, used as is
    (a basket's summed exposure, `basket_decision`), None: sized from `spot` here;
    `holding_sources`: the balances of each of the hedge's spot sources in order (None:
    `spot`'s spot wallet alone); `grow_blocked`: why the short may not grow this cycle (e.g.
    no estimated beta yet; "" when it may).
    """

    policy: HedgePolicy
    risk_policy: RiskPolicy
    spot: AccountSnapshot
    perp: AccountSnapshot
    memory: HedgeMemory
    now_ms: int
    max_age_ms: int
    brackets: tuple[MarginBracket, ...] = ()
    live_orders: tuple[Order, ...] = ()
    sent_at_ms: Mapping[str, int] = field(default_factory=frozen_map)
    fills_since_trusted: tuple[Fill, ...] = ()
    last_fill_ms: int | None = None
    turnover_today: Decimal = ZERO
    paused: bool = False
    blocked_reason: str | None = None
    allow_reduce: bool = True
    rules: Rules | None = None
    observation: Observation | None = None
    exposure: HedgeExposure | None = None
    deliver: bool = False  # `at_expiry: deliver`: a dated contract is held into delivery
    holding_sources: Sources | None = None
    grow_blocked: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """What one hedge does this cycle and why. `memory` is what the next cycle starts from;
    `trusted`: this cycle's position reading passed the checks (it is the new baseline);
    `rebaselined`: a contradicting reading was adopted after `trust.CONFIRM_CYCLES`;
    `funding`: how the GROW order in `plan` is funded (a transfer to send first), None when no
    GROW order is sent; `order_key`: what a rejection of the planned order backs off;
    `target`: the effective target the plan aimed at, with its reason.
    `spot_amount` is the holding in coins of the spot asset (spot, plus the COIN-M margin
    when it counts: `holding` has the parts); `exposure` is it in the instrument's base units
    (coins / `multiplier`, e.g. 1000PEPE units); `basis` a dated future's annualised basis
    (`instrument.annualised_basis`), None for a perpetual. `basket`: the hedges sharing this
    perp and this hedge's part of its position (`domain/basket.py`), None when alone on it.
    `roll_risk`: while the hedge rolls, the assessment of the contract rolled into
    (`domain/roll_risk.py`; `risk` stays the held contract's), else None."""

    hedge: str
    verdict: DataVerdict
    risk: RiskAssessment
    plan: HedgePlan
    position: Position
    spot_amount: Decimal
    live_orders: tuple[Order, ...]
    memory: HedgeMemory
    trusted: bool = False
    rebaselined: bool = False
    funding: GrowFunding | None = None
    order_key: str | None = None
    target: Target | None = None
    holding: Holding | None = None
    exposure: Decimal | None = None
    multiplier: Decimal = Decimal(1)
    basis: Decimal | None = None
    basket: BasketShare | None = None
    roll_risk: RiskAssessment | None = None

    @property
    def exposure_units(self) -> Decimal:
        """The holding in the instrument's base units (what the ratio divides by)."""
        return self.spot_amount if self.exposure is None else self.exposure


def decide(i: DecisionInputs) -> Decision:
    """Staleness → risk → plan → next memory for one hedge (see the module docstring).
    Raises ValueError naming the field for values the domain refuses to reason about."""
    symbol = i.policy.perp_symbol
    memory = start_cycle(i.memory)
    sized = size_hedge(i, memory)
    target, policy, closing, exposure = sized.target, sized.policy, sized.closing, sized.exposure
    position = i.perp.position(symbol)
    market = i.perp.markets[symbol]
    quote = i.perp.quotes[symbol]
    live = _aged_locally(i.live_orders, i.sent_at_ms)
    verdict = _verdict(i, memory.trusted, position)
    risk = assess(risk_view(policy, i.risk_policy, i.perp, i.brackets, reference_price(quote)))
    gate, reduce = _gate(i, risk, held=memory.risk_hold)
    data_ok = verdict.ok and i.blocked_reason is None
    view = HedgeView(
        policy=policy,
        market=market,
        spot=exposure.units,
        position=position,
        quote=quote,
        now_ms=i.now_ms,
        live_orders=live,
        turnover_today=i.turnover_today,
        risk_gate=gate,
        risk_reduce_contracts=reduce,
        paused=i.paused,
        data_ok=data_ok,
        data_reason=verdict.reason if not verdict.ok else (i.blocked_reason or ""),
    )
    sent = _sent(i, view, memory, data_trusted=verdict.ok)
    notes = (*exposure.holding.notes, *((CLOSING,) if closing else ()))
    notes += (i.grow_blocked,) if i.grow_blocked else ()
    hedge_plan = replace(sent.plan, notes=(*sent.plan.notes, *notes))
    trust = step(sent.memory, ok=verdict.ok, position=position, stamp_ms=_stamp(i, position))
    after = _remember(i, trust.memory, risk, verdict.ok)
    if after.rules != target.memory:
        after = replace(after, rules=target.memory)
    return Decision(
        policy.name,
        verdict,
        risk,
        hedge_plan,
        position,
        exposure.holding.coins,
        live,
        after,
        trusted=trust.trusted,
        rebaselined=trust.rebaselined,
        holding=exposure.holding,
        exposure=exposure.units,
        multiplier=exposure.multiplier,
        basis=annualised_basis(
            reference_price(quote), quote.index, quote.timestamp_ms, market.expiry_ms
        ),
        target=target,
        funding=sent.funding,
        order_key=sent.key,
    )


def _sent(
    i: DecisionInputs, view: HedgeView, memory: HedgeMemory, *, data_trusted: bool
) -> Dispatch:
    """The planner's plan (nothing new while an order's outcome is awaited), noted when the
    brackets are missing, then what of it is sent (`dispatch`)."""
    if i.blocked_reason is not None and data_trusted:
        # Waiting for an order's outcome is not bad data: keep live orders, place nothing.
        hedge_plan = HedgePlan(view.policy.name, None, notes=(i.blocked_reason,))
    else:
        hedge_plan = plan(view)
    if not i.brackets:
        hedge_plan = replace(hedge_plan, notes=(*hedge_plan.notes, NOT_GROWN))
    return dispatch(
        hedge_plan,
        policy=view.policy,
        risk_policy=i.risk_policy,
        perp=i.perp,
        position=view.position,
        memory=memory,
        now_ms=i.now_ms,
    )


@dataclass(frozen=True, slots=True)
class Sized:
    """One hedge sized for this cycle: its effective `target`, the `policy` planned with
    (that target as `target_ratio`, or 0 while a dated contract closes: `closing`) and its
    `exposure` in the instrument's base units."""

    target: Target
    policy: HedgePolicy
    closing: bool
    exposure: HedgeExposure


def size_hedge(i: DecisionInputs, memory: HedgeMemory) -> Sized:
    """The target and exposure steps of the pipeline for one hedge, from this cycle's
    `memory` (after `start_cycle`); `i.exposure` when it is given (a basket's sum)."""
    target = _target(i, memory)
    policy, closing = _target_policy(i, target.ratio)
    symbol = policy.perp_symbol
    price = reference_price(i.perp.quotes[symbol])
    exposure = i.exposure or sized_exposure(
        policy, i.perp.markets[symbol], i.spot, i.perp, price, i.holding_sources
    )
    return Sized(target, policy, closing, exposure)


def _target(i: DecisionInputs, memory: HedgeMemory) -> Target:
    """The effective target; without rules, the policy's `target_ratio`."""
    policy = i.policy
    rules = i.rules or Rules(base_ratio=policy.target_ratio, max_ratio=policy.max_ratio)
    return effective_target(rules, memory.rules, i.observation or Observation(now_ms=i.now_ms))


def _target_policy(i: DecisionInputs, ratio: Decimal) -> tuple[HedgePolicy, bool]:
    """The policy planned with: the effective target `ratio`, except that a dated contract
    in its last hour wants no short at all (judged on the venue's clock, the quote's stamp,
    as the delivery time is the venue's) unless it is left to deliver (`at_expiry`)."""
    market = i.perp.markets[i.policy.perp_symbol]
    quote = i.perp.quotes[i.policy.perp_symbol]
    closing = not i.deliver and closing_before_delivery(market, quote.timestamp_ms)
    return replace(i.policy, target_ratio=ZERO if closing else ratio), closing


def _gate(i: DecisionInputs, risk: RiskAssessment, *, held: bool) -> tuple[RiskGate, Decimal]:
    """The planner's gate and the contracts to buy back (see the module docstring)."""
    gate, reduce = risk.gate, risk.reduce_contracts
    if gate is RiskGate.REDUCE and not i.allow_reduce:
        gate, reduce = RiskGate.BLOCK_INCREASE, ZERO
    if gate is RiskGate.ALLOW and (held or not i.brackets or i.grow_blocked):
        gate = RiskGate.BLOCK_INCREASE
    return gate, reduce


def _remember(
    i: DecisionInputs, memory: HedgeMemory, risk: RiskAssessment, trusted_data: bool
) -> HedgeMemory:
    """The risk hold follows trusted readings graded with brackets only (a bracketless
    grade cannot say the distance is restored); `brackets_missing` is this cycle's."""
    missing = not i.brackets
    restore = i.risk_policy.restore_distance
    graded = trusted_data and not missing
    held = risk_hold_after(memory.risk_hold, risk, restore) if graded else memory.risk_hold
    if held == memory.risk_hold and missing == memory.brackets_missing:
        return memory
    return replace(memory, risk_hold=held, brackets_missing=missing)


def _stamp(i: DecisionInputs, position: Position) -> int:
    """When this reading was taken: the venue's stamp, else our newest fill, else 0."""
    if position.timestamp_ms is not None:
        return position.timestamp_ms
    return i.last_fill_ms or 0


def _venue_now(quote_ms: int | None, position: Position, last_fill: int | None) -> int:
    """The newest venue-clock time this snapshot shows (quote, position update, our fills)."""
    stamps = [t for t in (quote_ms, position.timestamp_ms, last_fill) if t is not None]
    return max(stamps, default=0)


def _verdict(i: DecisionInputs, trusted: Trusted | None, position: Position) -> DataVerdict:
    market = i.perp.markets[i.policy.perp_symbol]
    quote = i.perp.quotes.get(i.policy.perp_symbol)
    quote_ms = quote.timestamp_ms if quote else None
    fills = i.fills_since_trusted if trusted is not None else ()
    last_fill = max((f.timestamp_ms for f in fills), default=None)
    checks = [
        check_fresh("spot balances", i.spot.taken_at_ms, i.now_ms, i.max_age_ms),
        check_fresh("positions", i.perp.taken_at_ms, i.now_ms, i.max_age_ms),
        # The quote carries the venue's stamp: compare it with the venue's own clock (its
        # newest stamp in this snapshot), not ours. Mixing clocks paused every hedge forever
        # under clock skew or a replay's accelerated market clock; our read time is checked
        # above (`taken_at_ms`).
        check_fresh("quote", quote_ms, _venue_now(quote_ms, position, last_fill), i.max_age_ms),
        check_position_matches_fills(
            position,
            expected_contracts(trusted, fills),
            last_fill,
            market.amount_step / 2,
        ),
    ]
    return first_problem(checks)


def _aged_locally(orders: tuple[Order, ...], sent_at: Mapping[str, int]) -> tuple[Order, ...]:
    """Our orders stamped with the local time we sent them, so the planner's reprice age
    (`now_ms` − `timestamp_ms`) compares one clock with itself."""
    return tuple(
        replace(o, timestamp_ms=sent_at[o.client_id])
        if o.client_id is not None and o.client_id in sent_at
        else o
        for o in orders
    )
