"""Binance COIN-M (/dapi) JSON shapes: orders, trades, positionRisk, account and balance.

Shapes follow the real responses recorded in ccxt's static fixtures (/dapi/v1/positionRisk:
"inverse positions"; /dapi/v1/account: "inverse swap fetch margin mode") and Binance's COIN-M
documentation for the rest. Quantities are contracts; margins, P&L and balances are in the
coin; `notionalValue` is the signed notional in coin (its sign tells ccxt the side);
`marginType` is lower-case ("cross" / "isolated") as Binance's dapi sends it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account
from bot.sim.fmt import fixed, plain
from bot.sim.orders import Order, Trade
from bot.sim.risk import AccountMetrics, PositionMetrics
from bot.sim.specs import brackets_for
from bot.sim.symbol_spec import SymbolSpec
from bot.sim.views import futures_order, futures_trade

__all__ = [
    "coinm_account",
    "coinm_asset",
    "coinm_balance_row",
    "coinm_order",
    "coinm_position_row",
    "coinm_trade",
]

JSON = dict[str, Any]
ZERO = Decimal(0)


def coinm_order(order: Order, spec: SymbolSpec, *, query: bool = True) -> JSON:
    """/dapi/v1/order shape: /fapi's with the `pair`, `cumBase` (coin) instead of `cumQuote`,
    and no `goodTillDate` (`query` adds `time`; the POST reply carries `cumQty`)."""
    out = futures_order(order, spec, query=query)
    del out["cumQuote"], out["goodTillDate"]
    out |= {
        "pair": spec.pair_id,
        "cumBase": fixed(order.cum_base, 8),
        "selfTradePreventionMode": "NONE",
    }
    return out


def coinm_trade(trade: Trade, spec: SymbolSpec) -> JSON:
    """/dapi/v1/userTrades row: /fapi's with the `pair`, the coin margin asset and `baseQty`
    (the coin the contracts were worth) instead of `quoteQty`."""
    out = futures_trade(trade, spec)
    del out["quoteQty"]
    return out | {
        "pair": spec.pair_id,
        "realizedPnl": fixed(trade.realized_pnl, 8),
        "marginAsset": spec.margin_asset,
        "baseQty": fixed(trade.base_qty, 8),
    }


def _max_qty(symbol: str, leverage: int) -> str:
    """`maxQty`: the largest notional (coin) the symbol's brackets allow at `leverage`."""
    return str(int(max(b.cap for b in brackets_for(symbol) if b.initial_leverage >= leverage)))


def coinm_position_row(m: PositionMetrics, spec: SymbolSpec, taker: Decimal) -> JSON:
    """/dapi/v1/positionRisk row of one position (flat ones too, as Binance lists them)."""
    p = m.position
    side = 1 if p.amt > 0 else -1 if p.amt < 0 else 0
    isolated_margin = p.isolated_wallet + m.upnl if p.isolated else ZERO
    return {
        "symbol": p.symbol,
        "positionAmt": plain(p.amt),
        "entryPrice": fixed(p.entry_price, 8),
        "markPrice": fixed(m.mark, 8),
        "unRealizedProfit": fixed(m.upnl, 8),
        "liquidationPrice": fixed(m.liquidation_price, 8),
        "leverage": str(p.leverage),
        "maxQty": _max_qty(p.symbol, p.leverage),
        "marginType": "isolated" if p.isolated else "cross",
        "isolatedMargin": fixed(isolated_margin, 8),
        "isAutoAddMargin": "false",
        "positionSide": p.side,
        "notionalValue": fixed(m.notional, 8),
        "isolatedWallet": fixed(p.isolated_wallet, 8) if p.isolated else "0",
        "updateTime": p.update_ms,
        "breakEvenPrice": fixed(p.entry_price * (1 + side * taker), 8),
    }


def coinm_asset(coin: str, m: AccountMetrics, update_ms: int) -> JSON:
    """/dapi/v1/account `assets[]` entry of one coin's wallet."""
    iso = [x for x in m.positions.values() if x.position.isolated]
    wallet = m.cross_wallet + m.isolated_wallets
    upnl = m.cross_upnl + sum((x.upnl for x in iso), ZERO)
    position_im = m.cross_initial_margin + sum((x.initial_margin for x in iso), ZERO)
    return {
        "asset": coin,
        "walletBalance": fixed(wallet, 8),
        "unrealizedProfit": fixed(upnl, 8),
        "marginBalance": fixed(wallet + upnl, 8),
        "maintMargin": fixed(m.cross_maint_margin + sum((x.maint_margin for x in iso), ZERO), 8),
        "initialMargin": fixed(position_im + m.open_order_margin, 8),
        "positionInitialMargin": fixed(position_im, 8),
        "openOrderInitialMargin": fixed(m.open_order_margin, 8),
        "maxWithdrawAmount": fixed(m.max_withdraw, 8),
        "crossWalletBalance": fixed(m.cross_wallet, 8),
        "crossUnPnl": fixed(m.cross_upnl, 8),
        "availableBalance": fixed(m.available_balance, 8),
        "updateTime": update_ms,
    }


def _account_position(x: PositionMetrics) -> JSON:
    p = x.position
    return {
        "symbol": p.symbol,
        "initialMargin": fixed(x.initial_margin, 8),
        "maintMargin": fixed(x.maint_margin, 8),
        "unrealizedProfit": fixed(x.upnl, 8),
        "positionInitialMargin": fixed(x.initial_margin, 8),
        "openOrderInitialMargin": "0",
        "leverage": str(p.leverage),
        "isolated": p.isolated,
        "positionSide": p.side,
        "entryPrice": fixed(p.entry_price, 8),
        "maxQty": _max_qty(p.symbol, p.leverage),
        "notionalValue": fixed(x.notional, 8),
        "isolatedWallet": fixed(p.isolated_wallet, 8),
        "updateTime": p.update_ms,
        "positionAmt": plain(p.amt),
        "breakEvenPrice": fixed(p.entry_price, 8),
    }


def coinm_account(account: Account, pools: dict[str, AccountMetrics]) -> JSON:
    """/dapi/v1/account: one `assets[]` entry per coin wallet, `positions[]` (non-flat)."""
    return {
        "feeTier": 0,
        "canTrade": True,
        "canDeposit": True,
        "canWithdraw": True,
        "updateTime": 0,
        "assets": [coinm_asset(c, m, account.coinm_update_ms) for c, m in pools.items()],
        "positions": [_account_position(x) for m in pools.values() for x in m.positions.values()],
    }


def coinm_balance_row(account: Account, coin: str, m: AccountMetrics) -> JSON:
    """/dapi/v1/balance row of one coin."""
    asset = coinm_asset(coin, m, account.coinm_update_ms)
    return {
        "accountAlias": "SgsR",
        "asset": coin,
        "balance": asset["walletBalance"],
        "withdrawAvailable": asset["maxWithdrawAmount"],
        "crossWalletBalance": asset["crossWalletBalance"],
        "crossUnPnl": asset["crossUnPnl"],
        "availableBalance": asset["availableBalance"],
        "updateTime": account.coinm_update_ms,
    }
