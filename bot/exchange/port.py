"""The one interface the engine talks to. The ccxt adapter implements it; tests may use the
simulator through the real adapter, never a patched ccxt.

Every method raises only `bot.exchange.errors` exceptions. Reads may be retried internally
(bounded, with backoff and jitter); `place_order` is never retried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from bot.domain.candles import Candle
from bot.domain.liquidation import MarginBracket
from bot.domain.model import (
    Balance,
    Fill,
    FundingInfo,
    FundingPayment,
    MarginMode,
    Market,
    Order,
    Position,
    Quote,
    Side,
    Wallet,
)

__all__ = ["ApiRestrictions", "Exchange", "OrderRequest"]


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """A limit order to send. `amount` is unsigned contracts, already rounded to the step;
    `price` already rounded to the tick. `immediate_or_cancel` is only for escalations."""

    symbol: str
    side: Side
    amount: Decimal
    price: Decimal
    client_id: str
    post_only: bool = True
    reduce_only: bool = False
    immediate_or_cancel: bool = False


@dataclass(frozen=True, slots=True)
class ApiRestrictions:
    """What the account's API key may do, as the venue reports it (Binance
    `GET /sapi/v1/account/apiRestrictions`). None = the venue does not say."""

    can_withdraw: bool | None
    can_trade_futures: bool | None = None


class Exchange(Protocol):
    """One account on one venue."""

    account: str

    async def load_markets(self, *, reload: bool = False) -> Mapping[str, Market]:
        """All markets by unified symbol; cached, refreshed when `reload`."""
        ...

    async def fetch_balances(self, wallet: Wallet) -> Mapping[str, Balance]:
        """One call per wallet: asset → Balance."""
        ...

    async def fetch_positions(self, symbols: Sequence[str]) -> Mapping[str, Position]:
        """One call for all `symbols`: symbol → Position (flat symbols may be absent)."""
        ...

    async def fetch_open_orders(self, symbol: str) -> tuple[Order, ...]: ...

    async def fetch_account_open_orders(self, symbols: Sequence[str]) -> tuple[Order, ...]:
        """Live orders on all of `symbols`, in one request per API family."""
        ...

    async def fetch_quotes(self, symbols: Sequence[str]) -> Mapping[str, Quote]:
        """symbol → Quote for all of `symbols`, in one or two requests per API family."""
        ...

    async def fetch_margin_brackets_of(
        self, symbols: Sequence[str]
    ) -> Mapping[str, tuple[MarginBracket, ...]]:
        """symbol → brackets of all of the perps `symbols`, one request per API family."""
        ...

    async def fetch_account_funding_payments(
        self, symbols: Sequence[str], *, since_ms: int | None = None
    ) -> Mapping[str, tuple[FundingPayment, ...]]:
        """symbol → funding settled on all of `symbols` since `since_ms`, one request (or a
        few pages) per API family."""
        ...

    def used_weight(self) -> Mapping[str, int]:
        """API family → request weight the venue says was used this minute (empty when the
        venue does not report it)."""
        ...

    async def fetch_quote(self, symbol: str) -> Quote:
        """Best bid/ask (order book top) and, for contracts, the mark price."""
        ...

    async def fetch_funding(self, symbol: str) -> FundingInfo: ...

    async def fetch_candles(
        self, symbol: str, interval: str, *, limit: int, since_ms: int | None = None
    ) -> tuple[Candle, ...]:
        """Candles of `interval` ('1h') of `symbol`, oldest first: `limit` from `since_ms`,
        or the latest `limit` when None."""
        ...

    async def fetch_funding_rates(
        self, symbol: str, *, since_ms: int | None = None
    ) -> tuple[tuple[int, Decimal], ...]:
        """Settled funding of perp `symbol` (since `since_ms`, else the latest page):
        (time ms, rate), oldest first."""
        ...

    async def fetch_margin_brackets(self, symbol: str) -> tuple[MarginBracket, ...]:
        """The venue's maintenance-margin brackets for a perp, lowest notional first."""
        ...

    async def fetch_order(self, symbol: str, *, client_id: str) -> Order | None:
        """The order with this client order id, or None if the venue never booked it."""
        ...

    async def fetch_fills(
        self, symbol: str, *, since_ms: int | None = None
    ) -> tuple[Fill, ...]: ...

    async def fetch_funding_payments(
        self, symbol: str, *, since_ms: int | None = None
    ) -> tuple[FundingPayment, ...]: ...

    async def place_order(self, request: OrderRequest) -> Order:
        """Send once. Raises AmbiguousOrderError when the outcome is unknown."""
        ...

    async def cancel_order(self, symbol: str, *, order_id: str) -> Order | None:
        """Cancel; returns the final order, or None if it was already gone."""
        ...

    async def fetch_api_restrictions(self) -> ApiRestrictions:
        """The key's permissions (withdrawals, futures trading); fields are None when the venue
        does not publish them. Raises AuthError when the key is refused."""
        ...

    async def set_leverage(self, symbol: str, leverage: int) -> None: ...

    async def set_margin_mode(self, symbol: str, mode: MarginMode) -> None: ...

    async def transfer(self, asset: str, amount: Decimal, source: Wallet, target: Wallet) -> None:
        """Move collateral between this account's wallets."""
        ...

    async def add_margin(self, symbol: str, amount: Decimal) -> None:
        """Add isolated margin (settle currency) to the position on `symbol`."""
        ...

    async def resync_clock(self) -> None: ...

    async def close(self) -> None: ...
