"""Last prices, mark/index prices, funding rates, premiums and 24h history of the venue.

Prices are per (market, symbol), in the quote asset (USDT; USD for COIN-M). The mark of a
futures symbol is its last price unless a replay set one explicitly; its index is the last
spot price of its index symbol × its multiplier (`SymbolSpec.index_of`; 1000 × PEPEUSDT for
1000PEPEUSDT). Derived contracts (quarterlies, COIN-M, multiplied perps) carry a `premium`
over their fair price (0 until an admin sets their price directly; see `pricing`).
"""

from __future__ import annotations

from collections import deque
from decimal import Decimal

from bot.sim.price_history import record
from bot.sim.quarterlies import DEFAULT_BASIS
from bot.sim.specs import FUTURES_MARKETS, futures_market, get_spec, symbols

__all__ = ["DEFAULT_FUNDING_RATE", "FUNDING_INTERVAL_MS", "PriceBoard", "next_funding_ms"]

DEFAULT_FUNDING_RATE = Decimal("0.0001")
FUNDING_INTERVAL_MS = 8 * 3600 * 1000  # settlements at 00:00, 08:00, 16:00 UTC

Key = tuple[str, str]  # (market, symbol)


def next_funding_ms(now_ms: int) -> int:
    """The first funding boundary strictly after `now_ms` (epoch ms, UTC)."""
    return (now_ms // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS


class PriceBoard:
    """Prices of every listed instrument. `basis` is the quarterlies' annualised basis;
    `funding_rate` covers every perpetual (USDⓈ-M and COIN-M)."""

    def __init__(self, basis: Decimal = DEFAULT_BASIS) -> None:
        self._last: dict[Key, Decimal] = {}
        self._history: dict[Key, deque[tuple[int, Decimal]]] = {}
        self._mark: dict[str, Decimal] = {}
        self.premium: dict[str, Decimal] = {}
        self.basis = basis
        self.funding_rate: dict[str, Decimal] = {
            s: DEFAULT_FUNDING_RATE for m in FUTURES_MARKETS for s in symbols(m)
        }
        self.update_id = 1_000_000

    def set_last(self, market: str, symbol: str, price: Decimal, now_ms: int) -> Decimal:
        """Record a trade price; returns the previous last price (or `price` if none)."""
        key = (market, symbol)
        previous = self._last.get(key, price)
        self._last[key] = price
        record(self._history.setdefault(key, deque()), now_ms, price)
        if market != "spot":
            self._mark.pop(symbol, None)
        self.update_id += 1
        return previous

    def drop(self, market: str, symbol: str) -> None:
        """Forget a delivered contract's prices."""
        self._last.pop((market, symbol), None)
        self._history.pop((market, symbol), None)
        self._mark.pop(symbol, None)
        self.premium.pop(symbol, None)

    def has(self, market: str, symbol: str) -> bool:
        return (market, symbol) in self._last

    def set_mark(self, symbol: str, price: Decimal) -> None:
        """Override the mark price until the contract's next trade price (replays)."""
        self._mark[symbol] = price

    def last(self, market: str, symbol: str) -> Decimal:
        return self._last[(market, symbol)]

    def history(self, market: str, symbol: str) -> deque[tuple[int, Decimal]]:
        """(time, price) of the last 24 h of trade prices, oldest first (each minute's open,
        high, low and close: `price_history`)."""
        return self._history[(market, symbol)]

    def mark(self, symbol: str) -> Decimal:
        """Mark price of a futures symbol (USDⓈ-M or COIN-M)."""
        return self._mark.get(symbol) or self._last[(futures_market(symbol), symbol)]

    def index(self, symbol: str) -> Decimal:
        """Index price of a futures symbol: its index symbol's spot price × multiplier."""
        spec = get_spec(futures_market(symbol), symbol)
        return self._last[("spot", spec.index_of)] * spec.index_multiplier

    def marks(self) -> dict[str, Decimal]:
        """Mark of every priced futures symbol, by symbol."""
        marks = self._mark
        return {
            sym: marks.get(sym) or p for (market, sym), p in self._last.items() if market != "spot"
        }
