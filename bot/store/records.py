"""Rows the journal hands back: frozen values, Decimal amounts, millisecond timestamps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from bot.domain.model import OrderStatus, Side

__all__ = [
    "LIVE_STATUSES",
    "PENDING",
    "TERMINAL_STATUSES",
    "UNKNOWN",
    "CycleRecord",
    "OrderLike",
    "OrderRecord",
]

PENDING = "pending"  # intent journaled, not yet acknowledged by the venue
UNKNOWN = "unknown"  # sent, outcome ambiguous (timeout/5xx): look it up by client id
LIVE_STATUSES = (PENDING, UNKNOWN, OrderStatus.OPEN.value)
TERMINAL_STATUSES = tuple(s.value for s in OrderStatus if not s.is_live)


class OrderLike(Protocol):
    """What the journal needs from an order about to be sent (`bot.exchange.OrderRequest`
    fits); amounts in contracts, price in quote per base unit."""

    @property
    def symbol(self) -> str: ...
    @property
    def side(self) -> Side: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def price(self) -> Decimal: ...
    @property
    def client_id(self) -> str: ...
    @property
    def post_only(self) -> bool: ...
    @property
    def reduce_only(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """One of our orders as journaled. `status` is `pending`, `unknown` or an `OrderStatus`
    value; `amount`/`filled` are unsigned contracts."""

    client_id: str
    exchange_id: str | None
    account: str
    hedge: str
    symbol: str
    side: Side
    amount: Decimal
    price: Decimal | None
    post_only: bool
    reduce_only: bool
    intent: str
    reason: str
    status: str
    created_at_ms: int
    updated_at_ms: int
    filled: Decimal
    avg_price: Decimal | None

    @property
    def is_live(self) -> bool:
        """True while the order may rest on the venue (pending, unknown or open)."""
        return self.status in LIVE_STATUSES


@dataclass(frozen=True, slots=True)
class CycleRecord:
    """One hedge cycle: `status` is running, ok, error or skipped."""

    cycle_id: str
    started_at_ms: int
    finished_at_ms: int | None
    status: str
    error: str | None
