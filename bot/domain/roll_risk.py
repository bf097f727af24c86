"""The risk guard on a roll's NEW contract, and how its grade bounds the roll. Pure.

While a hedge rolls, its short is split over the held (old) contract, graded by
`decision.decide`, and the contract rolled into, graded here from the same account snapshot
(`risk_inputs.risk_view` on it: its market, position and brackets, the wallet per margin
mode — isolated: its own margin; cross: the shared wallet, the old leg counted as one more
position in it). Then:
- the roll's gate is the stricter of the two legs' (`roll_gate`): a new leg graded TOP_UP or
  worse (gate BLOCK_INCREASE), or still held since (`new_leg_hold`: the held contract's
  hysteresis, `hold.py`, kept in the roll's state), stops the roll's sells of it;
- at REDUCE on the new leg, the roll's step is a reduce-only buy-back on it of the guard's
  cut (`risk_cut.cut_for`), priced and sliced as the planner sends a risk reduction
  (`new_leg_cut`).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bot.domain.hedge import HedgePolicy
from bot.domain.hold import risk_hold_after
from bot.domain.liquidation import MarginBracket
from bot.domain.model import AccountSnapshot
from bot.domain.planner import Cancel, HedgePlan, HedgeView, plan, reference_price
from bot.domain.risk import RiskAssessment, assess
from bot.domain.risk_inputs import risk_view
from bot.domain.risk_policy import RiskGate, RiskPolicy
from bot.domain.roll_step import RollView, plan_roll

__all__ = ["leg_gate", "new_leg_cut", "new_leg_hold", "new_leg_risk", "roll_gate"]

ZERO = Decimal(0)
_STRICTNESS = (RiskGate.ALLOW, RiskGate.BLOCK_INCREASE, RiskGate.REDUCE)


def new_leg_risk(
    policy: HedgePolicy,
    risk_policy: RiskPolicy,
    perp: AccountSnapshot,
    symbol: str,
    brackets: tuple[MarginBracket, ...],
) -> RiskAssessment:
    """The assessment of `symbol` (the contract rolled into) in `perp` at its own mark, as
    the held contract's is made (`policy`'s leverage and margin mode); every reason starts
    with the contract's symbol, so journal rows and alerts name it."""
    on_new = replace(policy, perp_symbol=symbol)
    mark = reference_price(perp.quotes[symbol])
    risk = assess(risk_view(on_new, risk_policy, perp, brackets, mark))
    return replace(risk, reasons=tuple(f"{symbol}: {reason}" for reason in risk.reasons))


def new_leg_hold(held: bool, risk: RiskAssessment | None, restore: Decimal) -> bool:
    """The new contract's risk hold after this cycle's trusted `risk` (`hold.risk_hold_after`;
    `restore` is `restore_distance`); an assessment missing or made without brackets keeps
    it as it was (it cannot say the distance is restored)."""
    if risk is None or risk.brackets_missing:
        return held
    return risk_hold_after(held, risk, restore)


def leg_gate(risk: RiskAssessment | None, *, held: bool) -> RiskGate:
    """One leg's gate: its assessment's (none: BLOCK_INCREASE, a leg not graded is never
    grown), ALLOW tightened to BLOCK_INCREASE while the leg's risk hold is on."""
    gate = risk.gate if risk is not None else RiskGate.BLOCK_INCREASE
    return RiskGate.BLOCK_INCREASE if gate is RiskGate.ALLOW and held else gate


def roll_gate(old: RiskGate, new: RiskGate, *, allow_reduce: bool = True) -> RiskGate:
    """The stricter of the two legs' gates (REDUCE > BLOCK_INCREASE > ALLOW); a REDUCE is
    only BLOCK_INCREASE when reductions are not allowed (`risk.allow_reduce: false`)."""
    gate = max(old, new, key=_STRICTNESS.index)
    if gate is RiskGate.REDUCE and not allow_reduce:
        return RiskGate.BLOCK_INCREASE
    return gate


def new_leg_cut(view: RollView, risk: RiskAssessment) -> HedgePlan:
    """The roll's step at REDUCE on the new leg: any live order of the hedge (on either
    contract) cancelled first, with nothing placed (one live order per hedge); else the
    reduce-only buy-back of `risk.reduce_contracts` (unsigned contracts, at least the venue's
    step, at most the short) on the new contract, as the planner sends a risk reduction
    (aggressive limit, sliced to the venue's limits). `state` measures the combined short."""
    name, symbol = view.policy.name, view.new.market.symbol
    state = plan_roll(replace(view, live_orders=())).state
    live = tuple(o for o in view.live_orders if o.status.is_live and o.remaining > 0)
    why = f"risk reduction on {symbol} first"
    if live:
        cancels = tuple(Cancel(o.id, o.symbol, why) for o in live)
        return HedgePlan(name, state, cancels=cancels, notes=(why,))
    alone = HedgeView(
        policy=replace(view.policy, perp_symbol=symbol),
        market=view.new.market,
        spot=view.exposure,
        position=view.new.position,
        quote=view.new.quote,
        now_ms=view.now_ms,
        risk_gate=RiskGate.REDUCE,
        risk_reduce_contracts=max(risk.reduce_contracts, ZERO),
    )
    cut = plan(alone)
    return replace(cut, state=state, notes=(why, *cut.notes))
