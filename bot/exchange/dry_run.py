"""`DryRunExchange`: the `Exchange` port over a real gateway that never changes the account.

`hedgebot run --dry-run` (or `dry_run: true`) wraps every account's gateway in one. Reads go
to the venue unchanged, so the daemon reads, decides, journals and reports exactly as live;
every call that would change something on the venue — order, cancel, leverage, margin mode,
transfer, isolated margin — is recorded in `would` (the latest `WOULD_KEPT`) and answered
without a request. The guarantee is structural: the live gateway has no dry-run branch, and
this class defines every method of the port itself (nothing is forwarded by default, so a
mutating method added to the port later cannot slip through; a test checks that every port
method is defined here).

What a no-op answers: `place_order` an order that never rested (status EXPIRED, nothing
filled, id "dry-run-N"); `cancel_order` None (as for an order already gone); the other
mutating calls None. The engine journals and logs each of them as "would …".
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

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
    OrderStatus,
    Position,
    Quote,
    Wallet,
)
from bot.exchange.orders import order_as_sent
from bot.exchange.port import ApiRestrictions, Exchange, OrderRequest

__all__ = ["DRY_RUN_ORDER_PREFIX", "DryRunExchange"]

ZERO = Decimal(0)
DRY_RUN_ORDER_PREFIX = "dry-run-"
WOULD_KEPT = 1_000


def _text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _describe(request: OrderRequest) -> str:
    """The order as one line, e.g. `sell 1 BTC/USDT:USDT @ 60000.1 post-only`."""
    flags = {
        "post-only": request.post_only,
        "reduce-only": request.reduce_only,
        "IOC": request.immediate_or_cancel,
    }
    text = f"{request.side.value} {_text(request.amount)} {request.symbol} @ {_text(request.price)}"
    return " ".join([text, *(name for name, on in flags.items() if on)])


class DryRunExchange:
    """One account read through `inner`, written to nowhere (see the module docstring)."""

    def __init__(self, inner: Exchange) -> None:
        self.inner = inner
        self.account = inner.account
        self.would: deque[str] = deque(maxlen=WOULD_KEPT)  # the latest mutating calls
        self.calls = 0  # mutating calls answered without a request, ever

    @property
    def breaker(self) -> Any:
        """The inner gateway's circuit breaker (reads still go through it), if it has one."""
        return getattr(self.inner, "breaker", None)

    # --- reads: the venue's answers, unchanged ----------------------------------------------
    async def load_markets(self, *, reload: bool = False) -> Mapping[str, Market]:
        return await self.inner.load_markets(reload=reload)

    async def fetch_balances(self, wallet: Wallet) -> Mapping[str, Balance]:
        return await self.inner.fetch_balances(wallet)

    async def fetch_positions(self, symbols: Sequence[str]) -> Mapping[str, Position]:
        return await self.inner.fetch_positions(symbols)

    async def fetch_open_orders(self, symbol: str) -> tuple[Order, ...]:
        return await self.inner.fetch_open_orders(symbol)

    async def fetch_quote(self, symbol: str) -> Quote:
        return await self.inner.fetch_quote(symbol)

    async def fetch_account_open_orders(self, symbols: Sequence[str]) -> tuple[Order, ...]:
        return await self.inner.fetch_account_open_orders(symbols)

    async def fetch_quotes(self, symbols: Sequence[str]) -> Mapping[str, Quote]:
        return await self.inner.fetch_quotes(symbols)

    async def fetch_margin_brackets_of(
        self, symbols: Sequence[str]
    ) -> Mapping[str, tuple[MarginBracket, ...]]:
        return await self.inner.fetch_margin_brackets_of(symbols)

    async def fetch_account_funding_payments(
        self, symbols: Sequence[str], *, since_ms: int | None = None
    ) -> Mapping[str, tuple[FundingPayment, ...]]:
        return await self.inner.fetch_account_funding_payments(symbols, since_ms=since_ms)

    def used_weight(self) -> Mapping[str, int]:
        return self.inner.used_weight()

    async def fetch_funding(self, symbol: str) -> FundingInfo:
        return await self.inner.fetch_funding(symbol)

    async def fetch_margin_brackets(self, symbol: str) -> tuple[MarginBracket, ...]:
        return await self.inner.fetch_margin_brackets(symbol)

    async def fetch_order(self, symbol: str, *, client_id: str) -> Order | None:
        return await self.inner.fetch_order(symbol, client_id=client_id)

    async def fetch_fills(self, symbol: str, *, since_ms: int | None = None) -> tuple[Fill, ...]:
        return await self.inner.fetch_fills(symbol, since_ms=since_ms)

    async def fetch_funding_payments(
        self, symbol: str, *, since_ms: int | None = None
    ) -> tuple[FundingPayment, ...]:
        return await self.inner.fetch_funding_payments(symbol, since_ms=since_ms)

    async def fetch_candles(
        self, symbol: str, interval: str, *, limit: int, since_ms: int | None = None
    ) -> tuple[Candle, ...]:
        return await self.inner.fetch_candles(symbol, interval, limit=limit, since_ms=since_ms)

    async def fetch_funding_rates(
        self, symbol: str, *, since_ms: int | None = None
    ) -> tuple[tuple[int, Decimal], ...]:
        return await self.inner.fetch_funding_rates(symbol, since_ms=since_ms)

    async def fetch_api_restrictions(self) -> ApiRestrictions:
        return await self.inner.fetch_api_restrictions()

    async def resync_clock(self) -> None:
        await self.inner.resync_clock()  # reads the venue's time; changes nothing there

    async def close(self) -> None:
        await self.inner.close()

    # --- writes: recorded, never sent --------------------------------------------------------
    def _record(self, line: str) -> None:
        self.calls += 1
        self.would.append(line)

    async def place_order(self, request: OrderRequest) -> Order:
        self._record(f"place {_describe(request)}")
        return order_as_sent(request, f"{DRY_RUN_ORDER_PREFIX}{self.calls}", OrderStatus.EXPIRED)

    async def cancel_order(self, symbol: str, *, order_id: str) -> Order | None:
        self._record(f"cancel {order_id} on {symbol}")
        return None

    async def set_leverage(self, symbol: str, leverage: int) -> None:
        self._record(f"set leverage {leverage}x on {symbol}")

    async def set_margin_mode(self, symbol: str, mode: MarginMode) -> None:
        self._record(f"set margin mode {mode.value} on {symbol}")

    async def transfer(self, asset: str, amount: Decimal, source: Wallet, target: Wallet) -> None:
        self._record(f"transfer {_text(amount)} {asset} {source.value} -> {target.value}")

    async def add_margin(self, symbol: str, amount: Decimal) -> None:
        self._record(f"add {_text(amount)} isolated margin to {symbol}")
