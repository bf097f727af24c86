"""Bybit v5 market-data rows built from the engine: instruments, tickers, books, klines and
funding history. Numbers are strings (plain notation), times epoch-ms strings, lists newest
first where Bybit sends them so (klines, funding history)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.bybit_params import bybit_symbol, engine_market
from bot.sim.bybit_risk_limits import bybit_tiers
from bot.sim.engine import SimExchange
from bot.sim.fmt import plain
from bot.sim.specs import SymbolSpec

__all__ = [
    "funding_rows",
    "instrument_rows",
    "kline_rows",
    "orderbook",
    "risk_limit_rows",
    "ticker_row",
    "tradable_symbols",
]

JSON = dict[str, Any]
_FUNDING_INTERVAL_MIN = 480
_PRICE_LIMITS = {"priceLimitRatioX": "0.01", "priceLimitRatioY": "0.02"}


def tradable_symbols(engine: SimExchange, cat: str) -> list[str]:
    """Engine ids Bybit lists in `cat`: every spot pair; the perpetuals of linear / inverse
    (the engine's quarterlies are not listed on the Bybit side)."""
    market = engine_market(cat)
    return [s for s in engine.symbols(market) if engine.spec(market, s).perpetual]


def _spot_instrument(spec: SymbolSpec) -> JSON:
    return {
        "symbol": spec.symbol,
        "baseCoin": spec.base,
        "quoteCoin": spec.quote,
        "innovation": "0",
        "status": "Trading",
        "marginTrading": "utaOnly",
        "stTag": "0",
        "lotSizeFilter": {
            "basePrecision": plain(spec.step),
            "quotePrecision": "0.00000001",
            "minOrderQty": plain(spec.min_qty),
            "maxOrderQty": plain(spec.max_qty),
            "minOrderAmt": plain(spec.min_notional),
            "maxOrderAmt": "2000000",
        },
        "priceFilter": {"tickSize": plain(spec.tick)},
        "riskParameters": {"limitParameter": "0.05", "marketParameter": "0.05"},
    }


def _max_leverage(cat: str, spec: SymbolSpec) -> str:
    if cat == "inverse":
        return "100.00"
    return f"{bybit_tiers(spec.symbol)[0].initial_leverage}.00"


def _contract_instrument(cat: str, spec: SymbolSpec) -> JSON:
    inverse = cat == "inverse"
    return {
        "symbol": bybit_symbol(cat, spec.symbol),
        "contractType": "InversePerpetual" if inverse else "LinearPerpetual",
        "status": "Trading",
        "baseCoin": spec.base,
        "quoteCoin": "USD" if inverse else spec.quote,
        "launchTime": str(spec.onboard_ms),
        "deliveryTime": "0",
        "deliveryFeeRate": "",
        "priceScale": str(spec.price_precision),
        "leverageFilter": {
            "minLeverage": "1",
            "maxLeverage": _max_leverage(cat, spec),
            "leverageStep": "0.01",
        },
        "priceFilter": {
            "minPrice": plain(spec.min_price),
            "maxPrice": plain(spec.max_price),
            "tickSize": plain(spec.tick),
        },
        "lotSizeFilter": _contract_lots(inverse, spec),
        "unifiedMarginTrade": True,
        "fundingInterval": _FUNDING_INTERVAL_MIN,
        "settleCoin": spec.margin_asset,
        "copyTrading": "both",
        "upperFundingRate": "0.00375",
        "lowerFundingRate": "-0.00375",
        "isPreListing": False,
        "preListingInfo": None,
        "riskParameters": dict(_PRICE_LIMITS),
    }


def _contract_lots(inverse: bool, spec: SymbolSpec) -> JSON:
    if inverse:  # Bybit's inverse quantity is USD, one contract = 1 USD
        return {
            "maxOrderQty": "1000000",
            "minOrderQty": "1",
            "qtyStep": "1",
            "postOnlyMaxOrderQty": "1000000",
            "maxMktOrderQty": "1000000",
        }
    return {
        "maxOrderQty": plain(spec.max_qty),
        "minOrderQty": plain(spec.min_qty),
        "qtyStep": plain(spec.step),
        "postOnlyMaxOrderQty": plain(spec.max_qty),
        "maxMktOrderQty": plain(spec.market_max_qty),
        "minNotionalValue": plain(spec.min_notional),
    }


def instrument_rows(engine: SimExchange, cat: str, symbol: str | None) -> list[JSON]:
    """/v5/market/instruments-info `list` of `cat` (one Bybit symbol, or all)."""
    market = engine_market(cat)
    rows = []
    for engine_id in tradable_symbols(engine, cat):
        spec = engine.spec(market, engine_id)
        row = _spot_instrument(spec) if cat == "spot" else _contract_instrument(cat, spec)
        if symbol is None or row["symbol"] == symbol:
            rows.append(row)
    return rows


def _size_unit(engine: SimExchange, cat: str, engine_id: str) -> Decimal:
    """Bybit's size of one engine unit: inverse quantities are USD (an engine COIN-M contract
    is `contract_size` USD); base quantities elsewhere."""
    if cat != "inverse":
        return Decimal(1)
    return engine.spec("coinm", engine_id).contract_size


def _pct(change: Decimal, base: Decimal) -> str:
    return plain((change / base).quantize(Decimal("0.000001"))) if base else "0"


def ticker_row(engine: SimExchange, cat: str, engine_id: str) -> JSON:
    """One /v5/market/tickers row (spot, or a perpetual with mark, index and funding)."""
    market = engine_market(cat)
    day = engine.ticker_24h(market, engine_id)
    (bid, bid_qty), (ask, ask_qty) = (level[0] for level in engine.book(market, engine_id, 1))
    last, prev = Decimal(day["lastPrice"]), Decimal(day["openPrice"])
    size = _size_unit(engine, cat, engine_id)
    row: JSON = {
        "symbol": bybit_symbol(cat, engine_id),
        "bid1Price": plain(bid),
        "bid1Size": plain(bid_qty * size),
        "ask1Price": plain(ask),
        "ask1Size": plain(ask_qty * size),
        "lastPrice": plain(last),
        "prevPrice24h": plain(prev),
        "price24hPcnt": _pct(last - prev, prev),
        "highPrice24h": plain(Decimal(day["highPrice"])),
        "lowPrice24h": plain(Decimal(day["lowPrice"])),
        "turnover24h": "0",
        "volume24h": "0",
    }
    if cat == "spot":
        return row | {"usdIndexPrice": plain(last)}
    return row | _perp_fields(engine, market, engine_id, prev)


def _perp_fields(engine: SimExchange, market: str, engine_id: str, prev: Decimal) -> JSON:
    premium = engine.premium_index(engine_id, market)
    return {
        "indexPrice": plain(engine.index_price(engine_id)),
        "markPrice": plain(engine.mark_price(engine_id)),
        "prevPrice1h": plain(prev),
        "openInterest": "0",
        "openInterestValue": "0",
        "fundingRate": plain(engine.funding_rate(engine_id)),
        "nextFundingTime": str(premium["nextFundingTime"]),
        "predictedDeliveryPrice": "",
        "basisRate": "",
        "deliveryFeeRate": "",
        "deliveryTime": "0",
        "basis": "",
        "preOpenPrice": "",
        "preQty": "",
        "curPreListingPhase": "",
    }


def orderbook(engine: SimExchange, cat: str, engine_id: str, limit: int) -> JSON:
    """/v5/market/orderbook result: `b` / `a` levels [price, size], best first."""
    market = engine_market(cat)
    size = _size_unit(engine, cat, engine_id)
    bids, asks = engine.book(market, engine_id, limit)
    now = engine.now_ms()
    return {
        "s": bybit_symbol(cat, engine_id),
        "b": [[plain(p), plain(q * size)] for p, q in bids[:limit]],
        "a": [[plain(p), plain(q * size)] for p, q in asks[:limit]],
        "ts": now,
        "u": engine.book_update_id(),
        "seq": engine.book_update_id(),
        "cts": now,
    }


def kline_rows(binance_rows: list[list[Any]]) -> list[list[str]]:
    """Binance kline rows → Bybit's [start, open, high, low, close, volume, turnover],
    newest first."""
    return [
        [str(r[0]), *(plain(Decimal(v)) for v in r[1:6]), plain(Decimal(r[7]))]
        for r in reversed(binance_rows)
    ]


def funding_rows(binance_rows: list[JSON], cat: str) -> list[JSON]:
    """Settled funding (Binance fundingRate rows) → Bybit's funding/history, newest first."""
    return [
        {
            "symbol": bybit_symbol(cat, r["symbol"]),
            "fundingRate": plain(Decimal(r["fundingRate"])),
            "fundingRateTimestamp": str(r["fundingTime"]),
        }
        for r in reversed(binance_rows)
    ]


def risk_limit_rows(symbol: str) -> list[JSON]:
    """/v5/market/risk-limit rows of a linear perpetual: Bybit's tiers (`bybit_risk_limits`)."""
    return [
        {
            "id": tier.number,
            "symbol": symbol,
            "riskLimitValue": str(int(tier.cap)),
            "maintenanceMargin": plain(tier.mmr),
            "initialMargin": plain(Decimal(1) / tier.initial_leverage),
            "isLowestRisk": 1 if tier.number == 1 else 0,
            "maxLeverage": f"{tier.initial_leverage}.00",
            "mmDeduction": plain(tier.cum),
        }
        for tier in bybit_tiers(symbol)
    ]
