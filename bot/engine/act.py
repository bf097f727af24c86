"""Act on one hedge's decision, in order: the risk guard's actions (top-up, leverage), the
planner's cancels, the GROW order's funding transfer, the orders; then ONE risk alert that
says what actually happened (a cut, a top-up, a lower leverage, or only a warning).

A GROW order funded by a spot → futures transfer (`risk.auto_top_up`) is sent only after the
transfer succeeded (journaled as a margin action and alerted); a failed transfer counts as a
rejection of the order's plan, so it is backed off like one. A rejected order backs its plan
off (`domain/backoff.py`) unless it was a post-only order that would have taken or a risk
reduction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import structlog

from bot.domain.decision import Decision
from bot.domain.grow_margin import GrowFunding
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeLegs, note_order_outcome
from bot.domain.model import MarginMode, Wallet
from bot.domain.sizing import PlannedOrder, Purpose
from bot.exchange.errors import ExchangeError
from bot.exchange.port import Exchange
from bot.notify.catalogue import AlertKind, make_alert

from . import watch
from .orders import Outcome, cancel, place
from .risk_guard import GuardActions, apply_risk, journal_margin
from .roll_risk import alert_legs, guard_new_leg
from .runtime import Runtime

__all__ = ["act", "guard"]

log = structlog.get_logger(__name__)


async def guard(rt: Runtime, legs: HedgeLegs, d: Decision, policy: HedgePolicy) -> GuardActions:
    """The risk guard's actions (top-up, leverage) on a trusted reading; while rolling,
    on the contract rolled into too (`done.roll`)."""
    if not d.verdict.ok:
        return GuardActions()
    mode = d.position.margin_mode or policy.margin_mode or MarginMode.ISOLATED
    exchange = rt.exchanges[legs.perp_account]
    done = await apply_risk(rt, exchange, d.hedge, legs.perp_symbol, d.risk, mode)
    done.roll = await guard_new_leg(rt, legs, d, policy, held=done)
    return done


def alert_guard(
    rt: Runtime, d: Decision, done: GuardActions, cuts: Mapping[str, Sequence[str]]
) -> None:
    """The one risk alert of a trusted reading (`roll_risk.alert_legs`); `cuts`: contract →
    the risk-reduce orders placed on it."""
    alert_legs(rt, d, (done, done.roll or GuardActions()), cuts)


async def act(rt: Runtime, legs: HedgeLegs, d: Decision, policy: HedgePolicy) -> list[str]:
    """Everything one hedge does this cycle; one status line per action."""
    exchange = rt.exchanges[legs.perp_account]
    done = await guard(rt, legs, d, policy)
    lines = done.all_lines
    for item in d.plan.cancels:
        outcome = await cancel(rt, exchange, item)
        rt.metrics.count_order(d.hedge, outcome.kind)
        lines.append(outcome.text)
    reduced: dict[str, list[str]] = {}
    for planned in d.plan.orders:
        if planned.purpose is Purpose.GROW and d.funding is not None and d.funding.transfer > 0:
            line, funded = await _fund(rt, exchange, d.hedge, d.funding)
            lines.append(line)
            if not funded:  # counts toward the streak like a rejected order
                _note(rt, d, planned, rejected=True)
                watch.note_rejection(rt, d.hedge, line)
                continue
        outcome = await place(rt, exchange, d.hedge, planned)
        rt.metrics.count_order(d.hedge, outcome.kind)
        lines.append(outcome.text)
        _note(rt, d, planned, rejected=outcome.kind == "rejected", backs_off=outcome.backs_off)
        if outcome.kind == "rejected":
            watch.note_rejection(rt, d.hedge, outcome.text)
        if planned.purpose is Purpose.RISK_REDUCE and _reduced(outcome):
            reduced.setdefault(planned.symbol, []).append(outcome.text)
    alert_guard(rt, d, done, reduced)
    return lines


def _reduced(outcome: Outcome) -> bool:
    """A risk reduction that bought something back (an IOC may fill nothing); in a dry run,
    one that would have been sent."""
    if outcome.kind == "would_place":
        return True
    return outcome.kind == "placed" and (outcome.order is None or outcome.order.filled > 0)


def _note(
    rt: Runtime, d: Decision, planned: PlannedOrder, *, rejected: bool, backs_off: bool = True
) -> None:
    """Keep the order's outcome in the hedge's memory: rejections in a row, and the back-off
    of a rejected plan (never for a risk reduction: a safety trade is not delayed)."""
    safety = planned.purpose is Purpose.RISK_REDUCE
    key = d.order_key if rejected and backs_off and not safety else None
    rt.memory[d.hedge] = note_order_outcome(
        rt.memory[d.hedge], rejected=rejected, retry_key=key, now_ms=rt.now_ms()
    )


async def _margin_wallet(exchange: Exchange, funding: GrowFunding) -> Wallet:
    """The futures wallet margining the funded order's market (USDⓈ-M unless inverse)."""
    if funding.order is None:
        return Wallet.FUTURES
    market = (await exchange.load_markets()).get(funding.order.symbol)
    return market.margin_wallet if market is not None else Wallet.FUTURES


async def _fund(
    rt: Runtime, exchange: Exchange, hedge: str, funding: GrowFunding
) -> tuple[str, bool]:
    """Send the GROW order's spot → futures transfer (into the wallet margining the order's
    market: COIN-M for an inverse perp): (status line, whether it went through)."""
    amount, asset = funding.transfer, funding.asset
    try:
        await exchange.transfer(asset, amount, Wallet.SPOT, await _margin_wallet(exchange, funding))
    except ExchangeError as exc:
        journal_margin(rt, hedge, exchange, "transfer", asset, amount, funding.note,
                       failed=str(exc))  # fmt: skip
        log.error("grow.transfer_failed", hedge=hedge, amount=str(amount), detail=str(exc))
        return f"transfer of {amount} {asset} for the order's margin failed: {exc}", False
    line = journal_margin(rt, hedge, exchange, "transfer", asset, amount, funding.note)
    log.warning("grow.transfer", hedge=hedge, amount=str(amount), asset=asset)
    detail = f"{line} (spot -> futures): {funding.note}"
    rt.notifier.notify(make_alert(AlertKind.GROW_FUNDED, hedge, detail))
    return f"{line} for the order's margin", True
