"""Act on orders with the journal as the source of truth for what we sent.

The rules that make double orders impossible:
1. The intent is journaled (status `pending`, with its client order id) BEFORE the request is
   sent, so a crash at any point leaves a trace the next start can look up.
2. `place_order` is sent once. An ambiguous outcome (timeout, 5xx) marks it `unknown`; it is
   looked up by client order id, now and on every later cycle, until the venue answers.
3. A hedge with any unresolved (pending/unknown) order places nothing. An unresolved order
   that the venue still does not know once `UNBOOKED_AFTER_MS` have passed since it was sent is
   final: Binance rejects any request whose timestamp is older than its recvWindow (ccxt sends
   10 s), so a request that old can no longer be booked.

In a dry run (`rt.dry_run`: the gateway is a `DryRunExchange`, which sends nothing) an order
is journaled like any other and then closed with the final status `dry_run`, so it is never
pending or unknown and never blocks the hedge; its status line reads "would place …".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import structlog

from bot.domain.model import Order, OrderStatus
from bot.domain.planner import Cancel
from bot.domain.sizing import PlannedOrder
from bot.exchange.client_ids import make_client_id
from bot.exchange.errors import (
    AmbiguousOrderError,
    DuplicateOrderId,
    ExchangeError,
    InsufficientFunds,
    OrderRejected,
    PostOnlyWouldTake,
)
from bot.exchange.port import Exchange, OrderRequest
from bot.store import Journal, OrderRecord

from .runtime import Runtime

__all__ = [
    "DRY_RUN_STATUS",
    "UNBOOKED_AFTER_MS",
    "Lookup",
    "Outcome",
    "blocked_hedges",
    "cancel",
    "look_up_unsettled",
    "place",
    "resolve_unsettled",
    "settle_vanished",
]

log = structlog.get_logger(__name__)

# recvWindow (10 s, as ccxt sends it) + generous slack for clock offset and transit.
UNBOOKED_AFTER_MS = 30_000
DRY_RUN_STATUS = "dry_run"  # the journal's final status of an order a dry run did not send


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one action, for status lines and metrics. `kind` is one of the
    metrics' order kinds: placed, canceled, rejected, ambiguous, would_place, would_cancel.
    `backs_off`: a rejection the same plan should wait out (see `domain/backoff.py`), i.e.
    every rejection but a post-only order that would have taken."""

    kind: str
    text: str
    order: Order | None = None
    backs_off: bool = False


def _next_sequence(journal: Journal) -> int:
    return journal.count("orders") + 1


async def place(rt: Runtime, exchange: Exchange, hedge: str, planned: PlannedOrder) -> Outcome:
    """Journal the intent, send once, journal the result. Never raises ExchangeError."""
    intent = planned.intent
    client_id = make_client_id(hedge, intent, _next_sequence(rt.journal) % 1_000_000)
    request = OrderRequest(
        symbol=planned.symbol,
        side=planned.side,
        amount=planned.amount,
        price=planned.price,
        client_id=client_id,
        post_only=planned.post_only,
        reduce_only=planned.reduce_only,
        immediate_or_cancel=planned.immediate_or_cancel,
    )
    rt.journal.record_order_intent(
        request, account=exchange.account, hedge=hedge, intent=intent, reason=planned.purpose
    )
    flags = ", reduce-only" if planned.reduce_only else ""
    flags += ", IOC" if planned.immediate_or_cancel else ""
    desc = f"{planned.side.value} {planned.amount} @ {planned.price} ({planned.purpose}{flags})"
    try:
        order = await exchange.place_order(request)
    except (AmbiguousOrderError, DuplicateOrderId) as exc:
        rt.journal.mark_unknown(client_id)
        log.warning("order.ambiguous", client_id=client_id, detail=str(exc))
        found = await _lookup(exchange, planned.symbol, client_id)
        if found is not None:
            rt.journal.apply_order(found)
            return Outcome("placed", f"placed {desc} (confirmed after {type(exc).__name__})", found)
        return Outcome("ambiguous", f"sent {desc}; outcome unknown, will look it up", None)
    except PostOnlyWouldTake as exc:
        why = "post-only would take; repricing next cycle"
        return _rejected(rt, client_id, desc, exc, why, backs_off=False)
    except InsufficientFunds as exc:
        return _rejected(rt, client_id, desc, exc, "insufficient margin")
    except OrderRejected as exc:
        return _rejected(rt, client_id, desc, exc, "rejected")
    except ExchangeError as exc:
        # Refused before booking (rate limit, clock skew, breaker open): nothing rests.
        return _rejected(rt, client_id, desc, exc, "not sent")
    if rt.dry_run:
        rt.journal.update_order(client_id, status=DRY_RUN_STATUS)
        log.info("order.would_place", client_id=client_id, order=desc)
        return Outcome("would_place", f"would place {desc}")
    rt.journal.apply_order(order)
    return Outcome("placed", f"placed {desc}", order)


def _rejected(
    rt: Runtime, client_id: str, desc: str, exc: Exception, why: str, *, backs_off: bool = True
) -> Outcome:
    rt.journal.update_order(client_id, status=OrderStatus.REJECTED.value)
    log.warning("order.rejected", client_id=client_id, reason=why, detail=str(exc))
    return Outcome("rejected", f"{why}: {desc} ({exc})", backs_off=backs_off)


async def _lookup(exchange: Exchange, symbol: str, client_id: str) -> Order | None:
    try:
        return await exchange.fetch_order(symbol, client_id=client_id)
    except ExchangeError as exc:
        log.warning("order.lookup_failed", client_id=client_id, detail=str(exc))
        return None


async def cancel(rt: Runtime, exchange: Exchange, item: Cancel) -> Outcome:
    """Cancel one of our orders; the venue's final word is journaled."""
    try:
        final = await exchange.cancel_order(item.symbol, order_id=item.order_id)
    except ExchangeError as exc:
        log.warning("order.cancel_failed", order_id=item.order_id, detail=str(exc))
        return Outcome("rejected", f"cancel of {item.order_id} failed: {exc}")
    if rt.dry_run:
        log.info("order.would_cancel", order_id=item.order_id, reason=item.reason)
        return Outcome("would_cancel", f"would cancel {item.order_id}: {item.reason}")
    if final is not None:
        rt.journal.apply_order(final)
    return Outcome("canceled", f"canceled {item.order_id}: {item.reason}", final)


@dataclass(frozen=True, slots=True)
class Lookup:
    """One unresolved (pending/unknown) order looked up by client id: `found` is the venue's
    order (None: the venue does not know it); `failed`: the lookup itself failed."""

    record: OrderRecord
    found: Order | None = None
    failed: bool = False

    def unresolved(self, now_ms: int) -> bool:
        """Still in doubt: the lookup failed, or the venue does not know the order yet while
        it could still be booked (younger than `UNBOOKED_AFTER_MS`)."""
        if self.failed:
            return True
        return self.found is None and now_ms - self.record.created_at_ms <= UNBOOKED_AFTER_MS


async def look_up_unsettled(
    rt: Runtime, exchanges: Mapping[str, Exchange], hedges: Iterable[str]
) -> tuple[Lookup, ...]:
    """Look up every pending/unknown order of `hedges` by client id. Reads only."""
    wanted = set(hedges)
    out: list[Lookup] = []
    for record in rt.journal.pending_orders():
        if record.hedge not in wanted or record.account not in exchanges:
            continue
        try:
            found = await exchanges[record.account].fetch_order(
                record.symbol, client_id=record.client_id
            )
        except ExchangeError as exc:
            log.warning("order.lookup_failed", client_id=record.client_id, detail=str(exc))
            out.append(Lookup(record, failed=True))
            continue
        out.append(Lookup(record, found))
    return tuple(out)


def blocked_hedges(lookups: Iterable[Lookup], now_ms: int) -> set[str]:
    """The hedges with an order still in doubt: they must place nothing this cycle."""
    return {lookup.record.hedge for lookup in lookups if lookup.unresolved(now_ms)}


async def resolve_unsettled(
    rt: Runtime, exchanges: dict[str, Exchange], hedges: Iterable[str]
) -> set[str]:
    """Look up every pending/unknown order of `hedges` by client id and journal what the venue
    says (an order it still does not know after `UNBOOKED_AFTER_MS` was never booked).
    Returns the hedges that still have an unresolved order (they must place nothing)."""
    now = rt.now_ms()
    lookups = await look_up_unsettled(rt, exchanges, hedges)
    for lookup in lookups:
        record = lookup.record
        if lookup.found is not None:
            rt.journal.apply_order(lookup.found)
            log.info("order.resolved", client_id=record.client_id, status=lookup.found.status.value)
        elif not lookup.unresolved(now):
            rt.journal.update_order(record.client_id, status=OrderStatus.REJECTED.value)
            log.info("order.never_booked", client_id=record.client_id)
    return blocked_hedges(lookups, now)


async def settle_vanished(
    rt: Runtime,
    exchanges: dict[str, Exchange],
    open_on_venue: dict[tuple[str, str], set[str]],
    *,
    limit: int = 10,
) -> int:
    """Journal the final state of our orders the journal still holds as open but the venue no
    longer lists (filled or cancelled while resting). `open_on_venue` maps (account, symbol)
    → client ids the venue listed this cycle; symbols not read this cycle are skipped.
    Bounded per cycle; returns how many were settled."""
    settled = 0
    for record in rt.journal.live_orders():
        if settled >= limit:
            break
        listed = open_on_venue.get((record.account, record.symbol))
        if record.status != OrderStatus.OPEN.value or listed is None or record.client_id in listed:
            continue
        exchange = exchanges.get(record.account)
        if exchange is None:
            continue
        found = await _lookup(exchange, record.symbol, record.client_id)
        if found is not None and not found.status.is_live:
            rt.journal.apply_order(found)
            settled += 1
    return settled
