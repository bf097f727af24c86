"""Immutable values the whole daemon speaks: markets, balances, positions, orders, snapshots.

Conventions (they hold everywhere in `bot/`):
- Money and amounts are `Decimal`, never float.
- Position sizes are signed contracts: negative = short, positive = long.
- Order amounts are unsigned contracts; `Side` gives the direction.
- For spot markets a "contract" is one unit of the base asset (contract_size 1).
- Prices are quote currency per base unit (USDT per BTC for BTC/USDT:USDT).
- Timestamps are integer milliseconds since the Unix epoch (UTC).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

__all__ = [
    "AccountSnapshot",
    "Balance",
    "Fill",
    "FundingInfo",
    "FundingPayment",
    "MarginMode",
    "Market",
    "MarketKind",
    "Order",
    "OrderStatus",
    "Position",
    "PositionMode",
    "Quote",
    "Side",
    "Wallet",
    "frozen_map",
]

ZERO = Decimal(0)
_K = TypeVar("_K")
_V = TypeVar("_V")


def frozen_map(items: Mapping[_K, _V] | None = None) -> Mapping[_K, _V]:
    """A read-only view over a copy of `items`, safe to keep inside frozen dataclasses."""
    return MappingProxyType(dict(items or {}))


class MarketKind(StrEnum):
    """What a market's contract is denominated in."""

    SPOT = "spot"
    LINEAR = "linear"  # contract_size is in base units (0.001 BTC); margin and P&L in quote
    INVERSE = "inverse"  # contract_size is in quote units (100 USD); margin and P&L in base


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


class MarginMode(StrEnum):
    ISOLATED = "isolated"
    CROSS = "cross"


class Wallet(StrEnum):
    """Where a balance lives on a venue (Binance: the spot wallet, the USDⓈ-M futures wallet,
    the COIN-M futures wallet that holds each coin margining its inverse contracts)."""

    SPOT = "spot"
    FUTURES = "futures"
    COINM = "coinm"


class PositionMode(StrEnum):
    """How the venue holds an account's perp positions (Binance `dualSidePosition`)."""

    ONE_WAY = "one_way"  # one net position per symbol
    HEDGE = "hedge"  # a LONG and a SHORT leg per symbol, traded separately


class OrderStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # fully filled
    CANCELED = "canceled"
    EXPIRED = "expired"
    REJECTED = "rejected"

    @property
    def is_live(self) -> bool:
        return self is OrderStatus.OPEN


@dataclass(frozen=True, slots=True)
class Market:
    """One tradable instrument with the rules an order must satisfy.

    `amount_step` and `min_amount` are in contracts (base units for spot);
    `min_notional` is in quote currency; `contract_size` is base units per contract for
    linear and spot markets, quote units per contract for inverse markets.
    """

    symbol: str  # ccxt unified symbol, e.g. "BTC/USDT:USDT" or "BTC/USDT"
    exchange_symbol: str  # venue id, e.g. "BTCUSDT"
    kind: MarketKind
    base: str
    quote: str
    settle: str | None
    contract_size: Decimal
    amount_step: Decimal
    price_tick: Decimal
    min_amount: Decimal = ZERO
    min_notional: Decimal = ZERO
    max_amount: Decimal | None = None
    max_leverage: int | None = None
    maker_fee: Decimal = ZERO
    taker_fee: Decimal = ZERO
    expiry_ms: int | None = None  # dated futures: delivery time; None for perpetuals and spot
    # Margined by a unified wallet that also holds the spot coins (Bybit UTA): there is no
    # separate futures wallet, so nothing to transfer into.
    unified_margin: bool = False

    @property
    def is_dated(self) -> bool:
        return self.expiry_ms is not None

    @property
    def is_contract(self) -> bool:
        return self.kind is not MarketKind.SPOT

    @property
    def margin_wallet(self) -> Wallet:
        """The wallet holding this contract's margin: COIN-M for inverse, else USDⓈ-M."""
        return Wallet.COINM if self.kind is MarketKind.INVERSE else Wallet.FUTURES


@dataclass(frozen=True, slots=True)
class Balance:
    """Amounts of one asset in one wallet. `total` = `free` + `used` (as reported)."""

    asset: str
    free: Decimal
    used: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class Position:
    """The perpetual position a hedge trades. `contracts` < 0 is short.

    `collateral` is the margin backing the position (isolated margin, or the position's share
    of cross margin as reported); `maintenance_margin` and `collateral` are in the settle
    currency. `margin_ratio` is maintenance margin / margin balance (0..1; 1 = liquidation),
    as the venue reports it, or None.

    In hedge mode (`PositionMode.HEDGE`) every field describes the SHORT leg, which is the
    hedge; `long_leg_contracts` (≥ 0) is the account's LONG leg on the same symbol, reported
    for the operator and never traded. It is 0 in one-way mode. The `long_leg_*` figures are
    that leg's entry price, unrealized P&L and maintenance margin (settle currency) as the
    venue reports them: in cross margin the LONG leg shares the wallet and the liquidation
    price with the SHORT, so the risk guard counts it (see `liquidation.hedged_liquidation_price`).
    `long_leg_margin_mode` is that leg's own margin mode (None: not reported) and
    `long_leg_isolated_wallet` its isolated wallet (without its unrealized P&L), which is not
    in the cross wallet.
    """

    symbol: str
    contracts: Decimal
    entry_price: Decimal | None = None
    mark_price: Decimal | None = None
    liquidation_price: Decimal | None = None
    leverage: Decimal | None = None
    margin_mode: MarginMode | None = None
    collateral: Decimal | None = None
    maintenance_margin: Decimal | None = None
    initial_margin: Decimal | None = None
    margin_ratio: Decimal | None = None
    unrealized_pnl: Decimal | None = None
    timestamp_ms: int | None = None
    long_leg_contracts: Decimal = ZERO
    long_leg_entry_price: Decimal | None = None
    long_leg_unrealized_pnl: Decimal | None = None
    long_leg_maintenance_margin: Decimal | None = None
    long_leg_margin_mode: MarginMode | None = None
    long_leg_isolated_wallet: Decimal | None = None

    @property
    def is_flat(self) -> bool:
        return self.contracts == 0


@dataclass(frozen=True, slots=True)
class Quote:
    """Top of book (and mark price for contracts) at `timestamp_ms`."""

    symbol: str
    bid: Decimal
    ask: Decimal
    timestamp_ms: int
    last: Decimal | None = None
    mark: Decimal | None = None
    index: Decimal | None = None

    @property
    def mid(self) -> Decimal:
        return (self.bid + self.ask) / 2


@dataclass(frozen=True, slots=True)
class FundingInfo:
    """Current funding of a perpetual. `rate` is a fraction per interval (0.0001 = 0.01 %);
    a positive rate means longs pay shorts."""

    symbol: str
    rate: Decimal
    next_funding_ms: int | None
    mark: Decimal | None = None
    index: Decimal | None = None
    interval_hours: int = 8


@dataclass(frozen=True, slots=True)
class FundingPayment:
    """One funding settlement on our position; `amount` > 0 was received."""

    id: str
    symbol: str
    asset: str
    amount: Decimal
    timestamp_ms: int


@dataclass(frozen=True, slots=True)
class Order:
    """An order as the venue reports it. `amount`/`filled` are unsigned contracts."""

    id: str
    client_id: str | None
    symbol: str
    side: Side
    amount: Decimal
    filled: Decimal
    price: Decimal | None
    status: OrderStatus
    reduce_only: bool = False
    post_only: bool = False
    timestamp_ms: int | None = None
    average_price: Decimal | None = None

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.filled


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution. `amount` is unsigned contracts; `fee` is in `fee_asset`."""

    id: str
    order_id: str
    symbol: str
    side: Side
    amount: Decimal
    price: Decimal
    fee: Decimal
    fee_asset: str | None
    maker: bool | None
    timestamp_ms: int
    client_id: str | None = None


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """Everything read from one account in one cycle. Parts a cycle did not need are empty.

    `spot` and `futures` (USDⓈ-M) map asset → Balance, `coinm` coin → Balance of the COIN-M
    wallet (`total` = wallet balance + unrealised P&L, in the coin); `positions` maps unified
    symbol → Position (flat positions may be absent); `open_orders` are the live orders on
    the symbols read; `quotes` and `funding` map unified symbol → value; `markets` are the
    markets involved.
    """

    account: str
    taken_at_ms: int
    markets: Mapping[str, Market] = field(default_factory=frozen_map)
    spot: Mapping[str, Balance] = field(default_factory=frozen_map)
    futures: Mapping[str, Balance] = field(default_factory=frozen_map)
    coinm: Mapping[str, Balance] = field(default_factory=frozen_map)
    positions: Mapping[str, Position] = field(default_factory=frozen_map)
    open_orders: tuple[Order, ...] = ()
    quotes: Mapping[str, Quote] = field(default_factory=frozen_map)
    funding: Mapping[str, FundingInfo] = field(default_factory=frozen_map)

    def margin_balances(self, market: Market) -> Mapping[str, Balance]:
        """The futures wallet that margins `market` (COIN-M for inverse, else USDⓈ-M)."""
        return self.coinm if market.margin_wallet is Wallet.COINM else self.futures

    def position(self, symbol: str) -> Position:
        """The position on `symbol`, flat if the venue reported none."""
        return self.positions.get(symbol) or Position(symbol=symbol, contracts=ZERO)
