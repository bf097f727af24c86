"""Last prices, mark/index prices, funding rates and 24h statistics of the simulated venue."""

from __future__ import annotations

from collections import deque
from decimal import Decimal
from typing import Any

from bot.sim.fmt import fixed
from bot.sim.specs import get_spec

__all__ = ["DEFAULT_FUNDING_RATE", "FUNDING_INTERVAL_MS", "PriceBoard", "next_funding_ms"]

DEFAULT_FUNDING_RATE = Decimal("0.0001")
INTEREST_RATE = Decimal("0.0001")
FUNDING_INTERVAL_MS = 8 * 3600 * 1000  # settlements at 00:00, 08:00, 16:00 UTC
_DAY_MS = 24 * 3600 * 1000


def next_funding_ms(now_ms: int) -> int:
    """The first funding boundary strictly after `now_ms` (epoch ms, UTC)."""
    return (now_ms // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS


class PriceBoard:
    """Prices per (market, symbol). Mark defaults to the perp's last price and index to the
    spot price; a replay may set the mark explicitly. All prices in USDT."""

    def __init__(self, start: dict[str, Decimal], now_ms: int) -> None:
        self._last: dict[tuple[str, str], Decimal] = {}
        self._history: dict[tuple[str, str], deque[tuple[int, Decimal]]] = {}
        self._mark: dict[str, Decimal] = {}
        self.funding_rate: dict[str, Decimal] = {s: DEFAULT_FUNDING_RATE for s in start}
        self.update_id = 1_000_000
        for symbol, price in start.items():
            for market in ("spot", "usdm"):
                self.set_last(market, symbol, price, now_ms)

    def set_last(self, market: str, symbol: str, price: Decimal, now_ms: int) -> Decimal:
        """Record a trade price; returns the previous last price (or `price` if none)."""
        key = (market, symbol)
        previous = self._last.get(key, price)
        self._last[key] = price
        history = self._history.setdefault(key, deque())
        history.append((now_ms, price))
        while history and history[0][0] < now_ms - _DAY_MS and len(history) > 1:
            history.popleft()
        if market == "usdm":
            self._mark.pop(symbol, None)
        self.update_id += 1
        return previous

    def set_mark(self, symbol: str, price: Decimal) -> None:
        """Override the mark price until the perp's next trade price (replays carry marks)."""
        self._mark[symbol] = price

    def last(self, market: str, symbol: str) -> Decimal:
        return self._last[(market, symbol)]

    def mark(self, symbol: str) -> Decimal:
        return self._mark.get(symbol, self._last[("usdm", symbol)])

    def index(self, symbol: str) -> Decimal:
        return self._last[("spot", symbol)]

    def marks(self) -> dict[str, Decimal]:
        return {sym: self.mark(sym) for (market, sym) in self._last if market == "usdm"}

    def ticker_24h(self, market: str, symbol: str, now_ms: int) -> dict[str, Any]:
        """Binance /ticker/24hr shape for `market` (spot adds bid/ask fields)."""
        spec = get_spec(market, symbol)
        places = 8 if market == "spot" else spec.price_precision
        history = self._history[(market, symbol)]
        prices = [p for _, p in history]
        last, open_ = prices[-1], prices[0]
        change = last - open_
        out: dict[str, Any] = {
            "symbol": symbol,
            "priceChange": fixed(change, places),
            "priceChangePercent": fixed(change / open_ * 100, 3),
            "weightedAvgPrice": fixed(sum(prices, Decimal(0)) / len(prices), places),
            "lastPrice": fixed(last, places),
            "lastQty": fixed(spec.min_qty, 8 if market == "spot" else spec.qty_precision),
            "openPrice": fixed(open_, places),
            "highPrice": fixed(max(prices), places),
            "lowPrice": fixed(min(prices), places),
            "volume": fixed(Decimal(0), 8),
            "quoteVolume": fixed(Decimal(0), 8),
            "openTime": history[0][0],
            "closeTime": now_ms,
            "firstId": 1,
            "lastId": len(prices),
            "count": len(prices),
        }
        if market == "spot":
            out["prevClosePrice"] = fixed(open_, places)
        return out

    def premium_index(self, symbol: str, now_ms: int) -> dict[str, Any]:
        """Binance /fapi/v1/premiumIndex shape."""
        mark = self.mark(symbol)
        return {
            "symbol": symbol,
            "markPrice": fixed(mark, 8),
            "indexPrice": fixed(self.index(symbol), 8),
            "estimatedSettlePrice": fixed(mark, 8),
            "lastFundingRate": fixed(self.funding_rate[symbol], 8),
            "interestRate": fixed(INTEREST_RATE, 8),
            "nextFundingTime": next_funding_ms(now_ms),
            "time": now_ms,
        }
