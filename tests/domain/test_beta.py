"""The pure beta estimator: OLS slope of the holding's log returns on the instrument's, its R²
and sample count, and the rule keeping the last beta when the fit is not trustworthy.
Closes in USDT; `open_ms` hourly; returns unitless."""

from __future__ import annotations

import math
from decimal import Decimal as D

import pytest

from bot.domain.beta import BetaEstimate, choose_beta, estimate_beta
from bot.domain.candles import Candle

HOUR = 3_600_000


def _candles(closes: list[float], start: int = 0) -> list[Candle]:
    return [
        Candle(start + k * HOUR, D(str(c)), D(str(c)), D(str(c)), D(str(c)))
        for k, c in enumerate(closes)
    ]


def _path(n: int, beta: float, noise: float = 0.0) -> tuple[list[float], list[float]]:
    """An instrument path with alternating-size moves and a holding moving `beta` times it in
    log terms, plus an alternating `noise` that is uncorrelated with the instrument's moves."""
    inst, hold = [3000.0], [150.0]
    for k in range(n):
        r = 0.01 * (1 + k % 3) * (1 if k % 2 else -1)
        wobble = noise * (1 if (k // 2) % 2 else -1)
        inst.append(inst[-1] * math.exp(r))
        hold.append(hold[-1] * math.exp(beta * r + wobble))
    return hold, inst


@pytest.mark.parametrize("beta", [0.5, 1.0, 1.2, 2.5])
def test_an_exact_linear_relation_recovers_beta_with_r2_one(beta: float) -> None:
    """Holding log returns exactly β × the instrument's: slope β, R² 1, n = candles − 1."""
    hold, inst = _path(30, beta)
    fit = estimate_beta(_candles(hold), _candles(inst))
    assert fit.slope == D(str(beta)).quantize(D("0.0001"))
    assert fit.r2 == 1 and fit.samples == 30


def test_only_intervals_both_markets_have_are_paired() -> None:
    """A holding series missing the instrument's first candles is fitted on the overlap only."""
    hold, inst = _path(30, 1.2)
    fit = estimate_beta(_candles(hold)[5:], _candles(inst))
    assert fit.samples == 25 and fit.slope == D("1.2")


def test_a_flat_instrument_has_no_slope() -> None:
    """An instrument whose price never moved cannot explain anything: no slope."""
    hold, _ = _path(30, 1.0)
    fit = estimate_beta(_candles(hold), _candles([3000.0] * 31))
    assert fit.slope is None and fit.samples == 30


def test_noise_lowers_r2() -> None:
    """Uncorrelated wobble on the holding leaves the fit below R² 1."""
    hold, inst = _path(40, 1.0, noise=0.02)
    fit = estimate_beta(_candles(hold), _candles(inst))
    assert fit.r2 < D("0.9")


LAST = D("1.1")


@pytest.mark.parametrize(
    ("fit", "beta", "alert"),
    [
        (BetaEstimate(D("1.3"), D("0.8"), 100), D("1.3"), ""),
        (BetaEstimate(D("5"), D("0.8"), 100), D("3"), ""),  # clamped to max
        (BetaEstimate(D("0.05"), D("0.8"), 100), D("0.2"), ""),  # clamped to min
        (BetaEstimate(D("1.3"), D("0.1"), 100), LAST, "R² 0.1 below min_r2 0.3 (n=100)"),
        (BetaEstimate(D("1.3"), D("0.9"), 5), LAST, "too little data: 5 returns, 20 needed"),
        (
            BetaEstimate(None, D("0"), 50),
            LAST,
            "the instrument's price did not move over 50 returns",
        ),
    ],
)
def test_choose_beta_uses_a_good_fit_and_keeps_the_last_otherwise(
    fit: BetaEstimate, beta: D, alert: str
) -> None:
    """A good fit is used (within [min, max]); a refused one keeps the last beta and alerts."""
    chosen = choose_beta(fit, LAST, low=D("0.2"), high=D("3"))
    assert chosen.beta == beta and chosen.alert == alert


def test_the_reason_shows_r2_and_sample_count() -> None:
    """Status shows the beta with its R² and n."""
    chosen = choose_beta(BetaEstimate(D("1.3"), D("0.8"), 720), LAST, low=D("0.2"), high=D("3"))
    assert chosen.reason == "beta 1.3 estimated (R² 0.8, n=720)"
