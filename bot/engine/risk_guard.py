"""Apply the risk guard's graded actions: alert, top up margin, lower leverage.
(Reducing the hedge is the planner's job: the assessment's gate tells it to.)

Each action is journaled with its grade and reason, and alerted. Top-ups are sent once (never
blindly retried): the next cycle re-reads balances and re-assesses.
"""

from __future__ import annotations

from decimal import Decimal

import structlog

from bot.domain.model import MarginMode, Wallet
from bot.domain.risk import RiskAssessment
from bot.domain.risk_policy import RiskGrade
from bot.exchange.errors import ExchangeError
from bot.exchange.port import Exchange
from bot.notify.catalogue import AlertKind, make_alert

from .runtime import Runtime

__all__ = ["apply_risk"]

log = structlog.get_logger(__name__)


def _alert(rt: Runtime, kind: AlertKind, hedge: str, detail: str) -> None:
    rt.notifier.notify(make_alert(kind, hedge, detail))


def _grade_alert(risk: RiskAssessment, acted: bool) -> AlertKind:
    """The alert that says what happened: a warning, a top-up done, or 'act now'."""
    if risk.grade is RiskGrade.WARN:
        return AlertKind.RISK_WARN
    if risk.grade is RiskGrade.REDUCE:
        return AlertKind.RISK_REDUCE
    if risk.grade is RiskGrade.DELEVER and risk.target_leverage is not None:
        return AlertKind.RISK_DELEVER
    return AlertKind.RISK_TOP_UP if acted else AlertKind.LIQUIDATION_NEAR


async def apply_risk(
    rt: Runtime,
    exchange: Exchange,
    hedge: str,
    symbol: str,
    risk: RiskAssessment,
    mode: MarginMode,
) -> list[str]:
    """Act on one hedge's assessment; returns one line per action taken (for status)."""
    actions: list[str] = []
    if risk.grade is RiskGrade.OK:
        return actions
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
        actions += await _top_up(rt, exchange, hedge, symbol, risk, mode)
    settings = rt.settings.risk
    delever = risk.target_leverage is not None and settings.allow_delever
    if delever and risk.grade >= RiskGrade.DELEVER and risk.target_leverage is not None:
        actions += await _delever(rt, exchange, hedge, symbol, risk.target_leverage)
    _alert(rt, _grade_alert(risk, bool(actions)), hedge, "; ".join([reason, *actions]))
    return actions


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
    for kind, amount in steps:
        try:
            if kind == "transfer":
                await exchange.transfer(top.asset, amount, Wallet.SPOT, top.wallet)
            else:
                await exchange.add_margin(symbol, amount)
        except ExchangeError as exc:
            rt.journal.record_margin_action(
                hedge,
                account=exchange.account,
                kind=kind,
                asset=top.asset,
                amount=amount,
                status="failed",
                reason=str(exc),
            )
            log.error("risk.top_up_failed", hedge=hedge, step=kind, detail=str(exc))
            _alert(rt, AlertKind.RISK_TOP_UP, hedge, f"top-up {kind} of {amount} failed: {exc}")
            break
        text = f"{kind} {amount} {top.asset}"
        rt.journal.record_margin_action(
            hedge,
            account=exchange.account,
            kind=kind,
            asset=top.asset,
            amount=amount,
            status="ok",
            reason="; ".join(risk.reasons),
        )
        rt.journal.record_risk_event(
            hedge,
            grade=risk.grade.name.lower(),
            action=kind,
            reason="; ".join(risk.reasons),
            data={"amount": str(amount), "asset": top.asset},
        )
        log.warning("risk.top_up", hedge=hedge, step=kind, amount=str(amount), asset=top.asset)
        done.append(text)
    return done


async def _delever(
    rt: Runtime, exchange: Exchange, hedge: str, symbol: str, leverage: int
) -> list[str]:
    try:
        await exchange.set_leverage(symbol, leverage)
    except ExchangeError as exc:
        log.warning("risk.delever_failed", hedge=hedge, leverage=leverage, detail=str(exc))
        return [f"lowering leverage to {leverage}x failed: {exc}"]
    rt.journal.record_risk_event(
        hedge,
        grade="delever",
        action="set_leverage",
        reason=f"leverage → {leverage}x",
        data={"leverage": leverage},
    )
    return [f"leverage lowered to {leverage}x"]
