"""The real Binance USDⓈ-M perpetuals beyond the hand-kept core of `spec_tables`, and their
spot pairs, built from the generated table `listing_usdm` (scripts/sim_listing.py).

Perpetuals carry their recorded 2021-09-06 filters and precisions. Their spot pairs are not
in that recording: a spot pair takes its perpetual's tick (÷ the multiplier, at least
0.00000001) and step, a minimum quantity of one step, the perpetual's quantity ceilings
(× the multiplier) and Binance spot's 5 USDT NOTIONAL floor. A multiplied contract
(`1000SHIBUSDT`) is indexed on its coin's pair (`SHIBUSDT` × 1000). Brackets: the alt-coin
table of `spec_tables`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.sim.listing_usdm import PERPETUALS
from bot.sim.symbol_spec import SymbolSpec

__all__ = ["LISTED", "Listed", "parse_row"]

D = Decimal
_SPOT_MIN_TICK = D("0.00000001")
_MULTIPLIER_PREFIX = "1000"


@dataclass(frozen=True, slots=True)
class Listed:
    """One generated row: the perpetual, its spot pair and the pair's start price (USDT)."""

    perp: SymbolSpec
    spot: SymbolSpec
    start_price: Decimal


def _coin(base: str) -> tuple[str, Decimal]:
    """(spot coin, units of it per contract unit): 1000SHIB → (SHIB, 1000)."""
    rest = base.removeprefix(_MULTIPLIER_PREFIX)
    if rest != base and not rest[:1].isdigit():
        return rest, D(_MULTIPLIER_PREFIX)
    return base, D(1)


def _spot(perp: SymbolSpec, coin: str, multiplier: Decimal) -> SymbolSpec:
    tick = max(_SPOT_MIN_TICK, perp.tick.normalize() / multiplier)
    return SymbolSpec(
        "spot",
        f"{coin}USDT",
        coin,
        "USDT",
        tick,
        tick,
        D("1000000"),
        perp.step,
        perp.step,
        perp.max_qty * multiplier,
        perp.market_max_qty * multiplier,
        D("5"),
        8,
        8,
    )


def parse_row(row: str) -> Listed:
    """One `listing_usdm.PERPETUALS` row (see that module for its fields)."""
    symbol, price, onboard, *numbers = row.split()
    tick, min_price, max_price, step, min_qty, max_qty, market_max, notional = (
        D(n) for n in numbers[:8]
    )
    base = symbol.removesuffix("USDT")
    coin, multiplier = _coin(base)
    perp = SymbolSpec(
        "usdm",
        symbol,
        base,
        "USDT",
        tick,
        min_price,
        max_price,
        step,
        min_qty,
        max_qty,
        market_max,
        notional,
        int(numbers[8]),
        int(numbers[9]),
        index_symbol="" if multiplier == 1 else f"{coin}USDT",
        index_multiplier=multiplier,
        onboard_ms=int(onboard),
    )
    return Listed(perp, _spot(perp, coin, multiplier), D(price))


LISTED: tuple[Listed, ...] = tuple(parse_row(row) for row in PERPETUALS)
