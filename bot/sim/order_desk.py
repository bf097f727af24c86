"""The order half of the `SimExchange` facade: entry, query, cancel and history, both markets.

Every method returns exactly what the Binance endpoint returns or raises `SimError`; the state
and the rules live in `order_ops` and the modules it calls.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim import order_ops
from bot.sim.order_ops import LATEST, HistoryWindow
from bot.sim.venue import Venue

__all__ = ["OrderDesk"]

JSON = dict[str, Any]


class OrderDesk:
    """Order methods over `self._venue` (set by `SimExchange`)."""

    _venue: Venue

    def place_order(
        self,
        api_key: str,
        market: str,
        symbol: str,
        *,
        side: str,
        order_type: str,
        quantity: Decimal | None,
        price: Decimal | None = None,
        time_in_force: str | None = None,
        reduce_only: bool | None = None,
        client_order_id: str | None = None,
        position_side: str | None = None,
    ) -> JSON:
        return order_ops.place_order(
            self._venue,
            api_key,
            market,
            symbol,
            side=side,
            order_type=order_type,
            quantity=quantity,
            price=price,
            time_in_force=time_in_force,
            reduce_only=reduce_only,
            client_order_id=client_order_id,
            position_side=position_side,
        )

    def get_order(
        self,
        api_key: str,
        market: str,
        symbol: str,
        *,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> JSON:
        return order_ops.get_order(
            self._venue, api_key, market, symbol, order_id=order_id, client_order_id=client_order_id
        )

    def cancel_order(
        self,
        api_key: str,
        market: str,
        symbol: str,
        *,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> JSON:
        return order_ops.cancel_order(
            self._venue, api_key, market, symbol, order_id=order_id, client_order_id=client_order_id
        )

    def open_orders(self, api_key: str, market: str, symbol: str | None = None) -> list[JSON]:
        return order_ops.open_orders(self._venue, api_key, market, symbol)

    def all_orders(
        self, api_key: str, market: str, symbol: str, window: HistoryWindow = LATEST
    ) -> list[JSON]:
        return order_ops.all_orders(self._venue, api_key, market, symbol, window)

    def my_trades(
        self, api_key: str, market: str, symbol: str, window: HistoryWindow = LATEST
    ) -> list[JSON]:
        return order_ops.my_trades(self._venue, api_key, market, symbol, window)
