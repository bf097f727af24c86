"""Startup reconciliation: make the venue's open orders and the journal agree before the first
cycle trades.

- Our orders (client id `hb…`) of a configured hedge are adopted or cancelled, per
  `reliability.on_start_own_orders`; ours of a hedge no longer configured are cancelled.
- Foreign orders (placed by a human or another bot) are left alone and reported.
- Journal orders still pending/unknown are resolved by client id in every cycle
  (`orders.resolve_unsettled`); fills made while we were down are journaled by the first
  cycle (it reads fills since the last one journaled).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog

from bot.domain.model import Order
from bot.exchange.client_ids import hedge_of, hedge_tag, is_ours
from bot.exchange.errors import ExchangeError
from bot.exchange.port import OrderRequest

from .roll_inputs import roll_symbols
from .runtime import Runtime

__all__ = ["ReconcileReport", "reconcile_open_orders"]

log = structlog.get_logger(__name__)


@dataclass
class ReconcileReport:
    adopted: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _adopt(rt: Runtime, account: str, hedge: str, order: Order) -> None:
    if order.client_id and rt.journal.order_by_client_id(order.client_id) is None:
        request = OrderRequest(
            symbol=order.symbol,
            side=order.side,
            amount=order.amount,
            price=order.price or order.average_price or 0,  # type: ignore[arg-type]
            client_id=order.client_id,
            post_only=order.post_only,
            reduce_only=order.reduce_only,
        )
        rt.journal.record_order_intent(
            request, account=account, hedge=hedge, intent="adopted", reason="found on start"
        )
    rt.journal.apply_order(order)


async def reconcile_open_orders(rt: Runtime, *, policy: str | None = None) -> ReconcileReport:
    """Apply the start policy to every open order on the configured perp symbols."""
    policy = policy or rt.settings.reliability.on_start_own_orders
    report = ReconcileReport()
    tags = {hedge_tag(name): name for name in rt.settings.hedges}
    symbols = {(leg.perp_account, leg.perp_symbol) for leg in rt.legs.values()}
    symbols |= roll_symbols(rt)  # a roll in progress trades the next contract too
    for account, symbol in sorted(symbols):
        exchange = rt.exchanges[account]
        try:
            orders = await exchange.fetch_open_orders(symbol)
        except ExchangeError as exc:
            report.errors.append(f"{account} {symbol}: {exc}")
            continue
        for order in orders:
            cid = order.client_id or ""
            hedge = tags.get(hedge_of(cid) or "") if is_ours(cid) else None
            label = (
                f"{account} {symbol} {order.side.value} {order.remaining} @ {order.price}"
                f" ({cid or order.id})"
            )
            if not is_ours(cid):
                report.foreign.append(label)
                continue
            if hedge is not None and policy == "adopt":
                _adopt(rt, account, hedge, order)
                report.adopted.append(label)
                continue
            try:
                final = await exchange.cancel_order(symbol, order_id=order.id)
            except ExchangeError as exc:
                report.errors.append(f"cancel {label}: {exc}")
                continue
            if final is not None and rt.journal.order_by_client_id(cid) is not None:
                rt.journal.apply_order(final)
            report.cancelled.append(label)
    log.info(
        "reconcile.done",
        adopted=report.adopted,
        cancelled=report.cancelled,
        foreign=report.foreign,
        errors=report.errors,
    )
    return report
