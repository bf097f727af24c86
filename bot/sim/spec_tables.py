"""The spot and USDⓈ-M instruments the simulator lists, with Binance's filters and brackets.

Sources:
- Spot BTC/ETH/SOL/XRP and the USDⓈ-M perpetuals: Binance's live exchangeInfo values for these
  symbols (2024-2025).
- `PEPEUSDT` spot: tick 0.00000001 (as Binance lists it; also seen in public code recording
  /api/v3/exchangeInfo), step 1, min quantity 1, min notional 5 USDT (Binance's NOTIONAL floor
  of its USDT pairs); the maximum quantities are Binance's order of magnitude, not a recording.
- `1000PEPEUSDT` perpetual: tick 0.0000001, step 1, min quantity 1, min notional 5 (Binance's
  listing; price/quantity ceilings approximate). One contract unit is 1,000 PEPE, its index is
  1,000 × the PEPEUSDT spot price.
- USDⓈ-M quarterlies (`BTCUSDT_yymmdd`, `ETHUSDT_yymmdd`): the filters Binance recorded for
  BTCUSDT_210924 / ETHUSDT_210924 in the complete 2021-09-06 exchangeInfo
  (../shared/exchange-fixtures/binanceusdm.exchangeInfo.2021-09-06.json).
- Brackets (floor, maintMarginRatio): ccxt's static fixture `options.leverageBrackets`
  (BTC/ETH/LTC/ADA, recorded from the venue; the LTC/ADA alt-coin table serves SOL, XRP,
  1000PEPE and every perpetual of `listing`); quarterlies use their pair's perpetual table.
- Every other perpetual and its spot pair: the generated 2021-09-06 listing (`listing`),
  after the core above, in the recording's order.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bot.sim.listing import LISTED
from bot.sim.margin import Bracket, build_brackets
from bot.sim.symbol_spec import SymbolSpec

__all__ = ["CORE_SPOT", "CORE_USDM", "SPOT", "USDM", "USDM_BRACKETS", "USDM_QUARTERLY"]

D = Decimal


def _spot(symbol: str, base: str, tick: str, step: str, max_qty: str, mkt_max: str) -> SymbolSpec:
    return SymbolSpec(
        "spot",
        symbol,
        base,
        "USDT",
        D(tick),
        D(tick),
        D("1000000"),
        D(step),
        D(step),
        D(max_qty),
        D(mkt_max),
        D("5"),
        8,
        8,
    )


def _usdm(
    symbol: str,
    base: str,
    prices: tuple[str, str, str],
    lots: tuple[str, str, str, str],
    min_notional: str,
    precisions: tuple[int, int],
) -> SymbolSpec:
    tick, min_price, max_price = prices
    step, min_qty, max_qty, mkt_max = lots
    return SymbolSpec(
        "usdm",
        symbol,
        base,
        "USDT",
        D(tick),
        D(min_price),
        D(max_price),
        D(step),
        D(min_qty),
        D(max_qty),
        D(mkt_max),
        D(min_notional),
        precisions[0],
        precisions[1],
    )


_PEPE_SPOT = SymbolSpec(
    "spot",
    "PEPEUSDT",
    "PEPE",
    "USDT",
    D("0.00000001"),
    D("0.00000001"),
    D("1"),
    D("1"),
    D("1"),
    D("92141578683"),
    D("5000000000"),
    D("5"),
    8,
    8,
)

# The hand-kept markets many tests rely on, exactly as they were before the listing grew.
CORE_SPOT: dict[str, SymbolSpec] = {
    s.symbol: s
    for s in (
        _spot("BTCUSDT", "BTC", "0.01", "0.00001", "9000", "85.84339916"),
        _spot("ETHUSDT", "ETH", "0.01", "0.0001", "9000", "1810.55357519"),
        _spot("SOLUSDT", "SOL", "0.01", "0.001", "9000000", "28410.41283113"),
        _spot("XRPUSDT", "XRP", "0.0001", "0.1", "9222449", "2574833.36865183"),
        _PEPE_SPOT,
    )
}

_BTC = _usdm(
    "BTCUSDT",
    "BTC",
    ("0.10", "556.80", "4529764"),
    ("0.001", "0.001", "1000", "120"),
    "100",
    (2, 3),
)
_ETH = _usdm(
    "ETHUSDT", "ETH", ("0.01", "39.86", "306177"), ("0.001", "0.001", "10000", "2000"), "20", (2, 3)
)
_SOL = _usdm(
    "SOLUSDT", "SOL", ("0.0100", "0.4200", "6857"), ("1", "1", "1000000", "5000"), "5", (4, 0)
)
_XRP = _usdm(
    "XRPUSDT",
    "XRP",
    ("0.0001", "0.0143", "100000"),
    ("0.1", "0.1", "10000000", "2000000"),
    "5",
    (4, 1),
)
_PEPE = _usdm(
    "1000PEPEUSDT",
    "1000PEPE",
    ("0.0000001", "0.0000010", "200"),
    ("1", "1", "80000000", "20000000"),
    "5",
    (7, 0),
)

CORE_USDM: dict[str, SymbolSpec] = {
    s.symbol: s
    for s in (
        _BTC,
        _ETH,
        _SOL,
        _XRP,
        replace(_PEPE, index_symbol="PEPEUSDT", index_multiplier=D(1000), onboard_ms=1683273600000),
    )
}

SPOT: dict[str, SymbolSpec] = CORE_SPOT | {row.spot.symbol: row.spot for row in LISTED}
USDM: dict[str, SymbolSpec] = CORE_USDM | {row.perp.symbol: row.perp for row in LISTED}

# Quarterly templates per pair: symbol and delivery are filled in per contract (`specs`).
USDM_QUARTERLY: dict[str, SymbolSpec] = {
    "BTCUSDT": _usdm(
        "BTCUSDT", "BTC", ("0.1", "576.3", "4568209"), ("0.001", "0.001", "500", "15"), "5", (1, 3)
    ),
    "ETHUSDT": _usdm(
        "ETHUSDT",
        "ETH",
        ("0.01", "41.10", "308847"),
        ("0.001", "0.001", "10000", "150"),
        "5",
        (2, 3),
    ),
}

_BTC_TIERS = (
    (0, 50_000, "0.004", 125),
    (50_000, 250_000, "0.005", 100),
    (250_000, 3_000_000, "0.01", 50),
    (3_000_000, 20_000_000, "0.025", 20),
    (20_000_000, 40_000_000, "0.05", 10),
    (40_000_000, 100_000_000, "0.1", 5),
    (100_000_000, 120_000_000, "0.125", 4),
    (120_000_000, 200_000_000, "0.15", 3),
    (200_000_000, 300_000_000, "0.25", 2),
    (300_000_000, 500_000_000, "0.5", 1),
)
_ETH_TIERS = (
    (0, 100_000, "0.005", 100),
    (100_000, 250_000, "0.0065", 75),
    (250_000, 2_000_000, "0.01", 50),
    (2_000_000, 15_000_000, "0.02", 25),
    (15_000_000, 30_000_000, "0.05", 10),
    (30_000_000, 60_000_000, "0.1", 5),
    (60_000_000, 80_000_000, "0.125", 4),
    (80_000_000, 100_000_000, "0.15", 3),
    (100_000_000, 150_000_000, "0.25", 2),
    (150_000_000, 300_000_000, "0.5", 1),
)
_ALT_TIERS = (
    (0, 10_000, "0.0065", 75),
    (10_000, 50_000, "0.01", 50),
    (50_000, 250_000, "0.02", 25),
    (250_000, 1_000_000, "0.05", 10),
    (1_000_000, 2_000_000, "0.1", 5),
    (2_000_000, 5_000_000, "0.125", 4),
    (5_000_000, 10_000_000, "0.15", 3),
    (10_000_000, 20_000_000, "0.25", 2),
)

# By pair (a quarterly uses its pair's table); notionals in USDT.
USDM_BRACKETS: dict[str, tuple[Bracket, ...]] = {
    "BTCUSDT": build_brackets(_BTC_TIERS),
    "ETHUSDT": build_brackets(_ETH_TIERS),
    "SOLUSDT": build_brackets(_ALT_TIERS),
    "XRPUSDT": build_brackets(_ALT_TIERS),
    "1000PEPEUSDT": build_brackets(_ALT_TIERS),
} | dict.fromkeys((row.perp.symbol for row in LISTED), build_brackets(_ALT_TIERS))
