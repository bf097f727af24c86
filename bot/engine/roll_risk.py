"""The risk guard on a roll's new contract, in the cycle (`domain/roll_risk.py` decides).

While a hedge rolls, each cycle grades the contract rolled into from the same account
snapshot (its margin brackets read as the held contract's, `brackets.prefetch_brackets`),
acts on that grade as on the held contract's (`risk_guard.apply_risk`: isolated margin added
to the NEW contract, a spot → futures transfer in cross, a lower leverage on it), journals
it (its reasons start with the contract's symbol) and sends one risk alert per cycle for
both legs, naming each contract's figures and actions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import structlog

from bot.domain.decision import Decision
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeLegs
from bot.domain.model import AccountSnapshot, MarginMode
from bot.domain.risk import RiskAssessment
from bot.domain.risk_policy import RiskGrade
from bot.domain.roll_risk import new_leg_risk
from bot.domain.roll_state import RollState
from bot.notify.catalogue import make_alert

from .brackets import ensure_brackets
from .risk_guard import GuardActions, alert_kind, apply_risk
from .runtime import Runtime

__all__ = ["alert_legs", "assess_new_leg", "guard_new_leg"]

log = structlog.get_logger(__name__)
WAITS = "top-up waits for the next cycle (the held contract's used the same balances)"


async def assess_new_leg(
    rt: Runtime, leg: HedgeLegs, perp: AccountSnapshot, hedge: str, roll: RollState
) -> RiskAssessment | None:
    """The contract rolled into, graded from `perp`; None when it was not read this cycle
    or its figures cannot be assessed (logged: the roll then sells nothing)."""
    symbol = roll.to_symbol
    if symbol not in perp.markets or symbol not in perp.quotes:
        return None
    entry = await ensure_brackets(rt, leg.perp_account, symbol)
    policy = rt.policies[hedge]
    try:
        return new_leg_risk(policy, rt.settings.risk.to_policy(), perp, symbol, entry.brackets)
    except ValueError as exc:
        log.error("roll.new_leg_bad_data", symbol=symbol, detail=str(exc))
        return None


async def guard_new_leg(
    rt: Runtime, legs: HedgeLegs, d: Decision, policy: HedgePolicy, held: GuardActions
) -> GuardActions:
    """The guard's actions on the contract rolled into (a trusted reading of a rolling
    hedge only). Its top-up waits a cycle when the held contract's moved margin this cycle:
    both were planned from the same balances, the next cycle re-reads them. It is added in
    the new contract's own margin mode (as assessed), like the held contract's."""
    risk, roll = d.roll_risk, d.memory.roll
    if risk is None or roll is None or not d.verdict.ok:
        return GuardActions()
    waits = held.margin_moved and risk.top_up is not None
    if waits:
        risk = replace(risk, top_up=None)
    mode = risk.margin_mode or policy.margin_mode or MarginMode.ISOLATED  # its own mode first
    exchange = rt.exchanges[legs.perp_account]
    done = await apply_risk(rt, exchange, d.hedge, roll.to_symbol, risk, mode)
    if waits:
        done.lines.append(f"{roll.to_symbol}: {WAITS}")
    return done


def alert_legs(
    rt: Runtime,
    d: Decision,
    guarded: Sequence[GuardActions],
    cuts: Mapping[str, Sequence[str]],
) -> None:
    """One risk alert for a trusted reading graded WARN or worse on either leg: its kind
    says what was done on the worse-graded leg (`risk_guard.alert_kind`), its body every
    graded leg's reasons and actions. `guarded`: the held contract's actions, then the new
    one's while rolling; `cuts`: contract → the risk-reduce orders placed on it."""
    if not d.verdict.ok:
        return
    roll = d.memory.roll
    legs = [(d.risk, d.position.symbol)]
    if d.roll_risk is not None and roll is not None:
        legs.append((d.roll_risk, roll.to_symbol))
    graded = [
        (risk, done, list(cuts.get(symbol, ())))
        for (risk, symbol), done in zip(legs, guarded, strict=False)
        if risk.grade is not RiskGrade.OK
    ]
    if not graded:
        return
    worst, done, cut = max(graded, key=lambda g: g[0].grade)
    kind = alert_kind(worst, done, reduced=bool(cut))
    body = [line for risk, done, cut in graded for line in (*risk.reasons, *done.lines, *cut)]
    rt.notifier.notify(make_alert(kind, d.hedge, "; ".join(body)))
