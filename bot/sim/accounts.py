"""Per-API-key account state: spot balances, the USDⓈ-M and COIN-M wallets, positions and
histories.

Positions are kept per leg: `(symbol, "BOTH")` in one-way mode, `(symbol, "LONG")` and
`(symbol, "SHORT")` in USDⓈ-M hedge mode (`dual_side`; COIN-M positions are one-way). USDⓈ-M
and COIN-M symbols never collide (BTCUSDT vs BTCUSD_PERP), so both live in one dict, each
position knowing its market. Leverage and margin type belong to the symbol and are shared by
its legs (`SymbolSettings`), as on Binance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.sim.orders import Order, Trade

__all__ = [
    "DEFAULT_LEVERAGE",
    "HEDGE_SIDES",
    "ONE_WAY_SIDE",
    "VENUE_DEFAULT_LEVERAGE",
    "Account",
    "FuturesPosition",
    "SpotBalance",
    "SymbolSettings",
    "apply_fill",
]

DEFAULT_LEVERAGE = 20  # Binance's default for a symbol the user never configured
VENUE_DEFAULT_LEVERAGE = {"binance": DEFAULT_LEVERAGE, "bybit": 10}  # Bybit linear: 10x
ONE_WAY_SIDE = "BOTH"
HEDGE_SIDES = ("LONG", "SHORT")
ZERO = Decimal(0)


@dataclass(slots=True)
class SpotBalance:
    free: Decimal = ZERO
    locked: Decimal = ZERO


@dataclass(slots=True)
class SymbolSettings:
    """A symbol's futures settings, shared by its position legs."""

    leverage: int = DEFAULT_LEVERAGE
    margin_type: str = "CROSSED"
    venue: str = "binance"  # whose maintenance-margin tiers apply ("binance" | "bybit")


@dataclass(slots=True)
class FuturesPosition:
    """One position leg: `amt` signed (long > 0, short < 0); `side` is its positionSide
    ("BOTH" in one-way mode; "LONG" legs are never short, "SHORT" legs never long)."""

    symbol: str
    settings: SymbolSettings = field(default_factory=SymbolSettings)
    side: str = ONE_WAY_SIDE
    amt: Decimal = ZERO  # base quantity (USDⓈ-M) or contracts (COIN-M)
    entry_price: Decimal = ZERO
    isolated_wallet: Decimal = ZERO  # margin asset allocated to an ISOLATED position
    update_ms: int = 0
    market: str = "usdm"

    @property
    def leverage(self) -> int:
        return self.settings.leverage

    @property
    def margin_type(self) -> str:
        return self.settings.margin_type

    @property
    def isolated(self) -> bool:
        return self.settings.margin_type == "ISOLATED"


@dataclass(slots=True)
class Account:
    """Everything the venue knows about one API key. `usdm` maps asset → wallet balance;
    its USDT entry is the cross wallet (isolated wallets live on the positions). `coinm` maps
    coin → COIN-M wallet balance (each coin is the cross wallet of its contracts); its income
    rows are `coinm_income`. `deliveries` records quarterlies settled at delivery (both
    markets). `dual_side` is Binance's USDⓈ-M hedge mode; `can_withdraw` the key's
    withdrawal permission."""

    api_key: str
    secret: str
    spot: dict[str, SpotBalance] = field(default_factory=dict)
    usdm: dict[str, Decimal] = field(default_factory=dict)
    positions: dict[tuple[str, str], FuturesPosition] = field(default_factory=dict)
    settings: dict[str, SymbolSettings] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    trades: list[Trade] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    liquidations: list[dict[str, Any]] = field(default_factory=list)
    income: list[dict[str, Any]] = field(default_factory=list)
    coinm: dict[str, Decimal] = field(default_factory=dict)
    coinm_income: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    update_ms: int = 0
    coinm_update_ms: int = 0
    dual_side: bool = False
    can_withdraw: bool = False
    created_ms: int = 0
    venue: str = "binance"  # "bybit": a unified trading account served on /v5 (bybit_wallet)
    default_margin_type: str = "CROSSED"  # Bybit sets the margin mode per account
    order_notes: dict[int, str] = field(default_factory=dict)  # Bybit rejectReason by order id

    @property
    def cross_wallet(self) -> Decimal:
        return self.usdm.get("USDT", ZERO)

    @cross_wallet.setter
    def cross_wallet(self, value: Decimal) -> None:
        self.usdm["USDT"] = value

    @property
    def position_sides(self) -> tuple[str, ...]:
        """The positionSide values of this account's mode."""
        return HEDGE_SIDES if self.dual_side else (ONE_WAY_SIDE,)

    def wallet(self, market: str, asset: str) -> Decimal:
        """Futures wallet balance of `asset` on `market` ("usdm" | "coinm"); 0 when none."""
        return (self.usdm if market == "usdm" else self.coinm).get(asset, ZERO)

    def credit(self, market: str, asset: str, amount: Decimal) -> None:
        """Add `amount` (negative: debit) to the `market` wallet of `asset`."""
        wallets = self.usdm if market == "usdm" else self.coinm
        wallets[asset] = wallets.get(asset, ZERO) + amount

    def income_rows(self, market: str) -> list[dict[str, Any]]:
        """The income history of `market` (/fapi/v1/income or /dapi/v1/income rows)."""
        return self.income if market == "usdm" else self.coinm_income

    def touch(self, market: str, now_ms: int) -> None:
        """Stamp the `market` wallet as updated at `now_ms`."""
        if market == "usdm":
            self.update_ms = now_ms
        else:
            self.coinm_update_ms = now_ms

    def balance(self, asset: str) -> SpotBalance:
        """The spot balance of `asset`, created empty on first use."""
        return self.spot.setdefault(asset, SpotBalance())

    def symbol_settings(self, symbol: str) -> SymbolSettings:
        """Leverage and margin type of `symbol`, created with the venue's defaults on first use."""
        if symbol not in self.settings:
            leverage = VENUE_DEFAULT_LEVERAGE[self.venue]
            margin_type = self.default_margin_type
            self.settings[symbol] = SymbolSettings(leverage, margin_type, self.venue)
        return self.settings[symbol]

    def position(
        self, symbol: str, side: str = ONE_WAY_SIDE, market: str = "usdm"
    ) -> FuturesPosition:
        """The `side` leg of `symbol` (on `market`), created flat on first use."""
        key = (symbol, side)
        if key not in self.positions:
            settings = self.symbol_settings(symbol)
            self.positions[key] = FuturesPosition(symbol, settings, side, market=market)
        return self.positions[key]

    def market_positions(self, market: str) -> list[FuturesPosition]:
        """Every leg on `market`, flat ones included."""
        return [p for p in self.positions.values() if p.market == market]

    def legs(self, symbol: str) -> list[FuturesPosition]:
        """Every leg of `symbol` the account has (flat ones included)."""
        return [p for (s, _), p in self.positions.items() if s == symbol]

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
