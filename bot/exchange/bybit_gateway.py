"""`BybitExchange`: the `Exchange` port over ccxt's async `bybit` class, for a Bybit v5
unified trading account (UTA).

What differs from Binance, and where it is handled:
- One UNIFIED wallet holds spot coins and derivatives margin: `fetch_balances(SPOT)` and
  `fetch_balances(FUTURES)` read the same `/v5/account/wallet-balance`, as holdings and as
  margin (`bybit_parse`). Its contract markets are marked `unified_margin`, so the risk
  guard and the GROW funding plan no transfer (there is nowhere to transfer to) and de-risk
  by grade instead; `transfer` is refused as a backstop.
- Positions are read one symbol per `/v5/position/list` request (ccxt takes one symbol at
  a time), concurrently; a symbol without its row is an error, never a flat position.
- Orders are acknowledged without a state and looked up by id; post-only orders that would
  take are cancelled by the venue and surface as `PostOnlyWouldTake` (`bybit_orders`).
- Margin mode is set per ACCOUNT (`/v5/account/set-margin-mode`): one mode per account;
  leverage "not modified" (110043) is success.
- Permissions from `/v5/user/query-api`; an account that is not unified is refused.
- Inverse contracts (COIN-M style) are not supported yet on Bybit: there is no COIN-M
  wallet to read (the coin margin is the unified wallet's coin, already the holding).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import ccxt.async_support as ccxt

from bot.domain.liquidation import MarginBracket
from bot.domain.model import (
    Balance,
    FundingPayment,
    MarginMode,
    Market,
    Order,
    Position,
    PositionMode,
    Wallet,
    frozen_map,
)
from bot.exchange import bybit_parse
from bot.exchange.bybit_orders import BybitOrders, acknowledged
from bot.exchange.ccxt_gateway import CcxtExchange
from bot.exchange.errors import (
    AuthError,
    ExchangeError,
    NotSupported,
    OrderNotFound,
    TemporaryError,
)
from bot.exchange.fields import bad
from bot.exchange.orders import order_params
from bot.exchange.port import ApiRestrictions, OrderRequest

__all__ = ["LEVERAGE_NOT_MODIFIED", "BybitExchange"]

LEVERAGE_NOT_MODIFIED = "110043"
_UNKNOWN = ApiRestrictions(can_withdraw=None, can_trade_futures=None)
NO_TRANSFER = (
    "a Bybit unified account holds spot and derivatives in one wallet: there is nothing to transfer"
)


class BybitExchange(BybitOrders, CcxtExchange):
    """One Bybit unified trading account (see the module docstring)."""

    def __init__(self, account: str, client: ccxt.Exchange, **kw: Any) -> None:
        super().__init__(account, client, **kw)
        client.has["fetchCurrencies"] = False  # /v5/asset/coin/query-info: never needed
        self._account_margin: MarginMode | None = None

    # --- markets, balances, positions ------------------------------------------------------

    async def load_markets(self, *, reload: bool = False) -> Mapping[str, Market]:
        """As `CcxtExchange.load_markets`, contracts marked `unified_margin`."""
        markets = await super().load_markets(reload=reload)
        if all(m.unified_margin or not m.is_contract for m in markets.values()):
            return markets
        marked = {s: replace(m, unified_margin=m.is_contract) for s, m in markets.items()}
        self._markets = frozen_map(marked)
        return self._markets

    async def fetch_balances(self, wallet: Wallet) -> Mapping[str, Balance]:
        """The unified wallet read as `wallet` (SPOT: holdings; FUTURES: equity and margin)."""
        if wallet is Wallet.COINM:
            raise NotSupported(
                f"[{self.account}] bybit: inverse contracts are not supported on a unified "
                "account yet; hedge with a linear perp such as BTC/USDT:USDT"
            )

        async def fetch() -> Mapping[str, Balance]:
            raw = await self._client.fetch_balance({"type": "unified"})
            return bybit_parse.parse_unified_balances(raw, wallet)

        return await self._calls.read(f"fetch_balances:{wallet.value}", fetch)

    async def fetch_positions(self, symbols: Sequence[str]) -> Mapping[str, Position]:
        """symbol → Position (short < 0, flat omitted), one request per symbol, concurrently;
        a symbol the venue does not list is a BadResponse."""
        wanted = list(dict.fromkeys(symbols))
        for symbol in wanted:
            if not (await self.market(symbol)).is_contract:
                raise NotSupported(f"[{self.account}] {symbol!r} is not a perpetual market")

        async def one(symbol: str) -> Position:
            async def fetch() -> Position:
                rows = await self._client.fetch_positions([symbol])
                return bybit_parse.parse_position_rows(rows, symbol)

            position: Position = await self._calls.read("fetch_positions", fetch)
            return position

        found = await asyncio.gather(*(one(s) for s in wanted))
        return frozen_map({p.symbol: p for p in found if not p.is_flat})

    async def position_mode(self, market: Market) -> PositionMode:
        """Always one-way: a hedge-mode row is refused when positions are read."""
        return PositionMode.ONE_WAY

    async def fetch_funding_payments(
        self, symbol: str, *, since_ms: int | None = None
    ) -> tuple[FundingPayment, ...]:
        """Funding settled on `symbol` since `since_ms` (> 0 received), in the settle coin."""
        market = await self.market(symbol)
        settle = market.settle or market.quote

        async def fetch() -> tuple[FundingPayment, ...]:
            raws = await self._client.fetch_funding_history(symbol, since_ms)
            return tuple(bybit_parse.parse_funding_payment(r, settle) for r in raws)

        return await self._calls.read("fetch_funding_payments", fetch)

    async def fetch_margin_brackets(self, symbol: str) -> tuple[MarginBracket, ...]:
        """The perp's risk-limit tiers as maintenance-margin brackets (`/v5/market/risk-limit`)."""
        await self.market(symbol)

        async def fetch() -> tuple[MarginBracket, ...]:
            tiers = await self._client.fetch_market_leverage_tiers(symbol)
            return bybit_parse.parse_brackets(symbol, tiers)

        brackets: tuple[MarginBracket, ...] = await self._calls.read("fetch_margin_brackets", fetch)
        return brackets

    # --- orders ----------------------------------------------------------------------------

    async def place_order(self, request: OrderRequest) -> Order:
        """Send once (client id as `orderLinkId`), then look the order up (`bybit_orders`).
        AmbiguousOrderError when the create's outcome is unknown; PostOnlyWouldTake when the
        venue cancelled the post-only order."""
        market = await self.market(request.symbol)
        params = order_params(request, market, PositionMode.ONE_WAY)

        async def send() -> Order:
            raw = await self._create(request, params)
            order_id = raw.get("id")
            if not order_id:
                raise bad("bybit order/create", "orderId", order_id, "is missing")
            return acknowledged(request, str(order_id), self._clock_ms())

        booked = await self._place_once(request, send)
        return await self._confirm(request, booked.id)

    async def cancel_order(self, symbol: str, *, order_id: str) -> Order | None:
        """Cancel (retried: harmless twice); the final order, or None if the venue no longer
        knows it (110001 / 170213)."""
        await self.market(symbol)
        self._log.info("exchange.cancel_order", symbol=symbol, order_id=order_id)
        try:
            return await self._cancel(symbol, order_id)
        except OrderNotFound:
            return None

    # --- account settings ------------------------------------------------------------------

    async def fetch_api_restrictions(self) -> ApiRestrictions:
        """The key's permissions (`/v5/user/query-api`). Demo trading does not serve it
        (unknown). NotSupported for an account that is not unified."""
        if self._client.options.get("enableDemoTrading"):
            return _UNKNOWN

        async def fetch() -> Mapping[str, Any]:
            reply: Mapping[str, Any] = await self._client.privateGetV5UserQueryApi()
            return reply

        try:
            reply = await self._calls.read("fetch_api_restrictions", fetch)
        except (AuthError, TemporaryError):
            raise
        except ExchangeError as exc:
            self._log.warning("exchange.api_restrictions_unavailable", detail=str(exc))
            return _UNKNOWN
        result = reply.get("result") or {}
        if str(result.get("uta", "1")) != "1" and str(result.get("unified", "0")) != "1":
            raise NotSupported(
                f"[{self.account}] the Bybit account is not a unified trading account: "
                "hedgebot trades Bybit's unified account only (upgrade it on bybit.com)"
            )
        return bybit_parse.parse_api_restrictions(reply)

    async def set_leverage(self, symbol: str, leverage: int) -> None:
        """Set the leverage (×) for `symbol`; "not modified" (110043) is success."""
        await self.market(symbol)

        async def send() -> None:
            await self._client.set_leverage(leverage, symbol)

        try:
            await self._calls.read("set_leverage", send)
        except ExchangeError as exc:
            if exc.code != LEVERAGE_NOT_MODIFIED:
                raise

    async def set_margin_mode(self, symbol: str, mode: MarginMode) -> None:
        """Set the ACCOUNT's margin mode (Bybit sets it per account, not per symbol): sent
        once per account; a second mode asked for by another hedge is refused."""
        await self.market(symbol)
        if self._account_margin is mode:
            return
        if self._account_margin is not None:
            raise NotSupported(
                f"[{self.account}] bybit sets the margin mode per account: {symbol} asks for "
                f"{mode.value} but the account is {self._account_margin.value}; give every "
                "hedge on this account the same margin_mode"
            )

        async def send() -> None:
            with contextlib.suppress(ccxt.NoChange):  # 110026 MarginModeAlreadySet
                await self._client.set_margin_mode(mode.value, symbol)

        await self._calls.read("set_margin_mode", send)
        self._account_margin = mode

    async def transfer(self, asset: str, amount: Decimal, source: Wallet, target: Wallet) -> None:
        """Refused: one wallet (see NO_TRANSFER)."""
        raise NotSupported(f"[{self.account}] {NO_TRANSFER}")

    async def add_margin(self, symbol: str, amount: Decimal) -> None:
        """Add `amount` (settle coin) from the unified wallet to an isolated position
        (`/v5/position/add-margin`). Sent once."""
        if amount <= 0:
            raise ValueError(f"add_margin needs amount > 0, got {amount}")
        market = await self.market(symbol)
        self._log.info("exchange.add_margin", symbol=symbol, amount=str(amount))
        request = {"category": "linear", "symbol": market.exchange_symbol, "margin": str(amount)}

        async def send() -> None:
            await self._client.privatePostV5PositionAddMargin(request)

        await self._calls.once("add_margin", send)
