"""`hedgebot check` for an estimated beta: fit it now from both legs' candles, as the daemon
will at start, and say what it would use (or why it would not grow)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.config import HedgeSettings
from bot.domain.beta_memory import describe_beta, next_beta
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeLegs
from bot.exchange.errors import ExchangeError
from bot.exchange.port import Exchange

from .beta_refresh import fit_beta, limits_of
from .check import Level, Line

__all__ = ["beta_line"]

POOR_FIT = "widen lookback_days, use another interval, lower min_r2, or set a fixed beta"


async def beta_line(
    exchanges: Mapping[str, Exchange], hedge: HedgeSettings, legs: HedgeLegs, policy: HedgePolicy
) -> tuple[Line, HedgePolicy]:
    """The check line for `hedge`'s estimated beta and the policy sized with it (unchanged
    when the fit is refused or the candles cannot be read)."""
    estimate = hedge.beta_estimate
    assert estimate is not None  # only estimated hedges are checked here
    where = f"hedges.{policy.name}.beta"
    try:
        fit = await fit_beta(exchanges, legs, estimate)
    except ExchangeError as exc:
        return Line(Level.FAIL, f"{where}: candles could not be read: {exc}", POOR_FIT), policy
    fitted = next_beta(None, fit, limits_of(estimate), 0).memory
    over = f"{estimate.lookback_days} days of {estimate.interval} candles"
    if fitted.beta is None:
        text = f"{where}: fit refused over {over}: {fitted.refused} (the hedge will not grow)"
        return Line(Level.WARN, text, POOR_FIT), policy
    line = Line(Level.OK, f"{where}: {describe_beta(fitted)} over {over}")
    return line, replace(policy, beta=fitted.beta)
