"""Journal of our orders: the intent is written BEFORE an order is sent, so after a crash or an
ambiguous answer the daemon knows what it may have placed (look it up by client id)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from enum import Enum
from typing import Any

from bot.domain.model import Order, Side
from bot.store.db import Database, JournalError, dec, opt_dec, text
from bot.store.records import (
    LIVE_STATUSES,
    PENDING,
    TERMINAL_STATUSES,
    UNKNOWN,
    OrderLike,
    OrderRecord,
)

__all__ = ["DuplicateClientId", "OrdersJournal"]

_COLUMNS = (
    "client_id, exchange_id, account, hedge, symbol, side, amount, price, post_only, "
    "reduce_only, intent, reason, status, created_at, updated_at, filled, avg_price"
)


class DuplicateClientId(JournalError):
    """An order intent with this client order id is already journaled: never send it twice."""


class OrdersJournal(Database):
    """Our orders by client order id, from intent to final state."""

    def record_order_intent(
        self, request: OrderLike, *, account: str, hedge: str, intent: str, reason: str
    ) -> OrderRecord:
        """Journal an order BEFORE sending it (status `pending`). Raises `DuplicateClientId`
        if this client order id was journaled before: that intent must not be sent again."""
        now = self._clock()
        try:
            self._exec(
                f"INSERT INTO orders ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (request.client_id, None, account, hedge, request.symbol, text(request.side),
                 dec(request.amount), dec(request.price), int(request.post_only),
                 int(request.reduce_only), intent, reason, PENDING, now, now, "0", None),
            )  # fmt: skip
        except sqlite3.IntegrityError:
            raise DuplicateClientId(
                f"order {request.client_id!r} is already journaled; not sending it again"
            ) from None
        record = self.order_by_client_id(request.client_id)
        if record is None:  # pragma: no cover - the row was just inserted
            raise JournalError(f"order {request.client_id!r} vanished after insert")
        return record

    def update_order(
        self,
        client_id: str,
        *,
        status: str | Enum,
        exchange_id: str | None = None,
        filled: Decimal | None = None,
        avg_price: Decimal | None = None,
    ) -> bool:
        """Update our order's venue state; False if no such client id. A terminal status
        (closed/canceled/expired/rejected) is never turned back into a live one, and
        `filled` never decreases: a late, stale read must not undo what we know."""
        current = self.order_by_client_id(client_id)
        if current is None:
            return False
        new_status = text(status)
        if current.status in TERMINAL_STATUSES and new_status in LIVE_STATUSES:
            new_status = current.status
        new_filled = current.filled if filled is None else max(current.filled, filled)
        self._exec(
            "UPDATE orders SET status = ?, exchange_id = COALESCE(?, exchange_id), filled = ?, "
            "avg_price = COALESCE(?, avg_price), updated_at = ? WHERE client_id = ?",
            (new_status, exchange_id, dec(new_filled), dec(avg_price), self._clock(), client_id),
        )
        return True

    def apply_order(self, order: Order) -> bool:
        """Update the journaled order matching `order.client_id` from the venue's report;
        False when the order is not ours (no client id, or one we never journaled)."""
        if order.client_id is None:
            return False
        return self.update_order(
            order.client_id,
            status=order.status,
            exchange_id=order.id,
            filled=order.filled,
            avg_price=order.average_price,
        )

    def mark_unknown(self, client_id: str) -> bool:
        """After an ambiguous send (timeout/5xx) the order may or may not be on the venue."""
        return self.update_order(client_id, status=UNKNOWN)

    def order_by_client_id(self, client_id: str) -> OrderRecord | None:
        rows = self._rows(f"SELECT {_COLUMNS} FROM orders WHERE client_id = ?", (client_id,))
        return _order(rows[0]) if rows else None

    def open_orders_for(self, hedge: str) -> tuple[OrderRecord, ...]:
        """The hedge's orders that may be resting (pending, unknown or open), oldest first."""
        return self._orders("hedge = ? AND status IN (?,?,?)", (hedge, *LIVE_STATUSES))

    def pending_orders(self) -> tuple[OrderRecord, ...]:
        """Orders whose outcome is not known (pending or unknown): look each up by client id."""
        return self._orders("status IN (?,?)", (PENDING, UNKNOWN))

    def live_orders(self, account: str | None = None) -> tuple[OrderRecord, ...]:
        """Every order that may be resting, optionally on one account (for reconciliation)."""
        if account is None:
            return self._orders("status IN (?,?,?)", LIVE_STATUSES)
        return self._orders("status IN (?,?,?) AND account = ?", (*LIVE_STATUSES, account))

    def _orders(self, where: str, params: tuple[Any, ...]) -> tuple[OrderRecord, ...]:
        rows = self._rows(f"SELECT {_COLUMNS} FROM orders WHERE {where} ORDER BY id", params)
        return tuple(_order(r) for r in rows)


def _order(row: tuple[Any, ...]) -> OrderRecord:
    (client_id, exchange_id, account, hedge, symbol, side, amount, price, post_only,
     reduce_only, intent, reason, status, created, updated, filled, avg_price) = row  # fmt: skip
    return OrderRecord(
        client_id=client_id,
        exchange_id=exchange_id,
        account=account,
        hedge=hedge,
        symbol=symbol,
        side=Side(side),
        amount=Decimal(amount),
        price=opt_dec(price),
        post_only=bool(post_only),
        reduce_only=bool(reduce_only),
        intent=intent,
        reason=reason,
        status=status,
        created_at_ms=created,
        updated_at_ms=updated,
        filled=Decimal(filled),
        avg_price=opt_dec(avg_price),
    )
