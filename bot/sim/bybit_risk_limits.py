"""Bybit's maintenance-margin tiers ("risk limits") for the linear perpetuals it lists here.

Bybit publishes them on GET /v5/market/risk-limit: per tier a `riskLimitValue` (the position
value cap, USDT), a `maintenanceMargin` rate, an `initialMargin` rate (= 1 / maxLeverage) and
an `mmDeduction` (the same running deduction Binance calls `cum`, so `margin.build_brackets`
computes it). BTCUSDT's first tier is Bybit's lowest-risk tier (0.5 % MMR, 1 % IMR, 100x up to
2,000,000 USDT); the higher tiers, the ETHUSDT table and the alt-coin table follow Bybit's
layout of rising rates and falling leverage but are the simulator's round numbers, not a
recording. Position value, MM and the liquidation price come from `margin` with these tiers,
so a Bybit account is margined and liquidated by this table, not Binance's brackets.
"""

from __future__ import annotations

from bot.sim.errors import invalid_symbol
from bot.sim.margin import Bracket, build_brackets

__all__ = ["BYBIT_TIERS", "bybit_tiers"]

# (floor, riskLimitValue, maintenanceMargin rate, maxLeverage)
_MAJOR_BTC = (
    (0, 2_000_000, "0.005", 100),
    (2_000_000, 10_000_000, "0.01", 50),
    (10_000_000, 20_000_000, "0.015", 33),
    (20_000_000, 40_000_000, "0.02", 25),
    (40_000_000, 80_000_000, "0.025", 20),
)
_MAJOR_ETH = (
    (0, 1_000_000, "0.005", 100),
    (1_000_000, 5_000_000, "0.01", 50),
    (5_000_000, 10_000_000, "0.015", 33),
    (10_000_000, 20_000_000, "0.02", 25),
    (20_000_000, 40_000_000, "0.025", 20),
)
_ALT = (
    (0, 200_000, "0.01", 50),
    (200_000, 400_000, "0.015", 25),
    (400_000, 600_000, "0.02", 20),
    (600_000, 800_000, "0.025", 16),
    (800_000, 1_000_000, "0.03", 12),
)

BYBIT_TIERS: dict[str, tuple[Bracket, ...]] = {
    "BTCUSDT": build_brackets(_MAJOR_BTC),
    "ETHUSDT": build_brackets(_MAJOR_ETH),
    "SOLUSDT": build_brackets(_ALT),
    "XRPUSDT": build_brackets(_ALT),
    "1000PEPEUSDT": build_brackets(_ALT),
}


def bybit_tiers(symbol: str) -> tuple[Bracket, ...]:
    """Bybit's risk-limit tiers of a linear perpetual (SimError -1121 when not listed)."""
    if symbol not in BYBIT_TIERS:
        raise invalid_symbol()
    return BYBIT_TIERS[symbol]
