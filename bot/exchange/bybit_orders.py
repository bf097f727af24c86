"""Orders on Bybit v5 for `BybitExchange`: placement, cancels and lookups by `orderLinkId`.

Bybit answers `POST /v5/order/create` and `/v5/order/cancel` with an acknowledgement only
(`orderId`, `orderLinkId`: no status, size or fill), so each is followed by a lookup of the
order: `/v5/order/realtime`, then `/v5/order/history` for one that has left the live book.
A post-only order that would take is accepted and then CANCELLED by the venue
(`EC_PostOnlyWillTakeLiquidity`): the lookup sees it and `place_order` raises
`PostOnlyWouldTake`, so the engine reprices next cycle without counting a fill or a
rejection streak. If the lookup after an acknowledged create fails, the order is reported
open and unfilled: the next cycle's snapshot says what became of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import structlog

from bot.domain.model import Market, MarketKind, Order, OrderStatus
from bot.exchange import parse
from bot.exchange.bybit_parse import is_post_only_cancel
from bot.exchange.calls import Calls
from bot.exchange.errors import ExchangeError, PostOnlyWouldTake
from bot.exchange.orders import order_as_sent
from bot.exchange.port import OrderRequest

__all__ = ["BybitOrders", "category_of"]

log = structlog.get_logger(__name__)


def category_of(market: Market) -> str:
    """Bybit's `category` for `market`: spot, linear or inverse."""
    return {MarketKind.SPOT: "spot", MarketKind.INVERSE: "inverse"}.get(market.kind, "linear")


def acknowledged(request: OrderRequest, order_id: str, now_ms: int) -> Order:
    """What an acknowledged create tells: the order as sent, open and unfilled."""
    return order_as_sent(request, order_id, OrderStatus.OPEN, now_ms)


class _Gateway(Protocol):
    _client: Any
    _calls: Calls
    _log: Any
    _clock_ms: Callable[[], int]

    async def market(self, symbol: str) -> Market: ...


class BybitOrders:
    """Mixed into `BybitExchange` (see the module docstring)."""

    async def _find_raw(self: _Gateway, symbol: str, key: str, value: str) -> Mapping[str, Any]:
        """The ccxt order with `key` (orderLinkId / orderId) = `value`: live book first, then
        history; {} when the venue knows none."""
        market = await self.market(symbol)
        request = {"category": category_of(market), "symbol": market.exchange_symbol, key: value}
        client = self._client
        for endpoint in (client.privateGetV5OrderRealtime, client.privateGetV5OrderHistory):
            reply = await endpoint(request)
            rows = (reply.get("result") or {}).get("list") or []
            if rows:
                found: Mapping[str, Any] = client.parse_order(rows[0], client.market(symbol))
                return found
        return {}

    async def _lookup(self: _Gateway, symbol: str, key: str, value: str) -> Order | None:
        async def fetch() -> Order | None:
            raw = await BybitOrders._find_raw(self, symbol, key, value)
            return parse.parse_order(raw) if raw else None

        found: Order | None = await self._calls.read("fetch_order", fetch)
        return found

    async def fetch_order(self: _Gateway, symbol: str, *, client_id: str) -> Order | None:
        """The order with this client order id (`orderLinkId`), or None if never booked."""
        return await BybitOrders._lookup(self, symbol, "orderLinkId", client_id)

    async def _confirm(self: _Gateway, request: OrderRequest, order_id: str) -> Order:
        """The booked order's state after its acknowledgement (see the module docstring)."""

        async def fetch() -> Mapping[str, Any]:
            return await BybitOrders._find_raw(self, request.symbol, "orderId", order_id)

        try:
            raw = await self._calls.read("fetch_order", fetch)
        except ExchangeError as exc:
            self._log.warning("exchange.order_confirm_failed", order_id=order_id, detail=str(exc))
            return acknowledged(request, order_id, self._clock_ms())
        if not raw:
            return acknowledged(request, order_id, self._clock_ms())
        if request.post_only and is_post_only_cancel(raw):
            raise PostOnlyWouldTake(
                f"order {request.client_id}: bybit cancelled the post-only order "
                "(EC_PostOnlyWillTakeLiquidity: it would have taken liquidity)",
                code="EC_PostOnlyWillTakeLiquidity",
            )
        return parse.parse_order(raw)

    async def _cancel(self: _Gateway, symbol: str, order_id: str) -> Order | None:
        """Send the cancel; the order's final state, looked up after the acknowledgement."""

        async def send() -> None:
            await self._client.cancel_order(order_id, symbol)

        await self._calls.read("cancel_order", send)
        return await BybitOrders._lookup(self, symbol, "orderId", order_id)
