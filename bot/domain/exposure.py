"""Exposure: a holding expressed in BASE UNITS OF THE HEDGE INSTRUMENT, what `measure`
compares the short with.

Same asset, possibly with a multiplier: Binance lists perps whose base is a multiple of the
spot asset (`1000PEPE`: one unit = 1,000 PEPE; `1MBABYDOGE`: 1,000,000 BABYDOGE). The
multiplier is read from the base's name against the holding asset (`parse_multiplier`), no
list: exposure = coins / multiplier, so 10,000,000 PEPE is 10,000 units of 1000PEPE. A base
that is another asset altogether (a proxy hedge) has multiplier 1 and is scaled by `beta`
as before.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["exposure_units", "parse_multiplier"]

ONE = Decimal(1)
_SCALE = {"": 1, "K": 1_000, "M": 1_000_000}
_PREFIX = re.compile(r"^(\d+)([KM]?)$")


def parse_multiplier(base: str, asset: str) -> Decimal | None:
    """How many `asset` one unit of `base` stands for: 1 when they are the same asset,
    N for `<N><asset>` (`1000PEPE`, `1000000MOG`), N × 1,000 / 1,000,000 for `<N>K<asset>` /
    `<N>M<asset>` (`1MBABYDOGE`), None when `base` is another asset (not a multiple)."""
    base, asset = base.upper(), asset.upper()
    if base == asset:
        return ONE
    if not asset or not base.endswith(asset):
        return None
    found = _PREFIX.match(base[: -len(asset)])
    if found is None:
        return None
    count = int(found.group(1)) * _SCALE[found.group(2)]
    return Decimal(count) if count > 0 else None


def exposure_units(coins: Decimal, multiplier: Decimal) -> Decimal:
    """Instrument base units for `coins` of the holding asset: coins / multiplier."""
    if multiplier <= 0:
        raise ValueError(f"multiplier must be positive, got {multiplier}")
    return coins / multiplier
