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


# What a plain limit / market order carries in the conditional, TP/SL and SMP fields.
_NO_TRIGGERS: JSON = {
    **dict.fromkeys(
        ("blockTradeId", "stopOrderType", "orderIv", "marketUnit", "triggerPrice", "takeProfit",
         "stopLoss", "tpslMode", "ocoTriggerBy", "tpLimitPrice", "slLimitPrice", "tpTriggerBy",
         "slTriggerBy", "triggerBy", "lastPriceOnCreated", "placeType", "smpOrderId"),
        "",
    ),
    "triggerDirection": 0,
    "closeOnTrigger": False,
    "smpType": "None",
    "smpGroup": 0,
}  # fmt: skip


# Option, block-trade and index fields a linear or spot execution leaves empty.
_EXEC_BLANKS: JSON = dict.fromkeys(
    ("tradeIv", "markIv", "indexPrice", "underlyingPrice", "blockTradeId", "marketUnit"), ""
)


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
        "reduceOnly": order.reduce_only,
        **_NO_TRIGGERS,
        "createdTime": str(order.time_ms),
        "updatedTime": str(order.update_ms),
    }


def execution_row(order: Order, trade: Trade, mark: Decimal, exec_type: str = "Trade") -> JSON:
    """One /v5/execution/list row (fee in the settle coin, > 0 = paid); `exec_type` "Trade",
    or "BustTrade" for the venue's liquidation of the position."""
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
        "execType": exec_type,
        "execValue": plain(trade.quote_qty),
        "execTime": str(trade.time_ms),
        "isMaker": trade.maker,
        "feeRate": plain(rate),
        "markPrice": plain(mark),
        **_EXEC_BLANKS,
        "closedSize": plain(closed),
        "seq": trade.trade_id,
    }


def funding_row(income: JSON, settled: JSON | None) -> JSON:
    """A settled funding payment as Bybit's execType Funding row (execFee > 0 = paid).

    `settled` is the public funding row (rate, mark) of that settlement: it gives the
    position's size (|payment| / (|rate| × mark)) and side (longs pay a positive rate)."""
    fee = -Decimal(income["income"])
    rate = Decimal(settled["fundingRate"]) if settled else ZERO
    mark = Decimal(settled["markPrice"]) if settled else ZERO
    size = abs(fee) / (abs(rate) * mark) if rate and mark else ZERO
    long = (fee > 0) == (rate > 0)
    return {
        "symbol": income["symbol"],
        "orderId": "",
        "orderLinkId": "",
        "side": "Buy" if long else "Sell",
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
        "execQty": plain(size.quantize(Decimal("0.00000001")).normalize() if size else ZERO),
        "execType": "Funding",
        "execValue": plain(size * mark),
        "execTime": str(income["time"]),
        "isMaker": False,
        "feeRate": plain(rate),
        "markPrice": plain(mark),
        **_EXEC_BLANKS,
        "closedSize": "0",
        "seq": income["tranId"],
    }
