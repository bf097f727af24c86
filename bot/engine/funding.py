"""The funding-record job: journal every funding payment on our perps (idempotent), keep
the per-hedge total in metrics and /status."""

from __future__ import annotations

from decimal import Decimal

import structlog

from bot.exchange.errors import ExchangeError

from .runtime import Runtime

__all__ = ["record_funding"]

log = structlog.get_logger(__name__)


async def record_funding(rt: Runtime) -> int:
    """Fetch and journal new funding payments; returns how many were new."""
    new = 0
    for name, legs in rt.legs.items():
        exchange = rt.exchanges[legs.perp_account]
        since = rt.journal.last_funding_ts(legs.perp_account, legs.perp_symbol)
        try:
            payments = await exchange.fetch_funding_payments(legs.perp_symbol, since_ms=since)
        except ExchangeError as exc:
            log.warning("funding.read_failed", hedge=name, detail=str(exc))
            continue
        for payment in payments:
            if rt.journal.record_funding(payment, account=legs.perp_account, hedge=name):
                new += 1
                log.info("funding", hedge=name, amount=str(payment.amount), asset=payment.asset)
        totals = rt.journal.funding_total(name)
        total = sum(totals.values(), Decimal(0))
        rt.metrics.set_funding_total(name, total)
        live = rt.state.hedges.get(name)
        if live is not None:
            live.view["funding_total"] = total
    return new
