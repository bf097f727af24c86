"""Beta estimate for proxy hedges: the OLS slope of the holding's log returns on the hedge
instrument's log returns, with its R² and sample count, and the rule that keeps the last beta
when the estimate is not trustworthy.

Inputs are candles of the two markets (`open_ms` epoch ms, closes quote per base); only
intervals both series have are used, in time order. Returns are per interval, unitless.
beta = cov(h, i) / var(i); R² = cov² / (var(h) × var(i)), 0–1. An estimate with fewer than
`min_samples` returns, a flat instrument, or R² below `min_r2` is refused with a reason; the
hedge then keeps its last beta and alerts. A usable slope is clamped to [`low`, `high`].
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from bot.domain.candles import Candle

__all__ = ["BetaChoice", "BetaEstimate", "choose_beta", "estimate_beta", "log_returns"]

ZERO = Decimal(0)
MIN_SAMPLES = 20
PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class BetaEstimate:
    """An OLS fit: `slope` (None when there was nothing to fit), `r2` 0–1, `samples` returns."""

    slope: Decimal | None
    r2: Decimal
    samples: int


@dataclass(frozen=True, slots=True)
class BetaChoice:
    """The beta a hedge uses this cycle and why: `alert` is set when the last beta was kept."""

    beta: Decimal
    reason: str
    alert: str = ""


def _closes_by_time(candles: Iterable[Candle]) -> dict[int, Decimal]:
    return {c.open_ms: c.close for c in candles if c.close > 0}


def log_returns(closes: Sequence[Decimal]) -> list[Decimal]:
    """ln(close[k] / close[k−1]) for consecutive closes (all positive)."""
    return [(b / a).ln() for a, b in pairwise(closes)]


def _paired_returns(
    holding: Iterable[Candle], instrument: Iterable[Candle]
) -> tuple[list[Decimal], list[Decimal]]:
    h, i = _closes_by_time(holding), _closes_by_time(instrument)
    common = sorted(set(h) & set(i))
    return log_returns([h[t] for t in common]), log_returns([i[t] for t in common])


def _centred(values: list[Decimal]) -> list[Decimal]:
    mean = sum(values, ZERO) / len(values)
    return [v - mean for v in values]


def estimate_beta(holding: Iterable[Candle], instrument: Iterable[Candle]) -> BetaEstimate:
    """OLS slope of the holding's log returns on the instrument's (see the module docstring)."""
    y, x = _paired_returns(holding, instrument)
    if len(x) < 2:
        return BetaEstimate(None, ZERO, len(x))
    dx, dy = _centred(x), _centred(y)
    var_x = sum((v * v for v in dx), ZERO)
    var_y = sum((v * v for v in dy), ZERO)
    if var_x == 0:
        return BetaEstimate(None, ZERO, len(x))
    cov = sum((a * b for a, b in zip(dx, dy, strict=True)), ZERO)
    r2 = cov * cov / (var_x * var_y) if var_y > 0 else ZERO
    return BetaEstimate((cov / var_x).quantize(PLACES), r2.quantize(PLACES), len(x))


def _refusal(fit: BetaEstimate, min_r2: Decimal, min_samples: int) -> str:
    if fit.samples < min_samples:
        return f"too little data: {fit.samples} returns, {min_samples} needed"
    if fit.slope is None:
        return f"the instrument's price did not move over {fit.samples} returns"
    if fit.r2 < min_r2:
        return f"R² {fit.r2} below min_r2 {min_r2} (n={fit.samples})"
    return ""


def choose_beta(
    fit: BetaEstimate,
    last: Decimal,
    *,
    low: Decimal,
    high: Decimal,
    min_r2: Decimal = Decimal("0.3"),
    min_samples: int = MIN_SAMPLES,
) -> BetaChoice:
    """The estimate clamped to [low, high] when trustworthy, else `last` with an alert."""
    refused = _refusal(fit, min_r2, min_samples)
    if refused or fit.slope is None:
        return BetaChoice(last, f"beta {last} kept: {refused}", alert=refused)
    beta = min(max(fit.slope, low), high)
    clamped = "" if beta == fit.slope else f", clamped from {fit.slope}"
    return BetaChoice(beta, f"beta {beta} estimated (R² {fit.r2}, n={fit.samples}{clamped})")
