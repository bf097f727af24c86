"""Instrument: what the hedge trades, and the holding turned into the instrument's units.

- linear perp: one contract = `contract_size` base units; a base that is `<N><asset>`
  (`1000PEPE/USDT:USDT` for PEPE spot) is sized in its own base (`exposure.parse_multiplier`);
- dated future (`future:`, linear or inverse, sized as its perpetual): its annualised basis
  is measured every cycle, and in its last hour (`CLOSE_BEFORE_MS`) the wanted short is 0, so
  the position is bought back (reduce-only) instead of going to delivery;
- inverse (COIN-M) perp: one contract = `contract_size` USD (BTCUSD 100, ETHUSD 10), so the
  contracts wanted are target_ratio × coins × mark / contract_size (5 BTC at 60,000 → 3,000
  BTCUSD contracts; the seeds' 1-USD contract → 300,000); the COIN-M wallet's coin counts as
  holding unless `count_margin: false` (`holding`); the wallet is one per account and coin,
  shared by all its contracts, so the config lets one hedge count it (`config.margin_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.domain.exposure import exposure_units, parse_multiplier
from bot.domain.hedge import HedgePolicy
from bot.domain.holding import Holding, Sources, holding_from
from bot.domain.model import AccountSnapshot, Market, MarketKind

__all__ = [
    "CLOSE_BEFORE_MS",
    "HedgeExposure",
    "annualised_basis",
    "closing_before_delivery",
    "counts_margin",
    "hedge_exposure",
    "multiplier_of",
]

ONE = Decimal(1)
YEAR_MS = 365 * 86_400_000
CLOSE_BEFORE_MS = 3_600_000  # a dated short is bought back in its last hour: never delivered


@dataclass(frozen=True, slots=True)
class HedgeExposure:
    """One hedge's holding (coins of the spot asset) and its exposure in instrument base
    units (`units` = coins / `multiplier`), what the planner compares the short with."""

    holding: Holding
    multiplier: Decimal
    units: Decimal


def counts_margin(policy: HedgePolicy, market: Market) -> bool:
    """Whether the COIN-M wallet's coin is part of the holding: `count_margin` as set, else
    true for an inverse instrument margined in the hedged coin."""
    inverse_in_coin = market.kind is MarketKind.INVERSE and market.settle == policy.spot_asset
    if policy.count_margin is None:
        return inverse_in_coin
    return policy.count_margin and inverse_in_coin


def multiplier_of(market: Market, asset: str) -> Decimal:
    """Units of `asset` per unit of the instrument's base (1000 for 1000PEPE against PEPE);
    1 for a base that is another asset (a proxy, scaled by beta)."""
    return parse_multiplier(market.base, asset) or ONE


def hedge_exposure(
    policy: HedgePolicy,
    market: Market,
    spot: AccountSnapshot,
    perp: AccountSnapshot,
    sources: Sources | None = None,
) -> HedgeExposure:
    """The holding from the spot wallet — or from `sources` when the hedge lists several
    (an exchange's spot wallet, a wallet account) — and the COIN-M wallet when it counts, and
    its exposure in the instrument's base units."""
    coinm = perp.coinm if counts_margin(policy, market) else None
    holding = holding_from(policy.spot_asset, sources or (("spot", spot.spot),), coinm)
    multiplier = multiplier_of(market, policy.spot_asset)
    return HedgeExposure(holding, multiplier, exposure_units(holding.coins, multiplier))


def annualised_basis(
    price: Decimal, index: Decimal | None, now_ms: int, expiry_ms: int | None
) -> Decimal | None:
    """(future − index) / index × year / time to expiry, a fraction per year (0.08 = 8 %/yr;
    negative in backwardation); None for a perpetual, without an index, or at expiry."""
    if expiry_ms is None or index is None or index <= 0 or expiry_ms <= now_ms:
        return None
    return (price - index) / index * Decimal(YEAR_MS) / Decimal(expiry_ms - now_ms)


def closing_before_delivery(market: Market, now_ms: int) -> bool:
    """Whether a dated `market` is in its last `CLOSE_BEFORE_MS` (or past its expiry)."""
    return market.expiry_ms is not None and now_ms >= market.expiry_ms - CLOSE_BEFORE_MS
