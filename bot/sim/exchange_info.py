"""Binance-shaped exchangeInfo for the simulated spot, USDⓈ-M and COIN-M markets.

Field sets follow the real /api/v3/exchangeInfo, /fapi/v1/exchangeInfo (the complete 2021
recording in ../shared/exchange-fixtures, quarterlies included) and /dapi/v1/exchangeInfo
responses; the values come from `specs`. Futures listings are those of the simulated clock:
the perpetuals plus each pair's CURRENT_QUARTER and NEXT_QUARTER (`quarterlies`). Numbers
are printed in plain notation (0.0000001, never 1E-7).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim import quarterlies
from bot.sim.fmt import fixed, plain
from bot.sim.specs import SymbolSpec, get_spec, listed_symbols

__all__ = ["exchange_info"]

JSON = dict[str, Any]

_SPOT_ORDER_TYPES = [
    "LIMIT",
    "LIMIT_MAKER",
    "MARKET",
    "STOP_LOSS",
    "STOP_LOSS_LIMIT",
    "TAKE_PROFIT",
    "TAKE_PROFIT_LIMIT",
]
_USDM_ORDER_TYPES = [
    "LIMIT",
    "MARKET",
    "STOP",
    "STOP_MARKET",
    "TAKE_PROFIT",
    "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
]
_RATE_LIMITS = {
    "spot": [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
        {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 200000},
        {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000},
    ],
    "usdm": [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 2400},
        {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 300},
    ],
    "coinm": [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 2400},
        {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
    ],
}


def _text(value: Decimal) -> str:
    """Binance's futures filter numbers: as listed, never in exponent notation."""
    return f"{value:f}"


def _spot_symbol(s: SymbolSpec) -> JSON:
    return {
        "symbol": s.symbol,
        "status": "TRADING",
        "baseAsset": s.base,
        "baseAssetPrecision": 8,
        "quoteAsset": s.quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": _SPOT_ORDER_TYPES,
        "icebergAllowed": True,
        "ocoAllowed": True,
        "otoAllowed": True,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": True,
        "cancelReplaceAllowed": True,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": True,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": fixed(s.min_price, 8),
                "maxPrice": fixed(s.max_price, 8),
                "tickSize": fixed(s.tick, 8),
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": fixed(s.min_qty, 8),
                "maxQty": fixed(s.max_qty, 8),
                "stepSize": fixed(s.step, 8),
            },
            {"filterType": "ICEBERG_PARTS", "limit": 10},
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": fixed(0 * s.step, 8),
                "maxQty": fixed(s.market_max_qty, 8),
                "stepSize": fixed(0 * s.step, 8),
            },
            {
                "filterType": "TRAILING_DELTA",
                "minTrailingAboveDelta": 10,
                "maxTrailingAboveDelta": 2000,
                "minTrailingBelowDelta": 10,
                "maxTrailingBelowDelta": 2000,
            },
            {
                "filterType": "PERCENT_PRICE_BY_SIDE",
                "bidMultiplierUp": "5",
                "bidMultiplierDown": "0.2",
                "askMultiplierUp": "5",
                "askMultiplierDown": "0.2",
                "avgPriceMins": 5,
            },
            {
                "filterType": "NOTIONAL",
                "minNotional": fixed(s.min_notional, 8),
                "applyMinToMarket": True,
                "maxNotional": "9000000.00000000",
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5},
        ],
        "permissions": [],
        "permissionSets": [["SPOT", "MARGIN"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": [
            "EXPIRE_TAKER",
            "EXPIRE_MAKER",
            "EXPIRE_BOTH",
            "DECREMENT",
        ],
    }


def _futures_filters(s: SymbolSpec) -> list[JSON]:
    filters: list[JSON] = [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": _text(s.min_price),
            "maxPrice": _text(s.max_price),
            "tickSize": _text(s.tick),
        },
        {
            "filterType": "LOT_SIZE",
            "minQty": _text(s.min_qty),
            "maxQty": _text(s.max_qty),
            "stepSize": _text(s.step),
        },
        {
            "filterType": "MARKET_LOT_SIZE",
            "minQty": _text(s.min_qty),
            "maxQty": _text(s.market_max_qty),
            "stepSize": _text(s.step),
        },
        {"filterType": "MAX_NUM_ORDERS", "limit": 200},
        {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 20 if s.inverse else 10},
        {"filterType": "MIN_NOTIONAL", "notional": plain(s.min_notional)},
        {
            "filterType": "PERCENT_PRICE",
            "multiplierUp": "1.0500",
            "multiplierDown": "0.9500",
            "multiplierDecimal": "4",
        },
    ]
    return [f for f in filters if not (s.inverse and f["filterType"] == "MIN_NOTIONAL")]


def _contract_type(s: SymbolSpec, now_ms: int) -> str:
    if s.delivery_ms is None:
        return "PERPETUAL"
    return quarterlies.contract_type(s.delivery_ms, now_ms) or "CURRENT_QUARTER"


def _futures_symbol(s: SymbolSpec, now_ms: int) -> JSON:
    out: JSON = {
        "symbol": s.symbol,
        "pair": s.pair_id,
        "contractType": _contract_type(s, now_ms),
        "deliveryDate": s.delivery_date,
        "onboardDate": s.onboard_ms,
        "status": "TRADING",
        "maintMarginPercent": "2.5000",
        "requiredMarginPercent": "5.0000",
        "baseAsset": s.base,
        "quoteAsset": s.quote,
        "marginAsset": s.margin_asset,
        "pricePrecision": s.price_precision,
        "quantityPrecision": s.qty_precision,
        "baseAssetPrecision": 8,
        "quotePrecision": 8,
        "underlyingType": "COIN",
        "underlyingSubType": ["PoW"] if s.base == "BTC" else ["Layer-1"],
        "triggerProtect": "0.0500",
        "liquidationFee": "0.015000" if s.inverse else "0.012500",
        "marketTakeBound": "0.05",
        "maxMoveOrderLimit": 10000,
        "filters": _futures_filters(s),
        "orderTypes": _USDM_ORDER_TYPES,
        "timeInForce": ["GTC", "IOC", "FOK", "GTX"] + ([] if s.inverse else ["GTD"]),
    }
    if s.inverse:  # /dapi: contractStatus instead of status, the contract's USD size
        del out["status"]
        out |= {"contractStatus": "TRADING", "contractSize": int(s.contract_size)}
        out["equalQtyPrecision"] = 4
    else:
        out |= {"settlePlan": 0, "permissionSets": ["GRID", "COPY"]}
    return out


def exchange_info(market: str, server_time_ms: int) -> JSON:
    """The whole exchangeInfo document of `market` ("spot" | "usdm" | "coinm") at the
    simulated time `server_time_ms` (which decides the quarterlies listed)."""
    specs = [get_spec(market, sym) for sym in listed_symbols(market, server_time_ms)]
    out: JSON = {
        "timezone": "UTC",
        "serverTime": server_time_ms,
        "rateLimits": _RATE_LIMITS[market],
        "exchangeFilters": [],
    }
    if market == "spot":
        return out | {"symbols": [_spot_symbol(s) for s in specs]}
    if market == "usdm":
        out["futuresType"] = "U_MARGINED"
        out["assets"] = [{"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}]
    return out | {"symbols": [_futures_symbol(s, server_time_ms) for s in specs]}
