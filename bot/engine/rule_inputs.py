"""Gather what a hedge's target rules watch this cycle (`Observation`): the watched price
(the holding's spot market, or the perp with `price: perp`), the ladder's recent highs from
candles, the latest funding settlements, the short's unrealised gain. Only what the hedge's
rules need is read: a hedge without rules costs no request.
"""

from __future__ import annotations

from decimal import Decimal

from bot.domain.candles import high_of
from bot.domain.memory import HedgeLegs
from bot.domain.model import AccountSnapshot, Market
from bot.domain.planner import reference_price
from bot.domain.pnl import short_gain_pct
from bot.domain.target_rules import Observation, Rules
from bot.exchange.port import Exchange

__all__ = ["observe", "short_gain_pct", "watched_symbol"]

_HOURS_PER_PAGE = 1000  # candles one request may return


def watched_symbol(rules: Rules, legs: HedgeLegs, market: Market) -> str:
    """The symbol whose price the rules watch: the perp, or the holding's spot market in the
    perp's quote currency (BTC held, BTC/USDT:USDT hedged → BTC/USDT)."""
    return legs.perp_symbol if rules.perp_price else f"{legs.spot_asset}/{market.quote}"


async def observe(
    rules: Rules,
    legs: HedgeLegs,
    exchanges: dict[str, Exchange],
    perp: AccountSnapshot,
    now_ms: int,
) -> Observation:
    """This cycle's observation for `rules` (ExchangeError propagates: the hedge is skipped
    this cycle rather than decided on a rule it could not see)."""
    market = perp.markets[legs.perp_symbol]
    position = perp.position(legs.perp_symbol)
    symbol = watched_symbol(rules, legs, market)
    price = await _price(rules, symbol, legs, exchanges, perp) if rules.needs_price else None
    highs: dict[int, Decimal] = {}
    for days in sorted(rules.lookbacks):
        high = await _high(exchanges[_account(rules, legs)], symbol, days, price)
        if high is not None:
            highs[days] = high
    settlements: tuple[tuple[int, Decimal], ...] = ()
    if rules.funding is not None:
        settlements = await exchanges[legs.perp_account].fetch_funding_rates(legs.perp_symbol)
    return Observation(
        now_ms=now_ms,
        price=price,
        short_gain_pct=short_gain_pct(position, market),
        settlements=settlements,
        highs=highs,
    )


def _account(rules: Rules, legs: HedgeLegs) -> str:
    return legs.perp_account if rules.perp_price else legs.spot_account


async def _price(
    rules: Rules,
    symbol: str,
    legs: HedgeLegs,
    exchanges: dict[str, Exchange],
    perp: AccountSnapshot,
) -> Decimal:
    if rules.perp_price:
        return reference_price(perp.quotes[symbol])
    quote = await exchanges[legs.spot_account].fetch_quote(symbol)
    return quote.last if quote.last is not None and quote.last > 0 else quote.mid


async def _high(
    exchange: Exchange, symbol: str, days: int, price: Decimal | None
) -> Decimal | None:
    """The high of the last `days` (hourly candles, daily beyond one page) and `price`."""
    hours = days * 24
    interval, limit = ("1h", hours) if hours <= _HOURS_PER_PAGE else ("1d", days)
    candles = await exchange.fetch_candles(symbol, interval, limit=limit)
    return high_of(candles, price)
