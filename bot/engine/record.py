"""Record one hedge's cycle: a journal snapshot row, metrics gauges, the /status view."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import structlog

from bot.api.ports import OpenOrderView
from bot.domain.contracts import base_exposure
from bot.domain.decision import Decision
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import to_data
from bot.domain.model import AccountSnapshot
from bot.domain.numbers import plain
from bot.domain.planner import reference_price

from .beta_view import beta_fields
from .holding_view import holding_fields
from .roll_view import roll_fields
from .runtime import Runtime

__all__ = ["record_hedge"]

log = structlog.get_logger(__name__)


def _orders_view(d: Decision, now_ms: int) -> list[OpenOrderView]:
    return [
        OpenOrderView(
            client_id=o.client_id or "",
            side=o.side.value,
            amount=o.remaining,
            price=o.price,
            reduce_only=o.reduce_only,
            age_s=(now_ms - o.timestamp_ms) / 1000 if o.timestamp_ms else 0.0,
        )
        for o in d.live_orders
    ]


def record_hedge(
    rt: Runtime,
    cycle_id: str,
    name: str,
    policy: HedgePolicy,
    perp: AccountSnapshot,
    d: Decision,
    lines: list[str],
    *,
    trusted: bool,
) -> None:
    """Journal + metrics + status for one hedge after its actions."""
    market = perp.markets[policy.perp_symbol]
    quote = perp.quotes[policy.perp_symbol]
    state = d.plan.state
    risk = d.risk
    ratio = state.ratio if state else None
    gap = state.gap_contracts if state else None
    perp_base = base_exposure(market, d.position.contracts, reference_price(quote))
    memory = rt.memory.get(name, d.memory)
    hedge = rt.settings.hedges[name]
    target, target_reason = _target(d, policy)
    data: dict[str, Any] = {
        "trusted": trusted,
        # venue-clock time the trusted position reflects (see domain/trust.py)
        "read_at_ms": memory.trusted.at_ms if trusted and memory.trusted else None,
        "memory": to_data(memory),  # what the next cycle (or a restart, or a plan) starts from
        "verdict": d.verdict.reason,
        "notes": list(d.plan.notes),
        "target_reason": target_reason,  # why the effective target (column `target`) is what it is
        "actions": lines,
        "risk_grade": risk.grade.name.lower() if risk else None,
        "distance": str(risk.distance) if risk and risk.distance is not None else None,
        "margin_ratio": str(risk.margin_ratio) if risk and risk.margin_ratio is not None else None,
        "liquidation_price": str(risk.liquidation_price)
        if risk and risk.liquidation_price
        else None,
        # hedge mode: the account's LONG leg on the perp, reported, never traded
        "long_leg_contracts": str(d.position.long_leg_contracts),
        # for `hedgebot report`: the venue-clock time of this reading (fills and funding
        # stamped up to it are in it) and the contract size (P&L per contract)
        "venue_ms": quote.timestamp_ms,
        "contract_size": str(market.contract_size),
        **holding_fields(d, text=True),
        **roll_fields(memory.roll, perp, d.roll_risk, text=True),
        **beta_fields(hedge, d.memory, text=True),
    }
    rt.journal.record_snapshot(
        cycle_id,
        name,
        spot=d.spot_amount,
        perp_contracts=d.position.contracts,
        ratio=ratio,
        target=target,
        gap=gap,
        mark=quote.mark,
        bid=quote.bid,
        ask=quote.ask,
        data=data,
    )
    rt.metrics.set_hedge(
        name,
        ratio=ratio,
        target=policy.target_ratio,
        effective_target=target,
        margin_ratio=risk.margin_ratio if risk else None,
        liquidation_distance=risk.distance if risk else None,
        spot=d.spot_amount,
        perp_contracts=d.position.contracts,
    )
    rt.metrics.set_risk_grade(name, risk.grade.name.lower() if risk else "ok")
    rt.metrics.set_basis(name, d.basis)
    basket = d.basket
    rt.metrics.set_basket(
        name, basket.members if basket else (), basket.fraction if basket else None
    )
    rt.metrics.set_paused(name, rt.state.pause_reason(name) is not None)
    live = rt.state.hedges[name]
    settle = market.settle or market.quote
    funding = rt.journal.funding_total(name).get(settle, Decimal(0))
    live.view = {
        "spot": d.spot_amount,
        "perp": d.position.contracts,
        "perp_base": perp_base,
        "ratio": ratio,
        "target": target,
        "target_reason": target_reason,
        "band": policy.band,
        "max_ratio": policy.max_ratio,
        "mark": reference_price(quote),
        "price_tick": market.price_tick,  # clients show prices at the market's tick
        "long_leg": d.position.long_leg_contracts,
        "open_orders": _orders_view(d, rt.now_ms()),
        "margin": d.position.collateral,
        "margin_ratio": risk.margin_ratio if risk else None,
        "liquidation_price": risk.liquidation_price if risk else d.position.liquidation_price,
        "liquidation_distance": risk.distance if risk else None,
        "funding_total": funding,
        "funding_asset": settle,  # the coin for an inverse perp, else the quote (USDT)
        "contract_size": market.contract_size,
        **holding_fields(d),
        **roll_fields(memory.roll, perp, d.roll_risk),
        **beta_fields(hedge, d.memory),
        "risk_grade": risk.grade.name.lower() if risk else "ok",
        "risk_hold": memory.risk_hold,  # increases blocked until the distance is restored
        "brackets_missing": memory.brackets_missing,
        "notes": list(d.plan.notes),
    }
    for line in lines:
        rt.state.record_action(name, line)
    log.info(
        "hedge.cycle",
        cycle_id=cycle_id,
        spot=str(d.spot_amount),
        perp=str(d.position.contracts),
        ratio=None if ratio is None else str(round(ratio, 4)),
        target=str(target),
        target_reason=target_reason,
        risk=data["risk_grade"],
        notes=list(d.plan.notes),
        actions=lines,
        **({"beta": data["beta_text"]} if "beta_text" in data else {}),
    )


def _target(d: Decision, policy: HedgePolicy) -> tuple[Decimal, str]:
    """The effective target the decision aimed at and why (the configured one without)."""
    if d.target is None:
        return policy.target_ratio, f"target_ratio {plain(policy.target_ratio)}"
    return d.target.ratio, d.target.reason
