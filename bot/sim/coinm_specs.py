"""The COIN-M (inverse, /dapi) instruments the simulator lists, with their coin brackets.

A COIN-M contract is worth `contract_size` USD (BTC 100, ETH 10), is margined and settled in
its base coin, and is quoted in USD against an index that the simulator takes from the
USDT spot price of the coin (USDT ≈ USD).

Sources:
- BTCUSD_PERP: Binance's /dapi/v1/exchangeInfo entry as recorded in public code on 2025-06-26
  (tick 0.1, min/max price 1000/4520958, step 1, min/max quantity 1/1000000, market max
  60000, pricePrecision 1, quantityPrecision 0, contractSize 100, onboardDate 1597042800000).
- ETHUSD_PERP and the quarterlies: the same layout with Binance's ETH tick 0.01 and
  contractSize 10; their price/quantity ceilings are BTC's pattern, not a recording.
- Coin brackets of BTCUSD (floor in BTC, maintMarginRatio): ccxt's static fixture
  `options.leverageBrackets["BTC/USD:BTC"]` (recorded from the venue); caps are the next
  floor (last: 3000 BTC), initial leverage follows the USDⓈ-M tiers, `cum` is Binance's
  maintenance-amount formula, in BTC. ETHUSD's table is not recorded: it is ETHUSDT's USDT
  table converted at 2,500 USD/ETH (floors 0, 40, 100, 800, ... ETH).
"""

from __future__ import annotations

from decimal import Decimal

from bot.sim.margin import Bracket, build_brackets
from bot.sim.symbol_spec import SymbolSpec

__all__ = ["COINM", "COINM_BRACKETS", "COINM_QUARTERLY"]

D = Decimal


def _coinm(
    pair: str, base: str, tick: str, contract_size: int, *, perp: bool, onboard_ms: int = 0
) -> SymbolSpec:
    return SymbolSpec(
        "coinm",
        f"{pair}_PERP" if perp else pair,
        base,
        "USD",
        D(tick),
        D("1000") if base == "BTC" else D("50"),
        D("4520958") if base == "BTC" else D("306177"),
        D("1"),
        D("1"),
        D("1000000"),
        D("60000"),
        D("0"),
        len(tick.split(".")[1]),
        0,
        contract_size=D(contract_size),
        margin_asset=base,
        pair=pair,
        index_symbol=f"{base}USDT",
        onboard_ms=onboard_ms,
    )


COINM: dict[str, SymbolSpec] = {
    s.symbol: s
    for s in (
        _coinm("BTCUSD", "BTC", "0.1", 100, perp=True, onboard_ms=1597042800000),
        _coinm("ETHUSD", "ETH", "0.01", 10, perp=True, onboard_ms=1597734000000),
    )
}

# Quarterly templates per pair: symbol and delivery are filled in per contract (`specs`).
COINM_QUARTERLY: dict[str, SymbolSpec] = {
    "BTCUSD": _coinm("BTCUSD", "BTC", "0.1", 100, perp=False),
    "ETHUSD": _coinm("ETHUSD", "ETH", "0.01", 10, perp=False),
}

_BTC_COIN_TIERS = (
    (0, 5, "0.004", 125),
    (5, 10, "0.005", 100),
    (10, 20, "0.01", 50),
    (20, 50, "0.025", 20),
    (50, 100, "0.05", 10),
    (100, 200, "0.1", 5),
    (200, 400, "0.125", 4),
    (400, 1000, "0.15", 3),
    (1000, 1500, "0.25", 2),
    (1500, 3000, "0.5", 1),
)
_ETH_COIN_TIERS = (
    (0, 40, "0.005", 100),
    (40, 100, "0.0065", 75),
    (100, 800, "0.01", 50),
    (800, 6000, "0.02", 25),
    (6000, 12000, "0.05", 10),
    (12000, 24000, "0.1", 5),
    (24000, 32000, "0.125", 4),
    (32000, 40000, "0.15", 3),
    (40000, 60000, "0.25", 2),
    (60000, 120000, "0.5", 1),
)

# By pair (perpetual and quarterlies share it); floors, caps and `cum` in the coin.
COINM_BRACKETS: dict[str, tuple[Bracket, ...]] = {
    "BTCUSD": build_brackets(_BTC_COIN_TIERS),
    "ETHUSD": build_brackets(_ETH_COIN_TIERS),
}
