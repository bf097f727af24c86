"""Apply the risk guard's graded actions: alert, top up margin, lower leverage.
(Reducing the hedge is the planner's job: the assessment's gate tells it to.)

Each action is journaled with its grade and reason, and alerted. Top-ups are sent once (never
blindly retried): the next cycle re-reads balances and re-assesses. In a dry run every action
is journaled and reported as "would …" (the gateway sends none of them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import structlog

from bot.domain.model import MarginMode, Wallet
from bot.domain.risk import RiskAssessment
from bot.domain.risk_policy import RiskGrade
from bot.exchange.errors import ExchangeError
from bot.exchange.port import Exchange
from bot.notify.catalogue import AlertKind, make_alert

from .orders import DRY_RUN_STATUS
from .runtime import Runtime

__all__ = ["GuardActions", "alert_kind", "apply_risk", "journal_margin"]

log = structlog.get_logger(__name__)


def _alert(rt: Runtime, kind: AlertKind, hedge: str, detail: str) -> None:
    rt.notifier.notify(make_alert(kind, hedge, detail))


@dataclass
class GuardActions:
    """What the risk guard did for one hedge this cycle: one status line per action (failed
    ones included), and which kinds of action succeeded; `roll`: what it did on the contract
    a roll moves into (`roll_risk.guard_new_leg`), None when not rolling."""

    lines: list[str] = field(default_factory=list)
    margin_moved: bool = False
    delevered: bool = False
    roll: GuardActions | None = None

    @property
    def all_lines(self) -> list[str]:
        """The status lines of both contracts' actions."""
        return [*self.lines, *(self.roll.lines if self.roll else ())]


def alert_kind(risk: RiskAssessment, done: GuardActions, *, reduced: bool) -> AlertKind:
    """The alert that says what actually happened, not what the grade is called: the cycle
    after a cut still grades REDUCE while it adds the released margin back, and that is a
    top-up, not a second reduction."""
    if reduced:
        return AlertKind.RISK_REDUCE
    if done.delevered:
        return AlertKind.RISK_DELEVER
    if done.margin_moved:
        return AlertKind.RISK_TOP_UP
    if risk.grade is RiskGrade.WARN:
        return AlertKind.RISK_WARN
    return AlertKind.LIQUIDATION_NEAR


async def apply_risk(
    rt: Runtime,
    exchange: Exchange,
    hedge: str,
    symbol: str,
    risk: RiskAssessment,
    mode: MarginMode,
) -> GuardActions:
    """Act on one hedge's assessment (top up, lower leverage); the caller alerts the outcome
    once the planner's orders are placed (`roll_risk.alert_legs`)."""
    done = GuardActions()
    if risk.grade is RiskGrade.OK:
        return done
    reason = "; ".join(risk.reasons)
    rt.journal.record_risk_event(
        hedge,
        grade=risk.grade.name.lower(),
        action="assess",
        reason=reason,
        data={"distance": str(risk.distance), "margin_ratio": str(risk.margin_ratio)},
    )
    if risk.collateral_exhausted:
        _alert(rt, AlertKind.COLLATERAL_EXHAUSTED, hedge, reason)
    if risk.top_up is not None:
        moved = await _top_up(rt, exchange, hedge, symbol, risk, mode)
        done.lines += moved
        done.margin_moved = bool(moved)
    settings = rt.settings.risk
    delever = risk.target_leverage is not None and settings.allow_delever
    if delever and risk.grade >= RiskGrade.DELEVER and risk.target_leverage is not None:
        line, done.delevered = await _delever(rt, exchange, hedge, symbol, risk.target_leverage)
        done.lines.append(line)
    return done


async def _top_up(
    rt: Runtime, exchange: Exchange, hedge: str, symbol: str, risk: RiskAssessment, mode: MarginMode
) -> list[str]:
    top = risk.top_up
    assert top is not None
    done: list[str] = []
    steps: list[tuple[str, Decimal]] = []
    if top.transfer_from_spot > 0:
        steps.append(("transfer", top.transfer_from_spot))
    if mode is MarginMode.ISOLATED and top.add_isolated_margin > 0:
        steps.append(("add_margin", top.add_isolated_margin))
    reason = "; ".join(risk.reasons)
    for kind, amount in steps:
        try:
            if kind == "transfer":
                await exchange.transfer(top.asset, amount, Wallet.SPOT, top.wallet)
            else:
                await exchange.add_margin(symbol, amount)
        except ExchangeError as exc:
            journal_margin(rt, hedge, exchange, kind, top.asset, amount, reason, failed=str(exc))
            log.error("risk.top_up_failed", hedge=hedge, step=kind, detail=str(exc))
            _alert(rt, AlertKind.RISK_TOP_UP, hedge, f"top-up {kind} of {amount} failed: {exc}")
            break
        text = journal_margin(rt, hedge, exchange, kind, top.asset, amount, reason)
        rt.journal.record_risk_event(
            hedge,
            grade=risk.grade.name.lower(),
            action=kind,
            reason=reason,
            data={"amount": str(amount), "asset": top.asset, "dry_run": rt.dry_run},
        )
        log.warning("risk.top_up", hedge=hedge, step=kind, amount=str(amount), asset=top.asset)
        done.append(text)
    return done


def journal_margin(
    rt: Runtime,
    hedge: str,
    exchange: Exchange,
    kind: str,
    asset: str,
    amount: Decimal,
    reason: str,
    *,
    failed: str | None = None,
) -> str:
    """Journal one margin action (`transfer` spot → futures, `add_margin`) as done, failed
    (`failed` says why) or, in a dry run, not sent (status `dry_run`); its status line."""
    status = "failed" if failed else DRY_RUN_STATUS if rt.dry_run else "ok"
    rt.journal.record_margin_action(
        hedge,
        account=exchange.account,
        kind=kind,
        asset=asset,
        amount=amount,
        status=status,
        reason=failed or reason,
    )
    text = f"{kind} {amount} {asset}"
    return f"would {text}" if rt.dry_run else text


async def _delever(
    rt: Runtime, exchange: Exchange, hedge: str, symbol: str, leverage: int
) -> tuple[str, bool]:
    """(status line, whether the venue took the lower leverage)."""
    try:
        await exchange.set_leverage(symbol, leverage)
    except ExchangeError as exc:
        log.warning("risk.delever_failed", hedge=hedge, leverage=leverage, detail=str(exc))
        return f"lowering leverage to {leverage}x failed: {exc}", False
    rt.journal.record_risk_event(
        hedge,
        grade="delever",
        action="set_leverage",
        reason=f"leverage → {leverage}x",
        data={"leverage": leverage, "dry_run": rt.dry_run},
    )
    if rt.dry_run:
        return f"would lower leverage to {leverage}x", True
    return f"leverage lowered to {leverage}x", True
