"""The passage of time and the public market views: funding, deliveries, books, tickers.

Time passing settles, in time order, every funding boundary (00/08/16 UTC: every perpetual,
USDⓈ-M and COIN-M) and every quarterly delivery (last Friday of the quarter, 08:00 UTC;
deliveries before funding at the same instant) it crossed, then reprices the derived
contracts (the quarterlies' basis decays) and runs liquidations.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim import quarterlies
from bot.sim.book import Level, best_bid_ask, depth
from bot.sim.delivery import deliver
from bot.sim.errors import SimError, bad_param
from bot.sim.fmt import fixed
from bot.sim.klines import klines as kline_rows
from bot.sim.ledger import select_rows
from bot.sim.market_views import premium_index_row, ticker_24h_row, ticker_price_row
from bot.sim.pricing import reprice_derived
from bot.sim.quotes import FUNDING_INTERVAL_MS
from bot.sim.settlement import liquidate_due, settle_funding
from bot.sim.specs import (
    FUTURES_MARKETS,
    SymbolSpec,
    futures_market,
    get_spec,
    listed_spec,
    symbols,
)
from bot.sim.venue import Venue

__all__ = [
    "advance",
    "book",
    "fund",
    "funding_history",
    "klines",
    "premium_index",
    "settle_due",
    "ticker_24h",
    "ticker_price",
]


def _perpetual(symbol: str, now_ms: int) -> SymbolSpec:
    spec = listed_spec(futures_market(symbol), symbol, now_ms)
    if not spec.perpetual:
        raise bad_param("symbol", f"{symbol!r} is a quarterly; only perpetuals pay funding")
    return spec


def _settle(venue: Venue, symbol: str, rate: Decimal | None, now: int) -> None:
    spec = _perpetual(symbol, now)
    if rate is not None:
        venue.board.funding_rate[symbol] = rate
    rate_now, mark = venue.board.funding_rate[symbol], venue.board.mark(symbol)
    settle_funding(venue.accounts.values(), spec, rate_now, mark, ids=venue.ids, now_ms=now)
    venue.funding_history[spec.market].append(
        {
            "symbol": symbol,
            "fundingTime": now,
            "fundingRate": fixed(rate_now, 8),
            "markPrice": fixed(mark, 8),
        }
    )


def fund(
    venue: Venue, symbol: str, rate: Decimal | None = None, *, at_ms: int | None = None
) -> None:
    """Settle the perpetual `symbol`'s funding at `rate` (None = its current rate, which `rate`
    replaces), stamped `at_ms` (default now), and record it in the public funding history."""
    now = venue.now() if at_ms is None else at_ms
    _settle(venue, symbol, rate, now)
    liquidate_due(venue.accounts.values(), venue.marks(), ids=venue.ids, now_ms=now)


def _fund_all(venue: Venue, at_ms: int) -> None:
    """A funding boundary: every perpetual settles at its current rate, then liquidations run
    once (one instant, however many perpetuals are listed)."""
    for market in FUTURES_MARKETS:
        for symbol in symbols(market):
            _settle(venue, symbol, None, at_ms)
    liquidate_due(venue.accounts.values(), venue.marks(), ids=venue.ids, now_ms=at_ms)


def _events(after_ms: int, until_ms: int) -> list[tuple[int, int]]:
    """(time, kind) of the deliveries (kind 0) and funding boundaries (kind 1) in
    (after_ms, until_ms], in the order they settle."""
    boundary = (after_ms // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS
    funding = range(boundary, until_ms + 1, FUNDING_INTERVAL_MS)
    deliveries = quarterlies.deliveries_between(after_ms, until_ms)
    return sorted([(d, 0) for d in deliveries] + [(f, 1) for f in funding])


def settle_due(venue: Venue) -> None:
    """Settle every delivery and funding boundary simulated time has passed since the last
    call, each stamped at its own time, then reprice the derived contracts (the server calls
    this before every request and step)."""
    now = venue.now()
    for at, kind in _events(venue.funding_checked_ms, now):
        if kind == 0:
            deliver(venue, at)
            continue
        _fund_all(venue, at)
    venue.funding_checked_ms = max(venue.funding_checked_ms, now)
    if reprice_derived(venue, now):
        liquidate_due(venue.accounts.values(), venue.marks(), ids=venue.ids, now_ms=now)


def advance(venue: Venue, ms: int) -> None:
    """Move simulated time by `ms` and settle the deliveries and funding boundaries crossed."""
    if ms < 0:
        raise bad_param("ms", f"{ms}; simulated time cannot go backwards")
    venue.clock.advance(ms)
    settle_due(venue)


def funding_history(
    venue: Venue,
    symbol: str | None,
    start_ms: int | None,
    end_ms: int | None,
    limit: int,
    market: str = "usdm",
) -> list[dict[str, Any]]:
    """/fapi|dapi/v1/fundingRate rows oldest first, filtered like Binance (the latest `limit`
    when no start)."""
    if symbol is not None:
        listed_spec(market, symbol, venue.now())
    return select_rows(
        venue.funding_history[market],
        time_key="fundingTime",
        start_ms=start_ms,
        end_ms=end_ms,
        limit=limit,
        symbol=symbol,
    )


def book(
    venue: Venue, market: str, symbol: str, limit: int = 100
) -> tuple[list[Level], list[Level]]:
    """(bids best-first, asks best-first) of the synthetic book, `limit` levels (1..5000)."""
    spec = listed_spec(market, symbol, venue.now())
    if not 1 <= limit <= 5000:
        raise SimError(-1130, f"Data sent for parameter 'limit' is not valid: {limit}")
    return depth(spec, venue.board.last(market, symbol), limit)


def ticker_24h(venue: Venue, market: str, symbol: str) -> dict[str, Any]:
    """/ticker/24hr for one symbol; the spot one carries the book's touch as Binance's does."""
    now = venue.now()
    spec = listed_spec(market, symbol, now)
    out = ticker_24h_row(spec, venue.board.history(market, symbol), now)
    if market == "spot":
        bid, ask = best_bid_ask(spec, venue.board.last(market, symbol))
        bids, asks = depth(spec, venue.board.last(market, symbol), 1)
        out |= {
            "bidPrice": fixed(bid, 8),
            "bidQty": fixed(bids[0][1], 8),
            "askPrice": fixed(ask, 8),
            "askQty": fixed(asks[0][1], 8),
        }
    return out


def ticker_price(venue: Venue, market: str, symbol: str) -> dict[str, Any]:
    """/ticker/price for one symbol: the last trade price; -1121 for an unlisted symbol."""
    now = venue.now()
    spec = listed_spec(market, symbol, now)
    return ticker_price_row(spec, venue.board.last(market, symbol), now)


def premium_index(venue: Venue, market: str, symbol: str) -> dict[str, Any]:
    """/premiumIndex row of a listed futures symbol on `market`."""
    now = venue.now()
    spec = listed_spec(market, symbol, now)
    rate = venue.board.funding_rate[symbol] if spec.perpetual else None
    board = venue.board
    return premium_index_row(spec, board.mark(symbol), board.index(symbol), rate, now)


def klines(
    venue: Venue,
    market: str,
    name: str,
    interval: str,
    window: tuple[int | None, int | None, int],
    *,
    index: bool = False,
) -> list[list[Any]]:
    """Klines of a listed symbol from its recorded prices; `index`: `name` is a COIN-M pair
    and the candles are of its index (the coin's spot price), at 8 decimals."""
    now = venue.now()
    if index:
        perpetual = get_spec(market, f"{name}_PERP")  # the pair's perpetual names its index
        points = venue.board.history("spot", perpetual.index_of)
        scaled = [(t, p * perpetual.index_multiplier) for t, p in points]
        return kline_rows(scaled, interval, now, places=8, window=window)
    spec = listed_spec(market, name, now)
    places = 8 if market == "spot" else spec.price_precision
    points = venue.board.history(market, name)
    return kline_rows(points, interval, now, places=places, window=window)
