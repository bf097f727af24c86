"""Order and trade records kept by the simulated venue (mutable: an order fills over time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["OPEN_STATUSES", "Order", "Trade"]

OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED"})


@dataclass(slots=True)
class Trade:
    """One execution of one order. `quote_qty` = price × qty; commission in the quote asset
    (spot, USDⓈ-M) or the coin (COIN-M, whose trades carry their `contract_size`)."""

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
    contract_size: Decimal | None = None  # COIN-M: USD per contract

    @property
    def quote_qty(self) -> Decimal:
        return self.price * self.qty

    @property
    def base_qty(self) -> Decimal:
        """COIN-M: the coin the contracts were worth (qty × contract size / price)."""
        if self.contract_size is None:
            return self.qty
        return self.qty * self.contract_size / self.price


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
    cum_base: Decimal = Decimal(0)  # COIN-M: Σ trade base_qty (the coin traded)
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
        """Volume-weighted (linear) or, for COIN-M, harmonic mean fill price."""
        if self.executed_qty == 0:
            return Decimal(0)
        if self.trades and self.trades[0].contract_size is not None:
            return self.executed_qty * self.trades[0].contract_size / self.cum_base
        return self.cum_quote / self.executed_qty

    def record(self, trade: Trade) -> None:
        """Book an execution against this order and update its status."""
        self.trades.append(trade)
        self.executed_qty += trade.qty
        self.cum_quote += trade.quote_qty
        self.cum_base += trade.base_qty
        self.update_ms = trade.time_ms
        self.status = "FILLED" if self.remaining <= 0 else "PARTIALLY_FILLED"
