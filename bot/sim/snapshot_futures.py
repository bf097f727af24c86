"""The futures parts of GET /sim/state: every listed contract's prices, the quarterly
listings a roll needs (per pair: current and next contract with their delivery dates), and
per account its COIN-M wallets and the quarterlies it holds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim import quarterlies
from bot.sim.accounts import Account, FuturesPosition
from bot.sim.fmt import fixed, plain
from bot.sim.risk import AccountMetrics
from bot.sim.specs import (
    FUTURES_MARKETS,
    get_spec,
    listed_symbols,
    pairs_with_quarterlies,
    quarterly_symbol,
)
from bot.sim.venue import Venue

__all__ = ["coinm_wallets", "contracts", "held_quarterlies", "listings"]

JSON = dict[str, Any]


def _num(value: Decimal) -> str:
    return plain(Decimal(fixed(value, 8)))


def _basis(price: Decimal, index: Decimal, delivery: int, now_ms: int) -> str:
    """Annualised basis (fraction) of a quarterly priced `price` over `index`."""
    remaining = delivery - now_ms
    if remaining <= 0 or index == 0:
        return "0"
    return _num((price / index - 1) * quarterlies.YEAR_MS / remaining)


def contracts(venue: Venue) -> JSON:
    """Every listed futures contract: market, type, delivery, price, mark, index, funding
    rate (None for quarterlies) and a quarterly's annualised basis."""
    now, board = venue.now(), venue.board
    out: JSON = {}
    for market in FUTURES_MARKETS:
        for symbol in listed_symbols(market, now):
            spec = get_spec(market, symbol)
            price, index = board.last(market, symbol), board.index(symbol)
            row: JSON = {
                "market": market,
                "pair": spec.pair_id,
                "contractType": "PERPETUAL"
                if spec.delivery_ms is None
                else quarterlies.contract_type(spec.delivery_ms, now),
                "deliveryDate": spec.delivery_ms,
                "price": plain(price),
                "mark": plain(board.mark(symbol)),
                "index": _num(index),
                "fundingRate": plain(board.funding_rate[symbol]) if spec.perpetual else None,
            }
            if spec.delivery_ms is not None:
                row["annualisedBasis"] = _basis(price, index, spec.delivery_ms, now)
            out[symbol] = row
    return out


def _listed(pair: str, now_ms: int) -> JSON:
    current, following = quarterlies.listed_deliveries(now_ms)
    return {
        "current": {"symbol": quarterly_symbol(pair, current), "deliveryDate": current},
        "next": {"symbol": quarterly_symbol(pair, following), "deliveryDate": following},
    }


def listings(venue: Venue) -> JSON:
    """Per futures market and pair: the current and next quarterly with delivery dates."""
    now = venue.now()
    return {
        market: {pair: _listed(pair, now) for pair in pairs_with_quarterlies(market)}
        for market in FUTURES_MARKETS
    }


def _held(position: FuturesPosition, now_ms: int) -> JSON:
    delivery = get_spec(position.market, position.symbol).delivery_ms or 0
    return {
        "symbol": position.symbol,
        "deliveryDate": delivery,
        "contractType": quarterlies.contract_type(delivery, now_ms),
        "positionSide": position.side,
        "amount": plain(position.amt),
    }


def _quarterly_of(position: FuturesPosition, pair: str) -> bool:
    spec = get_spec(position.market, position.symbol)
    return spec.delivery_ms is not None and spec.pair_id == pair


def held_quarterlies(venue: Venue, account: Account) -> JSON:
    """Per pair with quarterlies: the contracts `account` holds (amount, delivery, type) and
    the listed current/next contract — what rolling from one to the other needs."""
    now = venue.now()
    out: JSON = {}
    for market in FUTURES_MARKETS:
        for pair in pairs_with_quarterlies(market):
            held = [
                _held(p, now)
                for p in account.market_positions(market)
                if p.amt != 0 and _quarterly_of(p, pair)
            ]
            out[pair] = {"market": market, "held": held, **_listed(pair, now)}
    return out


def coinm_wallets(pools: dict[str, AccountMetrics]) -> JSON:
    """Per coin: the COIN-M wallet, its unrealised P&L, margin balance, availability and the
    cross margin ratio (all in the coin)."""
    return {
        coin: {
            "walletBalance": plain(m.cross_wallet + m.isolated_wallets),
            "crossWalletBalance": plain(m.cross_wallet),
            "unrealizedPnl": _num(m.cross_upnl),
            "marginBalance": _num(m.cross_margin_balance),
            "availableBalance": _num(m.available_balance),
            "maintMargin": _num(m.cross_maint_margin),
            "crossMarginRatio": _num(m.cross_margin_ratio),
        }
        for coin, m in pools.items()
    }
