"""Account settings and collateral moves of `CcxtExchange` (the key's permissions, leverage,
margin mode, wallet transfers, isolated margin): what the account may do and how a position is
margined, not what it holds. Mixed into `CcxtExchange`; kept apart so the gateway file stays
one screenful per job.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

import ccxt.async_support as ccxt

from bot.domain.model import MarginMode, Market, MarketKind, PositionMode, Wallet
from bot.exchange.calls import Calls
from bot.exchange.errors import AuthError, ExchangeError, TemporaryError
from bot.exchange.fields import Raw
from bot.exchange.port import ApiRestrictions

__all__ = ["AccountOps", "parse_api_restrictions"]

# ccxt's accountsByType: spot → MAIN, swap → UMFUTURE, inverse → CMFUTURE (COIN-M).
_TRANSFER_ACCOUNT: Mapping[Wallet, str] = {
    Wallet.SPOT: "spot",
    Wallet.FUTURES: "swap",
    Wallet.COINM: "inverse",
}
_MARGIN_ALREADY_SET = "-4046"
_UNKNOWN = ApiRestrictions(can_withdraw=None, can_trade_futures=None)


def parse_api_restrictions(raw: Raw) -> ApiRestrictions:
    """Binance's apiRestrictions reply → ApiRestrictions (a field that is absent or not a
    boolean is None: unknown)."""

    def flag(name: str) -> bool | None:
        value = raw.get(name)
        return value if isinstance(value, bool) else None

    return ApiRestrictions(
        can_withdraw=flag("enableWithdrawals"), can_trade_futures=flag("enableFutures")
    )


class _Gateway(Protocol):
    _client: Any
    _calls: Calls
    _log: Any

    @property
    def exchange_id(self) -> str: ...

    async def market(self, symbol: str) -> Market: ...

    async def position_mode(self, market: Market) -> PositionMode: ...


class AccountOps:
    """Leverage, margin mode, transfers and isolated margin over the gateway's ccxt client."""

    async def fetch_api_restrictions(self: _Gateway) -> ApiRestrictions:
        """The key's permissions. Binance (`sapiGetAccountApiRestrictions`) only; any other
        venue, or a Binance host without that API (demo trading), is unknown (None). A refused
        key raises AuthError, a venue that does not answer TemporaryError."""
        api = self._client.urls.get("api") or {}
        if not self.exchange_id.startswith("binance") or "sapi" not in api:
            return _UNKNOWN

        async def fetch() -> ApiRestrictions:
            return parse_api_restrictions(await self._client.sapiGetAccountApiRestrictions())

        try:
            restrictions: ApiRestrictions = await self._calls.read("fetch_api_restrictions", fetch)
        except (AuthError, TemporaryError):
            raise
        except ExchangeError as exc:  # not served here: say unknown rather than fail
            self._log.warning("exchange.api_restrictions_unavailable", detail=str(exc))
            return _UNKNOWN
        return restrictions

    async def set_leverage(self: _Gateway, symbol: str, leverage: int) -> None:
        """Set the leverage (×) for `symbol`; idempotent."""
        await self.market(symbol)

        async def send() -> None:
            with contextlib.suppress(ccxt.NoChange):
                await self._client.set_leverage(leverage, symbol)

        await self._calls.read("set_leverage", send)

    async def set_margin_mode(self: _Gateway, symbol: str, mode: MarginMode) -> None:
        """Set isolated/cross for `symbol`; 'already set' (-4046) counts as success."""
        await self.market(symbol)

        async def send() -> None:
            with contextlib.suppress(ccxt.NoChange):  # MarginModeAlreadySet
                await self._client.set_margin_mode(mode.value, symbol)

        try:
            await self._calls.read("set_margin_mode", send)
        except ExchangeError as exc:
            if exc.code != _MARGIN_ALREADY_SET:
                raise

    async def transfer(
        self: _Gateway, asset: str, amount: Decimal, source: Wallet, target: Wallet
    ) -> None:
        """Move `amount` of `asset` between this account's wallets. Sent once: after a
        TemporaryError re-read the balances before trying again."""
        if amount <= 0 or source is target:
            raise ValueError(f"transfer needs amount > 0 and two wallets, got {amount} {source}")
        self._log.info(
            "exchange.transfer",
            asset=asset,
            amount=str(amount),
            source=source.value,
            target=target.value,
        )

        async def send() -> None:
            await self._client.transfer(
                asset, float(amount), _TRANSFER_ACCOUNT[source], _TRANSFER_ACCOUNT[target]
            )

        await self._calls.once("transfer", send)

    async def add_margin(self: _Gateway, symbol: str, amount: Decimal) -> None:
        """Add `amount` (settle currency: USDT, or the coin on COIN-M) of isolated margin to
        the `symbol` position. Sent once: after a TemporaryError re-read the position before
        trying again."""
        if amount <= 0:
            raise ValueError(f"add_margin needs amount > 0, got {amount}")
        market = await self.market(symbol)
        hedge = await self.position_mode(market) is PositionMode.HEDGE
        params = {"positionSide": "SHORT"} if hedge else {}  # the hedge is the SHORT leg
        self._log.info("exchange.add_margin", symbol=symbol, amount=str(amount))

        async def send() -> None:
            if market.kind is MarketKind.INVERSE:
                # ccxt's add_margin rounds to the AMOUNT precision, on COIN-M whole
                # contracts (0.1 BTC would become 0): send the coin amount as is.
                request = {"symbol": market.exchange_symbol, "type": 1, "amount": str(amount)}
                await self._client.dapiPrivatePostPositionMargin({**request, **params})
            else:
                await self._client.add_margin(symbol, float(amount), params)

        await self._calls.once("add_margin", send)
