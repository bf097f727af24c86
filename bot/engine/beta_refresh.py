"""Estimated betas in the shell: read both legs' candles, fit, remember, alert.

For each hedge with `beta: {estimate: ols, ...}` the OLS beta is fitted at the daemon's start
(the first cycle) and again every `refresh_hours`: the holding's own spot market (SOL/USDT on
the priced account) and the hedge instrument (the perp on its account), the latest
`lookback_days` of `interval` candles each, fitted by `domain.beta.estimate_beta` and moved
into the hedge's memory by `domain.beta_memory.next_beta` (journaled with the memory, so a
restart keeps it). A fit that is refused keeps the last beta and alerts `beta_unreliable`
once; a read that fails is logged and retried after `RETRY_MS`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace

import structlog

from bot.config import HedgeSettings
from bot.config.beta import BetaEstimateSettings
from bot.domain.beta import BetaEstimate, estimate_beta
from bot.domain.beta_memory import BetaLimits, describe_beta, next_beta
from bot.domain.memory import HedgeLegs
from bot.exchange.errors import ExchangeError
from bot.exchange.port import Exchange
from bot.notify.catalogue import AlertKind, make_alert

from .gather import proxy_quote_symbol
from .runtime import Runtime

__all__ = ["RETRY_MS", "fit_beta", "limits_of", "refresh_betas"]

log = structlog.get_logger(__name__)
RETRY_MS = 300_000  # a failed candle read is tried again after 5 minutes


def limits_of(estimate: BetaEstimateSettings) -> BetaLimits:
    return BetaLimits(estimate.min, estimate.max, estimate.min_r2)


def _due(rt: Runtime, name: str, estimate: BetaEstimateSettings, now_ms: int) -> bool:
    checked = rt.beta_checked.get(name)
    return checked is None or now_ms - checked >= estimate.refresh_ms


async def fit_beta(
    exchanges: Mapping[str, Exchange], legs: HedgeLegs, estimate: BetaEstimateSettings
) -> BetaEstimate:
    """Both legs' latest candles, fitted (the holding's spot market on the priced account).
    Raises ExchangeError when either read fails."""
    holding = proxy_quote_symbol(legs.spot_asset, legs.perp_symbol)
    if holding is None:  # the config refuses an estimate on a same-asset hedge
        raise ValueError(f"{legs.spot_asset} and {legs.perp_symbol} are the same coin")
    limit = estimate.candles
    spot, perp = exchanges[legs.spot_account], exchanges[legs.perp_account]
    held, hedged = await asyncio.gather(
        spot.fetch_candles(holding, estimate.interval, limit=limit),
        perp.fetch_candles(legs.perp_symbol, estimate.interval, limit=limit),
    )
    return estimate_beta(held, hedged)


async def _refresh(rt: Runtime, name: str, hedge: HedgeSettings, now_ms: int) -> None:
    estimate = hedge.beta_estimate
    assert estimate is not None  # the caller picks estimated hedges
    legs = rt.legs[name]
    try:
        fit = await fit_beta(rt.exchanges, legs, estimate)
    except ExchangeError as exc:
        log.warning("beta.read_failed", hedge=name, detail=str(exc))
        rt.beta_checked[name] = now_ms - estimate.refresh_ms + RETRY_MS
        return
    rt.beta_checked[name] = now_ms
    memory = rt.memory.get(name)
    if memory is None or memory.legs != legs:  # a reload moved the hedge meanwhile
        return
    step = next_beta(memory.beta, fit, limits_of(estimate), now_ms)
    rt.memory[name] = replace(memory, beta=step.memory)
    log.info("beta.estimated", hedge=name, beta=describe_beta(step.memory))
    if step.alert:
        rt.notifier.notify(make_alert(AlertKind.BETA_UNRELIABLE, name, step.alert))


async def refresh_betas(rt: Runtime) -> None:
    """Fit every estimated beta that is due (see the module docstring); needs the hedges'
    memories in `rt.memory` (`inputs.ensure_memories`)."""
    now = rt.now_ms()
    for name, hedge in rt.settings.hedges.items():
        estimate = hedge.beta_estimate
        if estimate is not None and _due(rt, name, estimate, now):
            await _refresh(rt, name, hedge, now)
