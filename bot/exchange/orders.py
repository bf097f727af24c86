"""Order-placement rules the gateway applies around ccxt's `create_order`: which ccxt params an
`OrderRequest` becomes, and which failures leave the outcome unknown."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.domain.model import Market, Order, OrderStatus, PositionMode, Side
from bot.exchange.errors import (
    AmbiguousOrderError,
    BadResponse,
    CircuitOpen,
    ClockSkew,
    ExchangeError,
    RateLimited,
    TemporaryError,
)
from bot.exchange.port import OrderRequest

__all__ = ["ambiguous_or_none", "order_as_sent", "order_params"]


def order_params(
    request: OrderRequest, market: Market, mode: PositionMode = PositionMode.ONE_WAY
) -> dict[str, Any]:
    """ccxt `create_order` params: client id always; postOnly (Binance: GTX on futures,
    LIMIT_MAKER on spot), timeInForce IOC; reduceOnly (contracts only) in one-way mode.

    In hedge mode every order trades the SHORT leg (`positionSide: SHORT`) and carries no
    reduceOnly flag, as Binance requires (-1106 otherwise): a BUY on the SHORT leg can only
    close it, which is what reduce-only asked for. A reduce-only SELL would be for the LONG
    leg, which hedgebot never touches."""
    if request.post_only and request.immediate_or_cancel:
        raise ValueError(f"order {request.client_id}: post_only and IOC are contradictory")
    if request.reduce_only and not market.is_contract:
        raise ValueError(f"order {request.client_id}: reduce_only needs a contract market")
    params: dict[str, Any] = {"clientOrderId": request.client_id}
    if request.post_only:
        params["postOnly"] = True
    if mode is PositionMode.HEDGE:
        if request.reduce_only and request.side is Side.SELL:
            raise ValueError(f"order {request.client_id}: hedge mode trades the SHORT leg only")
        params["positionSide"] = "SHORT"
    elif request.reduce_only:
        params["reduceOnly"] = True
    if request.immediate_or_cancel:
        params["timeInForce"] = "IOC"
    return params


def ambiguous_or_none(error: ExchangeError, client_id: str) -> AmbiguousOrderError | None:
    """The AmbiguousOrderError to raise instead of `error` when the order may have been
    booked (timeout, 5xx, unreadable reply); None when `error` is a clear outcome.

    Clear: a refusal, a 429 or -1021 (the venue rejects those before matching), an open
    breaker (nothing was sent)."""
    if isinstance(error, AmbiguousOrderError | CircuitOpen | RateLimited | ClockSkew):
        return None
    if not isinstance(error, TemporaryError | BadResponse):
        return None
    return AmbiguousOrderError(
        f"outcome of order {client_id} unknown: {error}",
        client_id=client_id,
        account=error.account,
        code=error.code,
    )


def order_as_sent(
    request: OrderRequest, order_id: str, status: OrderStatus, now_ms: int | None = None
) -> Order:
    """`request` as an order with venue id `order_id` in `status`, nothing filled (what an
    acknowledgement without state, or a dry run, can say about it)."""
    return Order(
        id=order_id,
        client_id=request.client_id,
        symbol=request.symbol,
        side=request.side,
        amount=request.amount,
        filled=Decimal(0),
        price=request.price,
        status=status,
        reduce_only=request.reduce_only,
        post_only=request.post_only,
        timestamp_ms=now_ms,
    )
