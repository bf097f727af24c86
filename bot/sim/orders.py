"""Order and trade records kept by the simulated venue (mutable: an order fills over time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["OPEN_STATUSES", "Order", "Trade"]

OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED"})


@dataclass(slots=True)
class Trade:
    """One execution of one order. `quote_qty` = price × qty; commission in the quote asset."""

    trade_id: int
    order_id: int
    market: str
    symbol: str
    side: str
    price: Decimal
    qty: Decimal
    commission: Decimal
    commission_asset: str
    maker: bool
    time_ms: int
    realized_pnl: Decimal = Decimal(0)
    position_side: str = "BOTH"

    @property
    def quote_qty(self) -> Decimal:
        return self.price * self.qty


@dataclass(slots=True)
class Order:
    """A user order; `price` is None for MARKET. `status` follows Binance's enum."""

    order_id: int
    market: str
    symbol: str
    side: str
    order_type: str
    quantity: Decimal
    price: Decimal | None
    time_in_force: str
    reduce_only: bool
    client_order_id: str
    time_ms: int
    update_ms: int
    status: str = "NEW"
    executed_qty: Decimal = Decimal(0)
    cum_quote: Decimal = Decimal(0)
    locked: Decimal = Decimal(0)  # spot: balance still locked for the unfilled rest
    trades: list[Trade] = field(default_factory=list)
    position_side: str = "BOTH"  # USDⓈ-M: BOTH (one-way), LONG or SHORT (hedge mode)

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.executed_qty

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reducing(self) -> bool:
        """Can only shrink its position leg: reduce-only, or a hedge-mode close (SELL on the
        LONG leg, BUY on the SHORT leg)."""
        closes = {"LONG": "SELL", "SHORT": "BUY"}.get(self.position_side)
        return self.reduce_only or closes == self.side

    @property
    def avg_price(self) -> Decimal:
        if self.executed_qty == 0:
            return Decimal(0)
        return self.cum_quote / self.executed_qty

    def record(self, trade: Trade) -> None:
        """Book an execution against this order and update its status."""
        self.trades.append(trade)
        self.executed_qty += trade.qty
        self.cum_quote += trade.quote_qty
        self.update_ms = trade.time_ms
        self.status = "FILLED" if self.remaining <= 0 else "PARTIALLY_FILLED"
