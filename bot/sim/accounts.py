"""Per-API-key account state: spot balances, the USDⓈ-M wallet, positions and histories."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.sim.orders import Order, Trade

__all__ = ["DEFAULT_LEVERAGE", "Account", "FuturesPosition", "SpotBalance", "apply_fill"]

DEFAULT_LEVERAGE = 20  # Binance's default for a symbol the user never configured
ZERO = Decimal(0)


@dataclass(slots=True)
class SpotBalance:
    free: Decimal = ZERO
    locked: Decimal = ZERO


@dataclass(slots=True)
class FuturesPosition:
    """One-way (positionSide BOTH) position: `amt` signed, long > 0, short < 0."""

    symbol: str
    amt: Decimal = ZERO
    entry_price: Decimal = ZERO
    leverage: int = DEFAULT_LEVERAGE
    margin_type: str = "CROSSED"
    isolated_wallet: Decimal = ZERO  # USDT allocated to an ISOLATED position
    update_ms: int = 0

    @property
    def isolated(self) -> bool:
        return self.margin_type == "ISOLATED"


@dataclass(slots=True)
class Account:
    """Everything the venue knows about one API key. `usdm` maps asset → wallet balance;
    its USDT entry is the cross wallet (isolated wallets live on the positions)."""

    api_key: str
    secret: str
    spot: dict[str, SpotBalance] = field(default_factory=dict)
    usdm: dict[str, Decimal] = field(default_factory=dict)
    positions: dict[str, FuturesPosition] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    trades: list[Trade] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    liquidations: list[dict[str, Any]] = field(default_factory=list)
    income: list[dict[str, Any]] = field(default_factory=list)
    update_ms: int = 0

    @property
    def cross_wallet(self) -> Decimal:
        return self.usdm.get("USDT", ZERO)

    @cross_wallet.setter
    def cross_wallet(self, value: Decimal) -> None:
        self.usdm["USDT"] = value

    def balance(self, asset: str) -> SpotBalance:
        """The spot balance of `asset`, created empty on first use."""
        return self.spot.setdefault(asset, SpotBalance())

    def position(self, symbol: str) -> FuturesPosition:
        """The futures position/settings of `symbol`, created flat on first use."""
        return self.positions.setdefault(symbol, FuturesPosition(symbol))

    def open_orders(self, market: str, symbol: str | None = None) -> list[Order]:
        """Open orders on `market` (optionally one symbol), oldest first."""
        return [
            o
            for o in self.orders.values()
            if o.is_open and o.market == market and (symbol is None or o.symbol == symbol)
        ]


def apply_fill(
    amt: Decimal, entry: Decimal, signed_qty: Decimal, price: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """New (amt, entry price, realized P&L) after trading `signed_qty` (buy > 0) at `price`.

    Adding to a position averages the entry; reducing realises (price − entry) × closed
    quantity × side; flipping opens the remainder at `price`.
    """
    new_amt = amt + signed_qty
    if amt == 0 or (amt > 0) == (signed_qty > 0):
        new_entry = (abs(amt) * entry + abs(signed_qty) * price) / abs(new_amt)
        return new_amt, new_entry, ZERO
    closed = min(abs(amt), abs(signed_qty))
    side = Decimal(1) if amt > 0 else Decimal(-1)
    realized = (price - entry) * closed * side
    if new_amt == 0:
        return ZERO, ZERO, realized
    if (new_amt > 0) == (amt > 0):
        return new_amt, entry, realized
    return new_amt, price, realized
