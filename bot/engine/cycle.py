"""One hedge cycle: gather → decide → act → record, for every hedge.

`run_cycle(rt, trade=True)` is what the hedge job runs; the risk job runs it with
`trade=False` (read, assess, top up margin; no orders). Both are serialised by the daemon.
Each cycle owns its journal row: started first, finished whatever happens.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import structlog

from bot.domain.basket_decision import BasketDecision
from bot.domain.decision import Decision, decide
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeLegs
from bot.exchange.errors import ExchangeError
from bot.exchange.urgent import urgent
from bot.store import JournalError

from . import watch
from .act import act, alert_guard, guard
from .act_order import is_risk_action, urgent_first
from .basket_cycle import decide_group, hedge_groups, record_members, share_with_members
from .beta_refresh import refresh_betas
from .brackets import prefetch_brackets
from .concurrency import run_bounded
from .dated_resolve import move_past_expired, note_unlisted
from .fill_reads import fill_pickers, new_fill_symbols
from .fills import fill_cursors, journal_fills, note_clock
from .gather import (
    AccountNeeds,
    GatherResult,
    gather_accounts,
    needs_by_account,
    unquoted_accounts,
)
from .holding_sources import with_source_needs
from .inputs import NO_QUOTE, ensure_memories, hedge_inputs
from .orders import resolve_unsettled, settle_vanished
from .record import record_hedge
from .roll import finish_roll, roll_decision
from .roll_inputs import roll_cursors, roll_needs, roll_owners, roll_setup
from .runtime import Runtime
from .setup import ensure_setup
from .weight_budget import note_weights

__all__ = ["WAITING", "CycleReport", "decide_hedge", "legs_needs", "run_cycle"]

log = structlog.get_logger(__name__)
WAITING = "waiting for the outcome of an order sent earlier"


@dataclass
class CycleReport:
    cycle_id: str
    decisions: dict[str, Decision] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # hedge → why
    failures: dict[str, str] = field(default_factory=dict)  # account → error
    duration_s: float = 0.0

    @property
    def unreadable(self) -> dict[str, str]:
        """The hedges skipped because a venue reply of theirs could not be read (a quote)."""
        return {h: why for h, why in self.skipped.items() if why.startswith(NO_QUOTE)}

    @property
    def ok(self) -> bool:
        """No account and no hedge's market data failed to read (else /healthz says why)."""
        return not self.failures and not self.unreadable

    @property
    def error(self) -> str | None:
        """The accounts (and hedges) whose reads failed, one line, or None."""
        failed = {**self.failures, **self.unreadable}
        return "; ".join(f"{a}: {e}" for a, e in failed.items()) or None


def legs_needs(legs: dict[str, HedgeLegs]) -> dict[str, AccountNeeds]:
    """What each account must be read for, from every hedge's legs."""
    return needs_by_account(
        {
            n: ((leg.spot_account, leg.spot_asset), (leg.perp_account, leg.perp_symbol))
            for n, leg in legs.items()
        }
    )


async def decide_hedge(
    rt: Runtime,
    policy: HedgePolicy,
    leg: HedgeLegs,
    result: GatherResult,
    now_ms: int,
    waiting: str | None,
) -> Decision | str:
    """One hedge's decision from this cycle's `result`, or why it cannot be decided (an
    account unreadable, the market missing, data the domain refuses). Reads the journal and
    the venue's margin brackets, places nothing: shared by the cycle and `hedgebot plan`."""
    inputs = await hedge_inputs(rt, policy, leg, result, now_ms, waiting)
    if isinstance(inputs, str):
        return inputs
    try:
        return decide(inputs)
    except ValueError as exc:  # absurd values the domain refuses to reason about
        log.error("hedge.bad_data", detail=str(exc))
        return f"bad data: {exc}"


async def run_cycle(rt: Runtime, *, trade: bool = True) -> CycleReport:
    """Run one cycle over every configured hedge. Exchange failures skip the affected hedges;
    anything else propagates (a bug must fail the cycle loudly) after the cycle's journal row
    is closed with the error."""
    started = time.monotonic()
    report = CycleReport(cycle_id=uuid.uuid4().hex[:12])
    rt.journal.start_cycle(report.cycle_id)
    status = "error"
    error: str | None = "cycle interrupted"
    try:
        mode = {"mode": "DRY RUN"} if rt.dry_run else {}  # on every line of a dry cycle
        with structlog.contextvars.bound_contextvars(cycle_id=report.cycle_id, **mode):
            await _run(rt, report, trade=trade)
        status, error = ("ok" if report.ok else "error"), report.error
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        report.duration_s = time.monotonic() - started
        _finish(rt, report.cycle_id, status, error)
    return report


def _finish(rt: Runtime, cycle_id: str, status: str, error: str | None) -> None:
    try:
        rt.journal.finish_cycle(cycle_id, status=status, error=error)
    except JournalError as exc:  # never mask the error that ended the cycle
        log.error("cycle.finish_not_journaled", detail=str(exc))


async def _run(rt: Runtime, report: CycleReport, *, trade: bool) -> None:
    watch.check_kill_switch(rt)
    await move_past_expired(rt)
    ensure_memories(rt)
    await refresh_betas(rt)
    legs = rt.legs
    if trade:
        await ensure_setup(rt, legs, rt.policies)
        await ensure_setup(rt, *roll_setup(rt))  # the contract a roll moves into
    tight = note_weights(rt)
    needs = roll_needs(rt, with_source_needs(rt.settings, legs_needs(legs)))
    result, _ = await asyncio.gather(
        gather_accounts(
            rt.exchanges,
            needs,
            fills_since_ms=roll_cursors(rt, fill_cursors(rt, legs)),
            now_ms=rt.now_ms,
            fills_wanted=fill_pickers(rt, tight),
        ),
        prefetch_brackets(rt, legs.values()),
    )
    rt.scale.fills.commit(new_fill_symbols(rt, result))
    rt.unlisted |= unquoted_accounts(result)  # a delivered contract: reload markets next cycle
    journal_fills(rt, result, legs, roll_owners(rt))
    note_clock(rt, result)
    for failure in result.failures:
        report.failures[failure.account] = str(failure.error)
        note_unlisted(rt, failure.account, failure.error)
        watch.account_failed(rt, failure.account, failure.error)
    for account in result.snapshots:
        watch.account_ok(rt, account)
    blocked = await resolve_unsettled(rt, rt.exchanges, legs) if trade else set()
    if trade:
        await settle_vanished(rt, rt.exchanges, _listed_orders(result))
    now = rt.now_ms()
    # Decide every hedge first (reads only; a basket, several hedges on one perp, once), then
    # act: per account at most `scale.act_concurrency` at once, risk actions first; one
    # hedge's failure is caught in its own `_act`, so it never delays the others.
    decided = await asyncio.gather(
        *(_decide(rt, report, group, result, now, blocked) for group in hedge_groups(legs))
    )
    todo = urgent_first([d for d in decided if d is not None])
    await run_bounded(
        todo,
        key=lambda item: item.leg.perp_account,
        limit=rt.settings.scale.act_concurrency,
        fn=lambda item: _act(rt, report, item, result, trade),
    )
    report.decisions = {n: report.decisions[n] for n in rt.policies if n in report.decisions}


@dataclass(frozen=True, slots=True)
class _Decided:
    """One planned trade: a hedge's decision, or a basket's (`basket` then carries the
    members' shares to record)."""

    policy: HedgePolicy
    leg: HedgeLegs
    decision: Decision
    basket: BasketDecision | None = None


async def _decide(
    rt: Runtime,
    report: CycleReport,
    group: tuple[str, ...],
    result: GatherResult,
    now: int,
    blocked: set[str],
) -> _Decided | None:
    name = group[0]
    waiting = WAITING if blocked.intersection(group) else None
    with structlog.contextvars.bound_contextvars(hedge=name):
        if len(group) > 1:
            return await _decide_basket(rt, report, group, result, now, waiting)
        policy, leg = rt.policies[name], rt.legs[name]
        d = await decide_hedge(rt, policy, leg, result, now, waiting)
        if isinstance(d, str):
            report.skipped[name] = d
            rt.state.hedges[name].data_pause_reason = d
            return None
        perp = result.snapshots[leg.perp_account]
        d = await roll_decision(rt, leg, perp, d, blocked=waiting is not None)
        _remember(rt, name, d, leg)
    return _Decided(policy, leg, d)


async def _decide_basket(
    rt: Runtime,
    report: CycleReport,
    names: tuple[str, ...],
    result: GatherResult,
    now: int,
    waiting: str | None,
) -> _Decided | None:
    """Several hedges on one perp: decided once (`basket_cycle`), traded as its lead."""
    b = await decide_group(rt, names, result, now, waiting)
    if isinstance(b, str):
        for name in names:
            report.skipped[name] = b
            rt.state.hedges[name].data_pause_reason = b
        return None
    leg = rt.legs[b.trade.hedge]
    _remember(rt, b.trade.hedge, b.trade, leg)
    share_with_members(rt, b)
    return _Decided(b.policy, leg, b.trade, b)


async def _act(
    rt: Runtime, report: CycleReport, item: _Decided, result: GatherResult, trade: bool
) -> None:
    """The decision's actions (the risk guard's only when not trading), then its record."""
    policy, leg, d = item.policy, item.leg, item.decision
    with structlog.contextvars.bound_contextvars(hedge=policy.name), urgent(is_risk_action(d)):
        lines = await _actions(rt, leg, d, policy, trade)
        perp = result.snapshots[leg.perp_account]
        if item.basket is not None:
            record_members(rt, report.cycle_id, item.basket, perp, lines)
            report.decisions.update(item.basket.members)
            return
        record_hedge(rt, report.cycle_id, policy.name, policy, perp, d, lines, trusted=d.trusted)
        finish_roll(rt, d)
        report.decisions[policy.name] = d


async def _actions(
    rt: Runtime, leg: HedgeLegs, d: Decision, policy: HedgePolicy, trade: bool
) -> list[str]:
    """One line per action taken."""
    if trade:
        try:
            return await act(rt, leg, d, policy)
        except ExchangeError as exc:
            log.warning("hedge.act_failed", detail=str(exc))
            return [f"action failed: {exc}"]
    done = await guard(rt, leg, d, policy)
    alert_guard(rt, d, done, [])
    return done.lines


def _remember(rt: Runtime, name: str, d: Decision, leg: HedgeLegs) -> None:
    """Keep the decision's memory and turn its changes into one log line or alert each."""
    before = rt.memory.get(name)
    rt.memory[name] = d.memory
    if d.rebaselined:
        log.warning("data.rebaselined", hedge=name, contracts=str(d.position.contracts))
    watch.data_verdict(rt, name, d.verdict)
    was_missing = before is not None and before.brackets_missing
    watch.brackets_state(rt, name, leg, missing=d.memory.brackets_missing, was=was_missing)
    was_short = before is not None and before.margin_short
    watch.margin_short(rt, name, d.funding, short=d.memory.margin_short, was=was_short)


def _listed_orders(result: GatherResult) -> dict[tuple[str, str], set[str]]:
    """(account, symbol) → client ids of the open orders the venue listed this cycle."""
    listed: dict[tuple[str, str], set[str]] = {}
    for account, snapshot in result.snapshots.items():
        for symbol in snapshot.markets:
            listed[(account, symbol)] = set()
        for order in snapshot.open_orders:
            listed.setdefault((account, order.symbol), set()).add(order.client_id or "")
    return listed
