"""One hedge cycle: gather → decide → act → record, for every hedge.

`run_cycle(rt, trade=True)` is what the hedge job runs; the risk job runs it with
`trade=False` (read, assess, top up margin; no orders). Both are serialised by the daemon.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import structlog

from bot.domain.contracts import base_exposure
from bot.domain.hedge import HedgePolicy
from bot.domain.model import AccountSnapshot, Fill, MarginMode
from bot.exchange.errors import ExchangeError

from . import watch
from .decide import Decision, Inputs, decide, risk_hold_after, snapshot_pair
from .gather import AccountNeeds, GatherResult, gather_accounts, needs_by_account
from .orders import cancel, place, resolve_unsettled, settle_vanished
from .record import record_hedge
from .risk_guard import apply_risk
from .runtime import Legs, Runtime
from .setup import ensure_brackets, ensure_setup

__all__ = [
    "FILL_LOOKBACK_MS",
    "CycleReport",
    "decide_hedge",
    "fill_query_start",
    "legs_needs",
    "run_cycle",
]

log = structlog.get_logger(__name__)
ZERO = Decimal(0)
CONFIRM_CYCLES = 3  # a contradicting non-flat position seen this often in a row is accepted
# How far behind the venue's clock a fills query may start. Binance (and ccxt for linear
# markets) answer a query starting more than 7 days back with those 7 days only, so a cursor
# that old would never see a new fill again.
FILL_LOOKBACK_MS = 6 * 24 * 3600 * 1000


@dataclass
class CycleReport:
    cycle_id: str
    decisions: dict[str, Decision] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # hedge → why
    failures: dict[str, str] = field(default_factory=dict)  # account → error
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures


def _utc_day_start_ms(now_ms: int) -> int:
    day = datetime.fromtimestamp(now_ms / 1000, UTC).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return int(day.timestamp() * 1000)


def _journal_fills(rt: Runtime, result: GatherResult, legs: Mapping[str, Legs]) -> None:
    owner = {(leg.perp_account, leg.perp_symbol): name for name, leg in legs.items()}
    for account, by_symbol in result.fills.items():
        snapshot = result.snapshots[account]
        for symbol, fills in by_symbol.items():
            hedge = owner.get((account, symbol))
            market = snapshot.markets.get(symbol)
            for fill in fills:
                size = market.contract_size if market else Decimal(1)
                if rt.journal.record_fill(
                    fill,
                    account=account,
                    hedge=hedge or "",
                    notional=fill.amount * size * fill.price,
                ):
                    rt.metrics.count_order(hedge or "", "filled")
                    log.info(
                        "fill",
                        hedge=hedge,
                        side=fill.side.value,
                        amount=str(fill.amount),
                        price=str(fill.price),
                    )
                key = (account, symbol)
                rt.fill_cursor[key] = max(rt.fill_cursor.get(key, 0), fill.timestamp_ms)


def _listed_orders(result: GatherResult) -> dict[tuple[str, str], set[str]]:
    """(account, symbol) → client ids of the open orders the venue listed this cycle."""
    listed: dict[tuple[str, str], set[str]] = {}
    for account, snapshot in result.snapshots.items():
        for symbol in snapshot.markets:
            listed[(account, symbol)] = set()
        for order in snapshot.open_orders:
            listed.setdefault((account, order.symbol), set()).add(order.client_id or "")
    return listed


def _note_venue_clock(rt: Runtime, result: GatherResult) -> None:
    """Remember the newest venue-clock stamp each account showed (quotes, fills)."""
    for account, snapshot in result.snapshots.items():
        stamps = [q.timestamp_ms for q in snapshot.quotes.values()]
        stamps += [f.timestamp_ms for fs in result.fills.get(account, {}).values() for f in fs]
        if stamps:
            rt.venue_ms[account] = max(rt.venue_ms.get(account, 0), *stamps)


def _fill_cursors(rt: Runtime, legs: Mapping[str, Legs]) -> dict[str, dict[str, int | None]]:
    out: dict[str, dict[str, int | None]] = {}
    for name, leg in legs.items():
        key = (leg.perp_account, leg.perp_symbol)
        if key not in rt.fill_cursor:
            last = rt.journal.last_fill_ts(name)
            if last is not None:
                rt.fill_cursor[key] = last
        since = fill_query_start(rt.fill_cursor.get(key), rt.venue_ms.get(leg.perp_account))
        out.setdefault(leg.perp_account, {})[leg.perp_symbol] = since
    return out


def fill_query_start(cursor_ms: int | None, venue_now_ms: int | None) -> int | None:
    """Where to start reading fills (venue clock, ms): at the last journaled fill, but never
    more than `FILL_LOOKBACK_MS` behind the venue's newest stamp."""
    if cursor_ms is None or venue_now_ms is None:
        return cursor_ms
    return max(cursor_ms, venue_now_ms - FILL_LOOKBACK_MS)


def _trusted(rt: Runtime, hedge: str) -> tuple[Decimal, int] | None:
    if hedge in rt.rebaseline:  # the operator resumed: accept the venue's reading as is
        rt.rebaseline.discard(hedge)
        rt.trusted.pop(hedge, None)
        rt.suspect.pop(hedge, None)
        return None
    if hedge not in rt.trusted:
        found = rt.journal.last_trusted_position(hedge)
        if found is not None:
            rt.trusted[hedge] = found
    return rt.trusted.get(hedge)


def _update_trust(rt: Runtime, hedge: str, d: Decision, legs: Legs) -> bool:
    """Move the trusted baseline when the data is consistent, or when a contradicting
    non-flat, venue-stamped position has been seen `CONFIRM_CYCLES` times in a row. A flat
    report that contradicts our fills (the classic 'exchange says zero' glitch) is never
    auto-accepted: `hedgebot resume HEDGE` accepts it explicitly."""
    pos = d.position
    stamp = (
        pos.timestamp_ms if pos.timestamp_ms is not None else rt.journal.last_fill_ts(hedge) or 0
    )
    if d.verdict.ok:
        rt.trusted[hedge] = (pos.contracts, stamp)
        rt.suspect.pop(hedge, None)
        return True
    seen, count = rt.suspect.get(hedge, (None, 0))
    count = count + 1 if seen == pos.contracts else 1
    rt.suspect[hedge] = (pos.contracts, count)
    if not pos.is_flat and pos.timestamp_ms is not None and count >= CONFIRM_CYCLES:
        log.warning("data.rebaselined", hedge=hedge, contracts=str(pos.contracts))
        rt.trusted[hedge] = (pos.contracts, stamp)
        rt.suspect.pop(hedge, None)
    return False


def _inputs(
    rt: Runtime,
    policy: HedgePolicy,
    pair: tuple[AccountSnapshot, AccountSnapshot],
    now_ms: int,
    blocked: str | None,
) -> Inputs:
    name = policy.name
    trusted = _trusted(rt, name)
    fills: tuple[Fill, ...] = ()
    if trusted is not None:
        fills = rt.journal.fills_since(name, trusted[1])
    settings = rt.settings
    return Inputs(
        policy=policy,
        risk_policy=settings.risk.to_policy(),
        spot=pair[0],
        perp=pair[1],
        brackets=rt.brackets.get(f"{pair[1].account}:{policy.perp_symbol}", ()),
        now_ms=now_ms,
        max_age_ms=int(settings.data.max_snapshot_age_s * 1000),
        trusted=trusted,
        fills_since_trusted=fills,
        turnover_today=rt.journal.turnover_since(name, _utc_day_start_ms(now_ms)),
        paused=rt.state.pause_reason(name) is not None,
        blocked_reason=blocked,
        allow_delever=settings.risk.allow_delever,
        allow_reduce=settings.risk.allow_reduce,
        sent_at_ms={r.client_id: r.created_at_ms for r in rt.journal.open_orders_for(name)},
        risk_hold=name in rt.risk_hold,
    )


def legs_needs(legs: Mapping[str, Legs]) -> dict[str, AccountNeeds]:
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
    leg: Legs,
    snapshots: Mapping[str, AccountSnapshot],
    now_ms: int,
    waiting: str | None,
) -> Decision | str:
    """One hedge's decision from this cycle's snapshots, or why it cannot be decided (an
    account unreadable, the market missing, data the domain refuses). Reads the journal and
    the venue's margin brackets, places nothing: shared by the cycle and `hedgebot plan`."""
    pair = snapshot_pair(snapshots, leg.spot_account, leg.perp_account)
    if pair is None:
        return "account unreachable this cycle"
    if policy.perp_symbol not in pair[1].markets:
        return f"market {policy.perp_symbol} not found"
    await ensure_brackets(rt, leg.perp_account, policy.perp_symbol)
    try:
        return decide(_inputs(rt, policy, pair, now_ms, waiting))
    except ValueError as exc:  # absurd values the domain refuses to reason about
        log.error("hedge.bad_data", detail=str(exc))
        return f"bad data: {exc}"


async def _act(rt: Runtime, name: str, legs: Legs, d: Decision, policy: HedgePolicy) -> list[str]:
    exchange = rt.exchanges[legs.perp_account]
    lines: list[str] = []
    if d.risk is not None and d.verdict.ok:
        mode = d.position.margin_mode or policy.margin_mode
        lines += await apply_risk(
            rt, exchange, name, legs.perp_symbol, d.risk, mode or MarginMode.ISOLATED
        )
    for item in d.plan.cancels:
        outcome = await cancel(rt, exchange, item)
        rt.metrics.count_order(name, outcome.kind)
        lines.append(outcome.text)
    for planned in d.plan.orders:
        outcome = await place(rt, exchange, name, planned)
        rt.metrics.count_order(name, outcome.kind)
        lines.append(outcome.text)
        if outcome.kind == "rejected":
            watch.note_rejection(rt, name, outcome.text)
        else:
            watch.clear_rejections(rt, name)
    return lines


async def run_cycle(rt: Runtime, *, trade: bool = True) -> CycleReport:
    """Run one cycle over every configured hedge. Exchange failures skip the affected hedges;
    anything else propagates (a bug must fail the cycle loudly)."""
    started = time.monotonic()
    report = CycleReport(cycle_id=uuid.uuid4().hex[:12])
    with structlog.contextvars.bound_contextvars(cycle_id=report.cycle_id):
        await _run(rt, report, trade=trade)
    report.duration_s = time.monotonic() - started
    return report


async def _run(rt: Runtime, report: CycleReport, *, trade: bool) -> None:
    rt.journal.start_cycle(report.cycle_id)
    watch.check_kill_switch(rt)
    legs = rt.legs
    policies = rt.policies
    needs = legs_needs(legs)
    if trade:
        await ensure_setup(rt, legs, policies)
    result = await gather_accounts(
        rt.exchanges, needs, fills_since_ms=_fill_cursors(rt, legs), now_ms=rt.now_ms
    )
    _journal_fills(rt, result, legs)
    _note_venue_clock(rt, result)
    for failure in result.failures:
        report.failures[failure.account] = str(failure.error)
        watch.account_failed(rt, failure.account, failure.error)
    for account in result.snapshots:
        watch.account_ok(rt, account)
    blocked = await resolve_unsettled(rt, rt.exchanges, legs) if trade else set()
    if trade:
        await settle_vanished(rt, rt.exchanges, _listed_orders(result))
    now = rt.now_ms()
    for name, policy in policies.items():
        leg = legs[name]
        with structlog.contextvars.bound_contextvars(hedge=name):
            waiting = (
                "waiting for the outcome of an order sent earlier" if name in blocked else None
            )
            d = await decide_hedge(rt, policy, leg, result.snapshots, now, waiting)
            if isinstance(d, str):
                report.skipped[name] = d
                rt.state.hedges[name].data_pause_reason = d
                continue
            trusted = _update_trust(rt, name, d, leg)
            watch.data_verdict(rt, name, d.verdict)
            restore = rt.settings.risk.restore_distance
            if d.verdict.ok and risk_hold_after(name in rt.risk_hold, d.risk, restore):
                rt.risk_hold.add(name)
            elif d.verdict.ok:
                rt.risk_hold.discard(name)
            lines: list[str] = []
            if trade:
                try:
                    lines = await _act(rt, name, leg, d, policy)
                except ExchangeError as exc:
                    lines = [f"action failed: {exc}"]
                    log.warning("hedge.act_failed", detail=str(exc))
            elif d.risk is not None and d.verdict.ok:
                exchange = rt.exchanges[leg.perp_account]
                mode = d.position.margin_mode or policy.margin_mode
                lines = await apply_risk(rt, exchange, name, leg.perp_symbol, d.risk, mode)
            perp = result.snapshots[leg.perp_account]
            record_hedge(rt, report.cycle_id, name, policy, perp, d, lines, trusted=trusted)
            report.decisions[name] = d


def short_base(policy: HedgePolicy, snapshot: AccountSnapshot, contracts: Decimal) -> Decimal:
    market = snapshot.markets[policy.perp_symbol]
    return base_exposure(market, contracts)
