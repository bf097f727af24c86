"""The funding-record job: journal every funding payment on our perps (idempotent), keep
the per-hedge total in metrics and /status. One income read per account and API family
(Binance weight 30), not one per perp."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import structlog

from bot.domain.model import FundingPayment
from bot.exchange.errors import ExchangeError

from .runtime import Runtime

__all__ = ["record_funding"]

log = structlog.get_logger(__name__)


async def _read_account(
    rt: Runtime, account: str, symbols: list[str]
) -> Mapping[str, tuple[FundingPayment, ...]]:
    """One account's payments on `symbols` since the oldest cursor among them, in one request
    per API family (the journal drops the ones it already holds)."""
    cursors = [rt.journal.last_funding_ts(account, s) for s in symbols]
    since = None if any(c is None for c in cursors) else min(c for c in cursors if c is not None)
    try:
        return await rt.exchanges[account].fetch_account_funding_payments(symbols, since_ms=since)
    except ExchangeError as exc:
        log.warning("funding.read_failed", account=account, detail=str(exc))
        return {}


async def record_funding(rt: Runtime) -> int:
    """Fetch and journal new funding payments; returns how many were new."""
    by_account: dict[str, list[str]] = {}
    for legs in rt.legs.values():
        by_account.setdefault(legs.perp_account, []).append(legs.perp_symbol)
    found = {a: await _read_account(rt, a, sorted(set(s))) for a, s in by_account.items()}
    new = 0
    for name, legs in rt.legs.items():
        for payment in found[legs.perp_account].get(legs.perp_symbol, ()):
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
