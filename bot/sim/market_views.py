"""Binance-shaped market data rows: 24h tickers, last prices and premiumIndex, per dialect.

Spot (/api/v3) and USDⓈ-M (/fapi) tickers follow the recorded real responses; COIN-M (/dapi)
rows add the `pair` (`ps` on ticker/price), count `volume` in contracts with a `baseVolume` in
coin, and its premiumIndex rows are always served as a list. Quarterlies have no funding:
`lastFundingRate` and `interestRate` are "" and `nextFundingTime` 0, as Binance sends them.
"""

from __future__ import annotations

from collections import deque
from decimal import Decimal
from typing import Any

from bot.sim.fmt import fixed
from bot.sim.quotes import next_funding_ms
from bot.sim.symbol_spec import SymbolSpec

__all__ = ["premium_index_row", "ticker_24h_row", "ticker_price_row"]

JSON = dict[str, Any]
ZERO = Decimal(0)
INTEREST_RATE = Decimal("0.0001")


def ticker_24h_row(spec: SymbolSpec, history: deque[tuple[int, Decimal]], now_ms: int) -> JSON:
    """/ticker/24hr for one symbol from its last 24 h of (time, price) points."""
    places = 8 if spec.market == "spot" else spec.price_precision
    prices = [p for _, p in history]
    last, open_ = prices[-1], prices[0]
    change = last - open_
    out: JSON = {
        "symbol": spec.symbol,
        "priceChange": fixed(change, places),
        "priceChangePercent": fixed(change / open_ * 100, 3),
        "weightedAvgPrice": fixed(sum(prices, ZERO) / len(prices), places),
        "lastPrice": fixed(last, places),
        "lastQty": fixed(spec.min_qty, 8 if spec.market == "spot" else spec.qty_precision),
        "openPrice": fixed(open_, places),
        "highPrice": fixed(max(prices), places),
        "lowPrice": fixed(min(prices), places),
        "volume": fixed(ZERO, 8),
        "quoteVolume": fixed(ZERO, 8),
        "openTime": history[0][0],
        "closeTime": now_ms,
        "firstId": 1,
        "lastId": len(prices),
        "count": len(prices),
    }
    if spec.market == "spot":
        out["prevClosePrice"] = fixed(open_, places)
    if spec.inverse:
        del out["quoteVolume"]
        out |= {"pair": spec.pair_id, "volume": "0", "baseVolume": fixed(ZERO, 8)}
    return out


def ticker_price_row(spec: SymbolSpec, last: Decimal, now_ms: int) -> JSON:
    """/ticker/price for one symbol: spot at 8 decimals; futures at the price precision with
    the simulated `time` (COIN-M adds the pair as `ps`)."""
    if spec.market == "spot":
        return {"symbol": spec.symbol, "price": fixed(last, 8)}
    out: JSON = {"symbol": spec.symbol, "price": fixed(last, spec.price_precision), "time": now_ms}
    if spec.inverse:
        out = {"symbol": spec.symbol, "ps": spec.pair_id, **out}
    return out


def premium_index_row(
    spec: SymbolSpec, mark: Decimal, index: Decimal, rate: Decimal | None, now_ms: int
) -> JSON:
    """/premiumIndex for one futures symbol; `rate` None for a quarterly (no funding)."""
    out: JSON = {
        "symbol": spec.symbol,
        "markPrice": fixed(mark, 8),
        "indexPrice": fixed(index, 8),
        "estimatedSettlePrice": fixed(index if spec.delivery_ms else mark, 8),
        "lastFundingRate": "" if rate is None else fixed(rate, 8),
        "interestRate": "" if rate is None else fixed(INTEREST_RATE, 8),
        "nextFundingTime": 0 if rate is None else next_funding_ms(now_ms),
        "time": now_ms,
    }
    if spec.inverse:
        out = {"symbol": spec.symbol, "pair": spec.pair_id, **out}
    return out
