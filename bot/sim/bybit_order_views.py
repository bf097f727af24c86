"""Bybit v5 order and execution rows built from the engine's `Order` / `Trade` records.

Statuses: New, PartiallyFilled, Filled, Cancelled (also an IOC / reduce-only remainder the
venue dropped), PartiallyFilledCanceled (cancelled after some fills), Rejected. A post-only
order that would have taken is Cancelled with rejectReason EC_PostOnlyWillTakeLiquidity.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account
from bot.sim.fmt import plain
from bot.sim.orders import Order, Trade

__all__ = ["execution_row", "funding_row", "order_row"]

JSON = dict[str, Any]
ZERO = Decimal(0)
_SIDES = {"BUY": "Buy", "SELL": "Sell"}
_TYPES = {"LIMIT": "Limit", "LIMIT_MAKER": "Limit", "MARKET": "Market"}
_TIFS = {"GTX": "PostOnly", "GTC": "GTC", "IOC": "IOC", "FOK": "FOK"}
_OPEN = {"NEW": "New", "PARTIALLY_FILLED": "PartiallyFilled", "FILLED": "Filled"}


def _status(order: Order) -> str:
    if order.status in _OPEN:
        return _OPEN[order.status]
    if order.status == "REJECTED":
        return "Rejected"
    return "PartiallyFilledCanceled" if order.executed_qty > 0 else "Cancelled"


def _cancel_type(order: Order, note: str | None) -> str:
    if order.status == "CANCELED" and note is None:
        return "CancelByUser"
    return "UNKNOWN"


def _tif(order: Order) -> str:
    return "PostOnly" if order.order_type == "LIMIT_MAKER" else _TIFS[order.time_in_force]


def order_row(account: Account, order: Order, category: str) -> JSON:
    """One /v5/order/realtime or /v5/order/history row."""
    note = account.order_notes.get(order.order_id)
    fee = sum((t.commission for t in order.trades), ZERO)
    price = order.price if order.price is not None else ZERO
    leaves = order.remaining if order.is_open else ZERO
    return {
        "orderId": str(order.order_id),
        "orderLinkId": order.client_order_id,
        "blockTradeId": "",
        "symbol": order.symbol,
        "price": plain(price),
        "qty": plain(order.quantity),
        "side": _SIDES[order.side],
        "isLeverage": "0" if category == "spot" else "",
        "positionIdx": 0,
        "orderStatus": _status(order),
        "createType": "CreateByUser",
        "cancelType": _cancel_type(order, note),
        "rejectReason": note or "EC_NoError",
        "avgPrice": plain(order.avg_price) if order.executed_qty else "",
        "leavesQty": plain(leaves),
        "leavesValue": plain(leaves * price),
        "cumExecQty": plain(order.executed_qty),
        "cumExecValue": plain(order.cum_quote),
        "cumExecFee": plain(fee),
        "timeInForce": _tif(order),
        "orderType": _TYPES[order.order_type],
        "stopOrderType": "",
        "orderIv": "",
        "marketUnit": "",
        "triggerPrice": "",
        "takeProfit": "",
        "stopLoss": "",
        "tpslMode": "",
        "ocoTriggerBy": "",
        "tpLimitPrice": "",
        "slLimitPrice": "",
        "tpTriggerBy": "",
        "slTriggerBy": "",
        "triggerDirection": 0,
        "triggerBy": "",
        "lastPriceOnCreated": "",
        "reduceOnly": order.reduce_only,
        "closeOnTrigger": False,
        "placeType": "",
        "smpType": "None",
        "smpGroup": 0,
        "smpOrderId": "",
        "createdTime": str(order.time_ms),
        "updatedTime": str(order.update_ms),
    }


def execution_row(order: Order, trade: Trade, mark: Decimal) -> JSON:
    """One /v5/execution/list row of execType Trade (fee in the settle coin, > 0 = paid)."""
    rate = trade.commission / trade.quote_qty if trade.quote_qty else ZERO
    closed = trade.qty if trade.realized_pnl != 0 else ZERO
    return {
        "symbol": trade.symbol,
        "orderId": str(order.order_id),
        "orderLinkId": order.client_order_id,
        "side": _SIDES[trade.side],
        "orderPrice": plain(order.price if order.price is not None else ZERO),
        "orderQty": plain(order.quantity),
        "leavesQty": plain(order.remaining if order.is_open else ZERO),
        "createType": "CreateByUser",
        "orderType": _TYPES[order.order_type],
        "stopOrderType": "UNKNOWN",
        "execFee": plain(trade.commission),
        "feeCurrency": trade.commission_asset,
        "execId": str(trade.trade_id),
        "execPrice": plain(trade.price),
        "execQty": plain(trade.qty),
        "execType": "Trade",
        "execValue": plain(trade.quote_qty),
        "execTime": str(trade.time_ms),
        "isMaker": trade.maker,
        "feeRate": plain(rate),
        "tradeIv": "",
        "markIv": "",
        "markPrice": plain(mark),
        "indexPrice": "",
        "underlyingPrice": "",
        "blockTradeId": "",
        "closedSize": plain(closed),
        "seq": trade.trade_id,
        "marketUnit": "",
    }


def funding_row(income: JSON, mark: Decimal, position_side: str) -> JSON:
    """A settled funding payment as Bybit's execType Funding row (execFee > 0 = paid);
    `position_side` "Buy" (long) or "Sell" (short) is the position it was paid on."""
    fee = -Decimal(income["income"])
    return {
        "symbol": income["symbol"],
        "orderId": "",
        "orderLinkId": "",
        "side": position_side,
        "orderPrice": "0",
        "orderQty": "0",
        "leavesQty": "0",
        "createType": "",
        "orderType": "UNKNOWN",
        "stopOrderType": "UNKNOWN",
        "execFee": plain(fee),
        "feeCurrency": income["asset"],
        "execId": str(income["tranId"]),
        "execPrice": plain(mark),
        "execQty": "0",
        "execType": "Funding",
        "execValue": "0",
        "execTime": str(income["time"]),
        "isMaker": False,
        "feeRate": "",
        "tradeIv": "",
        "markIv": "",
        "markPrice": plain(mark),
        "indexPrice": "",
        "underlyingPrice": "",
        "blockTradeId": "",
        "closedSize": "0",
        "seq": income["tranId"],
        "marketUnit": "",
    }
