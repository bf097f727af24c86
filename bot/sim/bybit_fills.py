"""Bybit v5 fill history: /v5/execution/list (trades and funding) and
/v5/position/closed-pnl (one row per closing execution), newest first."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.bybit_order_views import execution_row, funding_row
from bot.sim.bybit_params import engine_market, opt_int
from bot.sim.fmt import plain
from bot.sim.orders import Trade
from bot.sim.venue import Venue

__all__ = ["closed_pnl_rows", "execution_rows"]

JSON = dict[str, Any]
_SIDES = {"BUY": "Buy", "SELL": "Sell"}


def _picked(
    rows: list[JSON], params: dict[str, str], default_limit: int, time_key: str
) -> list[JSON]:
    start, end = opt_int(params, "startTime"), opt_int(params, "endTime")
    limit = min(opt_int(params, "limit") or default_limit, 100)
    kept = [
        r for r in rows
        if (start is None or int(r[time_key]) >= start) and (end is None or int(r[time_key]) <= end)
    ]  # fmt: skip
    return sorted(kept, key=lambda r: int(r[time_key]), reverse=True)[:limit]


def execution_rows(venue: Venue, api_key: str, cat: str, params: dict[str, str]) -> list[JSON]:
    """The account's executions of `cat`: execType Trade, BustTrade (liquidations) and, for
    linear, Funding."""
    market = engine_market(cat)
    account = venue.account(api_key)
    symbol, exec_type = params.get("symbol") or None, params.get("execType") or None
    rows: list[JSON] = []
    busts = {row["orderId"] for row in account.liquidations}
    for trade in account.trades:
        kind = "BustTrade" if trade.order_id in busts else "Trade"
        if trade.market == market and symbol in (None, trade.symbol) and exec_type in (None, kind):
            order = account.orders[trade.order_id]
            mark = _mark(venue, market, trade.symbol)
            rows.append(execution_row(order, trade, mark, kind))
    if exec_type in (None, "Funding") and market == "usdm":
        for income in account.income:
            if income["incomeType"] == "FUNDING_FEE" and symbol in (None, income["symbol"]):
                rows.append(funding_row(income, _settlement(venue, income)))
    link_id, order_id = params.get("orderLinkId"), params.get("orderId")
    rows = [
        r
        for r in rows
        if (not link_id or r["orderLinkId"] == link_id)
        and (not order_id or r["orderId"] == order_id)
    ]
    return _picked(rows, params, 50, "execTime")


def _settlement(venue: Venue, income: JSON) -> JSON | None:
    """The public funding row of the settlement that paid `income` (same symbol and time)."""
    for row in venue.funding_history["usdm"]:
        if row["symbol"] == income["symbol"] and row["fundingTime"] == income["time"]:
            return row
    return None


def _mark(venue: Venue, market: str, symbol: str) -> Decimal:
    return venue.board.last(market, symbol) if market == "spot" else venue.board.mark(symbol)


def _closed_row(trade: Trade, leverage: int, order_type: str) -> JSON:
    """A closing execution: the position side it closed (the trade's opposite) and its P&L
    net of the fee; entry price back-computed from the realised P&L."""
    long_closed = trade.side == "SELL"
    per_unit = trade.realized_pnl / trade.qty
    entry = trade.price - per_unit if long_closed else trade.price + per_unit
    return {
        "symbol": trade.symbol,
        "orderId": str(trade.order_id),
        "side": _SIDES[trade.side],
        "qty": plain(trade.qty),
        "orderPrice": plain(trade.price),
        "orderType": "Market" if order_type == "MARKET" else "Limit",
        "execType": "Trade",
        "closedSize": plain(trade.qty),
        "cumEntryValue": plain(entry * trade.qty),
        "avgEntryPrice": plain(entry),
        "cumExitValue": plain(trade.quote_qty),
        "avgExitPrice": plain(trade.price),
        "closedPnl": plain(trade.realized_pnl - trade.commission),
        "fillCount": "1",
        "leverage": str(leverage),
        "createdTime": str(trade.time_ms),
        "updatedTime": str(trade.time_ms),
    }


def closed_pnl_rows(venue: Venue, api_key: str, params: dict[str, str]) -> list[JSON]:
    """Linear executions that closed position size (realised P&L ≠ 0)."""
    account = venue.account(api_key)
    symbol = params.get("symbol") or None
    rows = [
        _closed_row(
            t, account.symbol_settings(t.symbol).leverage, account.orders[t.order_id].order_type
        )
        for t in account.trades
        if t.market == "usdm" and t.realized_pnl != 0 and symbol in (None, t.symbol)
    ]
    return _picked(rows, params, 50, "updatedTime")
