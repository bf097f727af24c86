"""Quarterly delivery: what happens to the contracts expiring at a delivery time.

At `deliveryDate` (Binance: last Friday of Mar/Jun/Sep/Dec, 08:00 UTC) every contract of that
date, USDⓈ-M and COIN-M, is settled:
- its open orders are cancelled;
- every open position is closed at the index price: the realised P&L (linear:
  amt × (index − entry) USDT; inverse: contracts × size × (1/entry − 1/index) coin) goes to
  the cross wallet, an isolated position's margin returns to it, and a DELIVERED_SETTELMENT
  income row (Binance's spelling) and a delivery record are booked; no fee is charged;
- the contract leaves the listing (exchangeInfo no longer lists it; the next quarter that the
  schedule adds at the same moment takes its place) and its prices are forgotten.
"""

from __future__ import annotations

from decimal import Decimal

from bot.sim.accounts import Account, FuturesPosition
from bot.sim.contracts import contract_math
from bot.sim.fmt import plain
from bot.sim.ledger import Ids, book_contract_income
from bot.sim.specs import (
    FUTURES_MARKETS,
    SymbolSpec,
    get_spec,
    pairs_with_quarterlies,
    quarterly_symbol,
)
from bot.sim.venue import Venue

__all__ = ["deliver"]

ZERO = Decimal(0)


def _cancel_orders(account: Account, spec: SymbolSpec, at_ms: int) -> None:
    for order in account.open_orders(spec.market, spec.symbol):
        order.status = "CANCELED"
        order.update_ms = at_ms


def _settle(
    account: Account, spec: SymbolSpec, pos: FuturesPosition, price: Decimal, ids: Ids, at_ms: int
) -> None:
    """Close `pos` at the delivery `price`, crediting P&L (and isolated margin) to the wallet."""
    realized = contract_math(spec).fill(pos.amt, pos.entry_price, -pos.amt, price)[2]
    account.credit(spec.market, spec.margin_asset, realized + pos.isolated_wallet)
    rows = [("DELIVERED_SETTELMENT", realized)]
    book_contract_income(account, ids, spec, rows, time_ms=at_ms)
    account.deliveries.append(
        {
            "market": spec.market,
            "symbol": spec.symbol,
            "pair": spec.pair_id,
            "positionSide": pos.side,
            "positionAmt": plain(pos.amt),
            "entryPrice": plain(pos.entry_price),
            "deliveryPrice": plain(price),
            "realizedPnl": plain(realized),
            "asset": spec.margin_asset,
            "deliveryDate": at_ms,
        }
    )
    pos.amt, pos.entry_price, pos.isolated_wallet, pos.update_ms = ZERO, ZERO, ZERO, at_ms
    account.touch(spec.market, at_ms)


def deliver(venue: Venue, at_ms: int) -> list[str]:
    """Settle every quarterly delivering at `at_ms` (at its current index price); returns the
    delivered symbols."""
    delivered = []
    for market in FUTURES_MARKETS:
        for pair in pairs_with_quarterlies(market):
            spec = get_spec(market, quarterly_symbol(pair, at_ms))
            price = venue.board.index(spec.symbol)
            for account in venue.accounts.values():
                _cancel_orders(account, spec, at_ms)
                for pos in account.legs(spec.symbol):
                    if pos.amt != 0:
                        _settle(account, spec, pos, price, venue.ids, at_ms)
            venue.board.drop(market, spec.symbol)
            delivered.append(spec.symbol)
    return delivered
