"""The JSON-able picture of the whole venue behind the admin API's GET /sim/state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account
from bot.sim.bybit_wallet import unified_state
from bot.sim.fmt import fixed, plain
from bot.sim.orders import Order
from bot.sim.risk import AccountMetrics, account_metrics, account_pools, pool_metrics
from bot.sim.snapshot_futures import coinm_wallets, contracts, held_quarterlies, listings
from bot.sim.specs import get_spec, symbols
from bot.sim.venue import Venue

__all__ = ["venue_state"]

JSON = dict[str, Any]


def _num(value: Decimal) -> str:
    """Plain decimal string rounded to 8 places (state is for people and tests to read)."""
    return plain(Decimal(fixed(value, 8)))


def _order(o: Order) -> JSON:
    return {
        "orderId": o.order_id,
        "market": o.market,
        "symbol": o.symbol,
        "side": o.side,
        "positionSide": o.position_side,
        "type": o.order_type,
        "timeInForce": o.time_in_force,
        "reduceOnly": o.reduce_only,
        "clientOrderId": o.client_order_id,
        "price": plain(o.price) if o.price else None,
        "qty": plain(o.quantity),
        "executedQty": plain(o.executed_qty),
        "status": o.status,
        "time": o.time_ms,
    }


def _fills(account: Account) -> list[JSON]:
    out = []
    for t in account.trades:
        o = account.orders[t.order_id]
        out.append(
            {
                "tradeId": t.trade_id,
                "orderId": t.order_id,
                "market": t.market,
                "symbol": t.symbol,
                "side": t.side,
                "positionSide": t.position_side,
                "type": o.order_type,
                "timeInForce": o.time_in_force,
                "reduceOnly": o.reduce_only,
                "clientOrderId": o.client_order_id,
                "price": plain(t.price),
                "qty": plain(t.qty),
                "commission": plain(t.commission),
                "commissionAsset": t.commission_asset,
                "maker": t.maker,
                "realizedPnl": plain(t.realized_pnl),
                "time": t.time_ms,
            }
        )
    return out


def _positions(m: AccountMetrics) -> list[JSON]:
    """Position rows; COIN-M amounts are contracts and their money figures are in the coin
    (`marginAsset`)."""
    return [
        {
            "market": x.position.market,
            "marginAsset": get_spec(x.position.market, s).margin_asset,
            "symbol": s,
            "positionSide": side,
            "amount": plain(x.position.amt),
            "entryPrice": plain(x.position.entry_price),
            "markPrice": plain(x.mark),
            "unrealizedPnl": plain(x.upnl),
            "liquidationPrice": _num(x.liquidation_price),
            "initialMargin": plain(x.initial_margin),
            "maintMargin": plain(x.maint_margin),
            "isolatedWallet": plain(x.position.isolated_wallet),
            "leverage": x.position.leverage,
            "marginType": x.position.margin_type,
            "marginRatio": _num(x.margin_ratio),
        }
        for (s, side), x in m.positions.items()
    ]


def _account(venue: Venue, account: Account) -> JSON:
    marks = venue.marks()
    m = account_metrics(account, marks)
    coins = {a: pool_metrics(account, marks, mk, a) for mk, a in account_pools(account)[1:]}
    return {
        "balances": {
            "spot": {
                a: {"free": plain(b.free), "locked": plain(b.locked)}
                for a, b in sorted(account.spot.items())
            },
            "usdm": {a: plain(v) for a, v in sorted(account.usdm.items())},
            "coinm": {a: plain(v) for a, v in sorted(account.coinm.items())},
        },
        "usdm": {
            "crossWalletBalance": plain(m.cross_wallet),
            "crossUnrealizedPnl": plain(m.cross_upnl),
            "availableBalance": plain(m.available_balance),
            "crossMarginRatio": _num(m.cross_margin_ratio),
        },
        "coinm": coinm_wallets(coins),
        "positions": _positions(m) + [row for c in coins.values() for row in _positions(c)],
        "quarterlies": held_quarterlies(venue, account),
        "deliveries": list(account.deliveries),
        "positionMode": "hedge" if account.dual_side else "one_way",
        "canWithdraw": account.can_withdraw,
        "settings": {
            s: {"leverage": p.leverage, "marginType": p.margin_type}
            for s, p in sorted(account.settings.items())
        },
        "openOrders": [_order(o) for o in account.orders.values() if o.is_open],
        "orders": [_order(o) for o in account.orders.values()],
        "fills": _fills(account),
        "transfers": list(account.transfers),
        "liquidations": list(account.liquidations),
        "income": list(account.income),
        "coinmIncome": list(account.coinm_income),
    } | unified_state(venue, account)


def venue_state(venue: Venue) -> JSON:
    """Per-account state, prices (per spot+perpetual pair, per spot pair, per listed futures
    contract), the quarterly listings, the basis and the simulated time (epoch ms)."""
    board = venue.board
    prices = {
        s: {
            "spot": plain(board.last("spot", s)),
            "perp": plain(board.last("usdm", s)),
            "mark": plain(board.mark(s)),
            "index": plain(board.index(s)),
            "fundingRate": plain(board.funding_rate[s]),
        }
        for s in symbols("usdm")
        if not get_spec("usdm", s).derived
    }
    return {
        "time": venue.now(),
        "accounts": {key: _account(venue, a) for key, a in venue.accounts.items()},
        "prices": prices,
        "spot": {s: plain(board.last("spot", s)) for s in symbols("spot")},
        "contracts": contracts(venue),
        "listings": listings(venue),
        "quarterlyBasis": plain(board.basis),
    }
