"""The account half of the `SimExchange` facade: accounts, wallets, futures views and
settings, transfers and income, for USDⓈ-M (`market="usdm"`, the default) and COIN-M
(`market="coinm"`).

Every method returns exactly what the Binance endpoint returns or raises `SimError`; the state
and the rules live in `account_ops`, `futures_settings`, `transfers` and the modules they call.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim import account_ops, futures_settings, position_mode, transfers
from bot.sim.api_keys import api_restrictions
from bot.sim.venue import Venue

__all__ = ["AccountDesk"]

JSON = dict[str, Any]


class AccountDesk:
    """Account methods over `self._venue` (set by `SimExchange`)."""

    _venue: Venue

    def create_account(
        self,
        api_key: str,
        secret: str,
        balances: dict[str, dict[str, Decimal]],
        *,
        dual_side: bool = False,
        can_withdraw: bool = False,
        venue_name: str = "binance",
    ) -> None:
        """`balances[wallet][asset]` with wallets "spot", "usdm" and "coinm" (coin → amount);
        `venue_name` "bybit" for a unified trading account."""
        account_ops.create_account(
            self._venue,
            api_key,
            secret,
            balances,
            dual_side=dual_side,
            can_withdraw=can_withdraw,
            venue_name=venue_name,
        )

    def secret_for(self, api_key: str) -> str | None:
        account = self._venue.accounts.get(api_key)
        return None if account is None else account.secret

    def set_balance(self, api_key: str, wallet: str, asset: str, amount: Decimal) -> None:
        account_ops.set_balance(self._venue, api_key, wallet, asset, amount)

    def spot_account(self, api_key: str) -> JSON:
        return account_ops.spot_account_json(self._venue, api_key)

    def futures_account(self, api_key: str, market: str = "usdm") -> JSON:
        return account_ops.futures_account_json(self._venue, api_key, market)

    def futures_balance(self, api_key: str, market: str = "usdm") -> list[JSON]:
        return account_ops.futures_balance_json(self._venue, api_key, market)

    def position_risk(
        self, api_key: str, symbol: str | None = None, market: str = "usdm"
    ) -> list[JSON]:
        return account_ops.position_risk(self._venue, api_key, symbol, market)

    def leverage_brackets(
        self, symbol: str | None = None, market: str = "usdm", *, by_pair: bool = False
    ) -> list[JSON]:
        return account_ops.leverage_brackets(self._venue, symbol, market, by_pair=by_pair)

    def set_leverage(self, api_key: str, symbol: str, leverage: int, market: str = "usdm") -> JSON:
        return futures_settings.set_leverage(self._venue, api_key, symbol, leverage, market)

    def set_margin_type(
        self, api_key: str, symbol: str, margin_type: str, market: str = "usdm"
    ) -> JSON:
        return futures_settings.set_margin_type(self._venue, api_key, symbol, margin_type, market)

    def modify_position_margin(
        self,
        api_key: str,
        symbol: str,
        amount: Decimal,
        kind: int,
        side: str | None = None,
        market: str = "usdm",
    ) -> JSON:
        return futures_settings.modify_position_margin(
            self._venue, api_key, symbol, (amount, kind), side, market
        )

    def position_mode(self, api_key: str) -> JSON:
        return position_mode.position_mode(self._venue, api_key)

    def set_position_mode(self, api_key: str, dual: bool) -> JSON:
        return position_mode.set_position_mode(self._venue, api_key, dual)

    def api_restrictions(self, api_key: str) -> JSON:
        return api_restrictions(self._venue.account(api_key))

    def transfer(self, api_key: str, kind: str, asset: str, amount: Decimal) -> JSON:
        return transfers.transfer(self._venue, api_key, kind, asset, amount)

    def income(
        self,
        api_key: str,
        *,
        symbol: str | None = None,
        income_type: str | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int = 100,
        market: str = "usdm",
    ) -> list[JSON]:
        return account_ops.income(
            self._venue,
            api_key,
            symbol=symbol,
            income_type=income_type,
            start_ms=start_ms,
            end_ms=end_ms,
            limit=limit,
            market=market,
        )
