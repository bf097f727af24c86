"""Market moves and the passage of time: prices, books, tickers, funding, liquidations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.book import Level, best_bid_ask, depth
from bot.sim.errors import SimError, bad_param
from bot.sim.fmt import fixed
from bot.sim.ledger import select_rows
from bot.sim.prices import PriceTick
from bot.sim.quotes import FUNDING_INTERVAL_MS
from bot.sim.settlement import liquidate_due, match_resting, settle_funding
from bot.sim.specs import MARKETS, get_spec, symbols
from bot.sim.venue import Venue

__all__ = [
    "advance",
    "apply_ticks",
    "book",
    "fund",
    "funding_history",
    "set_price",
    "settle_due",
    "ticker_24h",
    "ticker_price",
]


def _markets(market: str | None) -> tuple[str, ...]:
    if market is None:
        return MARKETS
    if market not in MARKETS:
        raise bad_param("market", f"{market!r}; use 'spot' or 'usdm'")
    return (market,)


def set_price(venue: Venue, symbol: str, price: Decimal, market: str | None = None) -> None:
    """Trade `symbol` at `price` on `market` (None = both): fill resting orders the price
    reaches, re-mark positions and liquidate those under maintenance margin."""
    markets = _markets(market)
    for m in markets:
        get_spec(m, symbol)
    if price <= 0:
        raise bad_param("price", f"{price}; it must be > 0")
    now = venue.now()
    for m in markets:
        venue.board.set_last(m, symbol, price, now)
        match_resting(venue.accounts.values(), m, symbol, price, ids=venue.ids, now_ms=now)
    if "usdm" in markets:
        liquidate_due(venue.accounts.values(), venue.marks(), ids=venue.ids, now_ms=now)


def apply_ticks(venue: Venue, ticks: dict[str, PriceTick]) -> None:
    """Apply one replay/synthetic step: spot and perp prices, explicit marks, funding rates."""
    for symbol, tick in ticks.items():
        if tick.spot is not None:
            set_price(venue, symbol, tick.spot, "spot")
        if tick.perp is not None:
            set_price(venue, symbol, tick.perp, "usdm")
        if tick.mark is not None:
            venue.board.set_mark(symbol, tick.mark)
            liquidate_due(venue.accounts.values(), venue.marks(), ids=venue.ids, now_ms=venue.now())
        if tick.funding_rate is not None:
            venue.board.funding_rate[symbol] = tick.funding_rate


def fund(
    venue: Venue, symbol: str, rate: Decimal | None = None, *, at_ms: int | None = None
) -> None:
    """Settle `symbol`'s funding at `rate` (None = its current rate, which `rate` replaces),
    stamped `at_ms` (default now), and record it in the public funding history."""
    get_spec("usdm", symbol)
    if rate is not None:
        venue.board.funding_rate[symbol] = rate
    now = venue.now() if at_ms is None else at_ms
    rate_now, mark = venue.board.funding_rate[symbol], venue.board.mark(symbol)
    settle_funding(venue.accounts.values(), symbol, rate_now, mark, ids=venue.ids, now_ms=now)
    venue.funding_history.append(
        {
            "symbol": symbol,
            "fundingTime": now,
            "fundingRate": fixed(rate_now, 8),
            "markPrice": fixed(mark, 8),
        }
    )
    liquidate_due(venue.accounts.values(), venue.marks(), ids=venue.ids, now_ms=now)


def settle_due(venue: Venue) -> None:
    """Settle every symbol at each 00/08/16 UTC boundary simulated time has passed since the
    last call, stamped at the boundary (the server calls this before every request and step)."""
    now = venue.now()
    boundary = (venue.funding_checked_ms // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS
    while boundary <= now:
        for symbol in symbols("usdm"):
            fund(venue, symbol, at_ms=boundary)
        boundary += FUNDING_INTERVAL_MS
    venue.funding_checked_ms = max(venue.funding_checked_ms, now)


def advance(venue: Venue, ms: int) -> None:
    """Move simulated time by `ms` and settle the funding boundaries crossed."""
    if ms < 0:
        raise bad_param("ms", f"{ms}; simulated time cannot go backwards")
    venue.clock.advance(ms)
    settle_due(venue)


def funding_history(
    venue: Venue, symbol: str | None, start_ms: int | None, end_ms: int | None, limit: int
) -> list[dict[str, Any]]:
    """/fapi/v1/fundingRate rows oldest first, filtered like Binance (the latest `limit`
    when no start)."""
    if symbol is not None:
        get_spec("usdm", symbol)
    return select_rows(
        venue.funding_history,
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
    spec = get_spec(market, symbol)
    if not 1 <= limit <= 5000:
        raise SimError(-1130, f"Data sent for parameter 'limit' is not valid: {limit}")
    return depth(spec, venue.board.last(market, symbol), limit)


def ticker_24h(venue: Venue, market: str, symbol: str) -> dict[str, Any]:
    """/ticker/24hr for one symbol; the spot one carries the book's touch as Binance's does."""
    spec = get_spec(market, symbol)
    out = venue.board.ticker_24h(market, symbol, venue.now())
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
    """/ticker/price for one symbol: the last trade price (spot at 8 decimals; USDⓈ-M at the
    symbol's pricePrecision, with the simulated `time`); -1121 for an unlisted symbol."""
    spec = get_spec(market, symbol)
    last = venue.board.last(market, symbol)
    if market == "spot":
        return {"symbol": symbol, "price": fixed(last, 8)}
    return {"symbol": symbol, "price": fixed(last, spec.price_precision), "time": venue.now()}
