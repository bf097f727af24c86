"""Binance-shaped JSON for orders, trades, positions and accounts.

Shapes follow the real responses recorded in ccxt's static fixtures (spot FULL order,
/fapi/v1/order RESULT, /fapi/v3/positionRisk, /fapi/v3/account, myTrades/userTrades): decimals
are strings, ids and times are integers as Binance documents them, enums are Binance's.
"""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account
from bot.sim.fmt import fixed, plain
from bot.sim.orders import Order, Trade
from bot.sim.risk import AccountMetrics, PositionMetrics
from bot.sim.specs import SymbolSpec

__all__ = [
    "futures_account",
    "futures_balance",
    "futures_order",
    "futures_trade",
    "position_risk_row",
    "spot_account",
    "spot_order",
    "spot_trade",
]

ZERO = Decimal(0)
JSON = dict[str, Any]


def spot_order(order: Order, *, full: bool = False, query: bool = True) -> JSON:
    """/api/v3/order shape; `full` adds the FULL response's `fills`, `query` the query fields."""
    out: JSON = {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": order.client_order_id,
        "price": fixed(order.price or ZERO, 8),
        "origQty": fixed(order.quantity, 8),
        "executedQty": fixed(order.executed_qty, 8),
        "cummulativeQuoteQty": fixed(order.cum_quote, 8),
        "status": order.status,
        "timeInForce": order.time_in_force,
        "type": order.order_type,
        "side": order.side,
        "workingTime": order.time_ms,
        "origQuoteOrderQty": fixed(ZERO, 8),
        "selfTradePreventionMode": "EXPIRE_MAKER",
    }
    if query:
        out |= {
            "stopPrice": fixed(ZERO, 8),
            "icebergQty": fixed(ZERO, 8),
            "time": order.time_ms,
            "updateTime": order.update_ms,
            "isWorking": True,
        }
    else:
        out["transactTime"] = order.update_ms
    if full:
        out["fills"] = [
            {
                "price": fixed(t.price, 8),
                "qty": fixed(t.qty, 8),
                "commission": fixed(t.commission, 8),
                "commissionAsset": t.commission_asset,
                "tradeId": t.trade_id,
            }
            for t in order.trades
        ]
    return out


def futures_order(order: Order, spec: SymbolSpec, *, query: bool = True) -> JSON:
    """/fapi/v1/order shape (RESULT response when `query` is False: no `time`)."""
    price = order.price or ZERO
    out: JSON = {
        "orderId": order.order_id,
        "symbol": order.symbol,
        "status": order.status,
        "clientOrderId": order.client_order_id,
        "price": fixed(price, spec.price_precision) if order.price is not None else "0",
        "avgPrice": fixed(order.avg_price, spec.price_precision),
        "origQty": fixed(order.quantity, spec.qty_precision),
        "executedQty": fixed(order.executed_qty, spec.qty_precision),
        "cumQty": fixed(order.executed_qty, spec.qty_precision),
        "cumQuote": fixed(order.cum_quote, 5),
        "timeInForce": order.time_in_force,
        "type": order.order_type,
        "reduceOnly": order.reduce_only,
        "closePosition": False,
        "side": order.side,
        "positionSide": order.position_side,
        "stopPrice": fixed(ZERO, spec.price_precision),
        "workingType": "CONTRACT_PRICE",
        "priceProtect": False,
        "origType": order.order_type,
        "priceMatch": "NONE",
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "goodTillDate": 0,
        "updateTime": order.update_ms,
    }
    if query:  # GET order / openOrders rows carry `time` but not the POST response's cumQty
        out["time"] = order.time_ms
        del out["cumQty"]
    return out


def spot_trade(trade: Trade) -> JSON:
    """/api/v3/myTrades row."""
    return {
        "symbol": trade.symbol,
        "id": trade.trade_id,
        "orderId": trade.order_id,
        "orderListId": -1,
        "price": fixed(trade.price, 8),
        "qty": fixed(trade.qty, 8),
        "quoteQty": fixed(trade.quote_qty, 8),
        "commission": fixed(trade.commission, 8),
        "commissionAsset": trade.commission_asset,
        "time": trade.time_ms,
        "isBuyer": trade.side == "BUY",
        "isMaker": trade.maker,
        "isBestMatch": True,
    }


def futures_trade(trade: Trade, spec: SymbolSpec) -> JSON:
    """/fapi/v1/userTrades row."""
    return {
        "symbol": trade.symbol,
        "id": trade.trade_id,
        "orderId": trade.order_id,
        "side": trade.side,
        "price": fixed(trade.price, spec.price_precision),
        "qty": fixed(trade.qty, spec.qty_precision),
        "realizedPnl": plain(trade.realized_pnl),
        "marginAsset": "USDT",
        "quoteQty": fixed(trade.quote_qty, 5),
        "commission": fixed(trade.commission, 8),
        "commissionAsset": trade.commission_asset,
        "time": trade.time_ms,
        "positionSide": trade.position_side,
        "maker": trade.maker,
        "buyer": trade.side == "BUY",
    }


def position_risk_row(
    m: PositionMetrics, spec: SymbolSpec, order_notional: tuple[Decimal, Decimal], taker: Decimal
) -> JSON:
    """/fapi/v3/positionRisk row of one leg; `order_notional` = (bid, ask) notional of the
    leg's open orders."""
    p = m.position
    side = 1 if p.amt > 0 else -1 if p.amt < 0 else 0
    isolated_margin = p.isolated_wallet + m.upnl if p.isolated else ZERO
    return {
        "symbol": p.symbol,
        "positionSide": p.side,
        "positionAmt": fixed(p.amt, spec.qty_precision),
        "entryPrice": plain(p.entry_price),
        "breakEvenPrice": plain(p.entry_price * (1 + side * taker)),
        "markPrice": fixed(m.mark, 8),
        "unRealizedProfit": fixed(m.upnl, 8),
        "liquidationPrice": fixed(m.liquidation_price, 8),
        "isolatedMargin": fixed(isolated_margin, 8) if p.isolated else "0",
        "notional": fixed(m.notional, 8),
        "marginAsset": "USDT",
        "isolatedWallet": fixed(p.isolated_wallet, 8) if p.isolated else "0",
        "initialMargin": fixed(m.initial_margin, 8),
        "maintMargin": fixed(m.maint_margin, 8),
        "positionInitialMargin": fixed(m.initial_margin, 8),
        "openOrderInitialMargin": "0",
        "adl": 2 if p.amt != 0 else 0,
        "bidNotional": plain(order_notional[0]),
        "askNotional": plain(order_notional[1]),
        "updateTime": p.update_ms,
    }


def _usdt_asset(m: AccountMetrics, update_ms: int) -> JSON:
    iso_upnl = sum((x.upnl for x in m.positions.values() if x.position.isolated), ZERO)
    iso_mm = sum((x.maint_margin for x in m.positions.values() if x.position.isolated), ZERO)
    iso_im = sum((x.initial_margin for x in m.positions.values() if x.position.isolated), ZERO)
    wallet = m.cross_wallet + m.isolated_wallets
    upnl = m.cross_upnl + iso_upnl
    return {
        "asset": "USDT",
        "walletBalance": fixed(wallet, 8),
        "unrealizedProfit": fixed(upnl, 8),
        "marginBalance": fixed(wallet + upnl, 8),
        "maintMargin": fixed(m.cross_maint_margin + iso_mm, 8),
        "initialMargin": fixed(m.cross_initial_margin + iso_im + m.open_order_margin, 8),
        "positionInitialMargin": fixed(m.cross_initial_margin + iso_im, 8),
        "openOrderInitialMargin": fixed(m.open_order_margin, 8),
        "crossWalletBalance": fixed(m.cross_wallet, 8),
        "crossUnPnl": fixed(m.cross_upnl, 8),
        "availableBalance": fixed(m.available_balance, 8),
        "maxWithdrawAmount": fixed(m.max_withdraw, 8),
        "marginAvailable": True,
        "updateTime": update_ms,
    }


def futures_balance(account: Account, m: AccountMetrics) -> list[JSON]:
    """/fapi/v2|v3/balance rows (USDT only: the simulated wallet is single-asset)."""
    usdt = _usdt_asset(m, account.update_ms)
    return [
        {
            "accountAlias": "SgsR",
            "asset": "USDT",
            "balance": usdt["walletBalance"],
            "crossWalletBalance": usdt["crossWalletBalance"],
            "crossUnPnl": usdt["crossUnPnl"],
            "availableBalance": usdt["availableBalance"],
            "maxWithdrawAmount": usdt["maxWithdrawAmount"],
            "marginAvailable": True,
            "updateTime": account.update_ms,
        }
    ]


def futures_account(account: Account, m: AccountMetrics) -> JSON:
    """/fapi/v3/account shape: totals, `assets[]` (USDT) and `positions[]` (non-flat)."""
    usdt = _usdt_asset(m, account.update_ms)
    positions = [
        {
            "symbol": x.position.symbol,
            "positionSide": x.position.side,
            "positionAmt": plain(x.position.amt),
            "unrealizedProfit": fixed(x.upnl, 8),
            "isolatedMargin": fixed(x.position.isolated_wallet + x.upnl, 8)
            if x.position.isolated
            else "0",
            "notional": fixed(x.notional, 8),
            "isolatedWallet": fixed(x.position.isolated_wallet, 8),
            "initialMargin": fixed(x.initial_margin, 8),
            "maintMargin": fixed(x.maint_margin, 8),
            "updateTime": x.position.update_ms,
        }
        for x in m.positions.values()
    ]
    return {
        "feeTier": 0,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "tradeGroupId": -1,
        "updateTime": 0,
        "multiAssetsMargin": False,
        "totalInitialMargin": usdt["initialMargin"],
        "totalMaintMargin": usdt["maintMargin"],
        "totalWalletBalance": usdt["walletBalance"],
        "totalUnrealizedProfit": usdt["unrealizedProfit"],
        "totalMarginBalance": usdt["marginBalance"],
        "totalPositionInitialMargin": usdt["positionInitialMargin"],
        "totalOpenOrderInitialMargin": usdt["openOrderInitialMargin"],
        "totalCrossWalletBalance": usdt["crossWalletBalance"],
        "totalCrossUnPnl": usdt["crossUnPnl"],
        "availableBalance": usdt["availableBalance"],
        "maxWithdrawAmount": usdt["maxWithdrawAmount"],
        "assets": [usdt],
        "positions": positions,
    }


def spot_account(account: Account, now_ms: int) -> JSON:
    """/api/v3/account shape."""
    return {
        "makerCommission": 10,
        "takerCommission": 10,
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {
            "maker": "0.00100000",
            "taker": "0.00100000",
            "buyer": "0.00000000",
            "seller": "0.00000000",
        },
        "canTrade": True,
        "canWithdraw": True,
        "canDeposit": True,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": account.update_ms or now_ms,
        "accountType": "SPOT",
        "balances": [
            {"asset": asset, "free": fixed(b.free, 8), "locked": fixed(b.locked, 8)}
            for asset, b in sorted(account.spot.items())
        ],
        "permissions": ["SPOT"],
        "uid": 100000000 + zlib.crc32(account.api_key.encode()) % 100000000,
    }
