"""One hedge cycle: gather → decide → act → record, for every hedge.

This module is the shell (reads, fills, reconciliation); the decide step is
`cycle_decide`'s, the act-and-record step `cycle_act`'s.

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

from bot.domain.decision import Decision
from bot.domain.memory import HedgeLegs
from bot.store import JournalError

from . import watch
from .act_order import urgent_first
from .basket_cycle import hedge_groups
from .beta_refresh import refresh_betas
from .brackets import prefetch_brackets
from .concurrency import run_bounded
from .cycle_act import act_on
from .cycle_decide import WAITING, decide_hedge, decide_one
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
from .inputs import NO_QUOTE, ensure_memories
from .orders import resolve_unsettled, settle_vanished
from .roll_inputs import roll_cursors, roll_needs, roll_owners, roll_setup
from .runtime import Runtime
from .setup import ensure_setup
from .weight_budget import note_weights

__all__ = ["WAITING", "CycleReport", "decide_hedge", "legs_needs", "run_cycle"]

log = structlog.get_logger(__name__)


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
    # hedge's failure is caught in its own `act_on`, so it never delays the others.
    decided = await asyncio.gather(
        *(
            decide_one(rt, report.skipped, group, result, now, blocked)
            for group in hedge_groups(legs)
        )
    )
    todo = urgent_first([d for d in decided if d is not None])
    await run_bounded(
        todo,
        key=lambda item: item.leg.perp_account,
        limit=rt.settings.scale.act_concurrency,
        fn=lambda item: act_on(rt, report.cycle_id, report.decisions, item, result, trade),
    )
    report.decisions = {n: report.decisions[n] for n in rt.policies if n in report.decisions}


def _listed_orders(result: GatherResult) -> dict[tuple[str, str], set[str]]:
    """(account, symbol) → client ids of the open orders the venue listed this cycle."""
    listed: dict[tuple[str, str], set[str]] = {}
    for account, snapshot in result.snapshots.items():
        for symbol in snapshot.markets:
            listed[(account, symbol)] = set()
        for order in snapshot.open_orders:
            listed.setdefault((account, order.symbol), set()).add(order.client_id or "")
    return listed
