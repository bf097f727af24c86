"""The Bybit half of the `SimExchange` facade: unified accounts, positions, orders, fills.

Every method returns a Bybit v5 `result` object (string numbers) or raises `SimError` (Bybit
codes, or the engine's, translated at the wire); the rules live in `bybit_wallet`,
`bybit_positions`, `bybit_orders` and `bybit_fills`, over the same state as Binance's routes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim import bybit_fills, bybit_orders, bybit_positions, bybit_wallet
from bot.sim.bybit_errors import BybitCode, bybit_params_error, position_mode_not_modified
from bot.sim.bybit_keys import query_api
from bot.sim.errors import SimError
from bot.sim.venue import Venue

__all__ = ["BybitDesk"]

JSON = dict[str, Any]


class BybitDesk:
    """Bybit methods over `self._venue` (set by `SimExchange`)."""

    _venue: Venue

    def _bybit_account(self, api_key: str) -> None:
        if self._venue.account(api_key).venue != "bybit":
            raise SimError(BybitCode.API_KEY, "API key is invalid.")

    def bybit_secret_for(self, api_key: str) -> str | None:
        """The secret of a Bybit account's key (None for unknown and Binance keys)."""
        account = self._venue.accounts.get(api_key)
        return account.secret if account is not None and account.venue == "bybit" else None

    def bybit_switch_mode(self, api_key: str, mode: str) -> JSON:
        """Position mode 0 (one-way) is the only one: unchanged, Bybit's 110025."""
        self._bybit_account(api_key)
        if mode != "0":
            raise bybit_params_error(
                f"mode {mode!r}: the simulator's Bybit is one-way (mode 0) only"
            )
        raise position_mode_not_modified()

    def bybit_wallet(self, api_key: str, coins: set[str] | None = None) -> JSON:
        self._bybit_account(api_key)
        return bybit_wallet.wallet_balance(self._venue, api_key, coins)

    def bybit_account_info(self, api_key: str) -> JSON:
        self._bybit_account(api_key)
        return bybit_wallet.account_info(self._venue, api_key)

    def bybit_query_api(self, api_key: str) -> JSON:
        self._bybit_account(api_key)
        return query_api(self._venue.account(api_key))

    def bybit_set_margin_mode(self, api_key: str, mode: str) -> JSON:
        self._bybit_account(api_key)
        return bybit_positions.set_margin_mode(self._venue, api_key, mode)

    def bybit_positions(self, api_key: str, symbol: str | None) -> list[JSON]:
        self._bybit_account(api_key)
        return bybit_positions.position_rows(self._venue, api_key, symbol)

    def bybit_set_leverage(self, api_key: str, symbol: str, params: dict[str, str]) -> JSON:
        self._bybit_account(api_key)
        return bybit_positions.set_leverage(self._venue, api_key, symbol, params)

    def bybit_create_order(
        self, api_key: str, category: str, symbol: str, params: dict[str, str]
    ) -> JSON:
        self._bybit_account(api_key)
        return bybit_orders.create_order(self._venue, api_key, category, symbol, params)

    def bybit_cancel_order(
        self, api_key: str, category: str, symbol: str, params: dict[str, str]
    ) -> JSON:
        self._bybit_account(api_key)
        return bybit_orders.cancel_order(self._venue, api_key, category, symbol, params)

    def bybit_orders(
        self, api_key: str, category: str, params: dict[str, str], *, history: bool
    ) -> list[JSON]:
        self._bybit_account(api_key)
        return bybit_orders.order_rows(self._venue, api_key, category, params, history=history)

    def bybit_executions(self, api_key: str, category: str, params: dict[str, str]) -> list[JSON]:
        self._bybit_account(api_key)
        return bybit_fills.execution_rows(self._venue, api_key, category, params)

    def bybit_closed_pnl(self, api_key: str, params: dict[str, str]) -> list[JSON]:
        self._bybit_account(api_key)
        return bybit_fills.closed_pnl_rows(self._venue, api_key, params)

    def bybit_cancel_all(self, api_key: str, category: str, symbol: str | None) -> JSON:
        self._bybit_account(api_key)
        return bybit_orders.cancel_all(self._venue, api_key, category, symbol)

    def bybit_add_margin(self, api_key: str, symbol: str, margin: Decimal) -> JSON:
        self._bybit_account(api_key)
        return bybit_positions.add_margin(self._venue, api_key, symbol, margin)
