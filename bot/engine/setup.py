"""Per-symbol venue settings the hedge needs before it trades: margin mode, leverage, and the
maintenance-margin brackets the risk guard computes with. Done once per (account, symbol)
and again after a config reload changes them."""

from __future__ import annotations

from collections.abc import Mapping

import structlog

from bot.domain.hedge import HedgePolicy
from bot.exchange.errors import ExchangeError, TemporaryError

from .runtime import Legs, Runtime

__all__ = ["ensure_brackets", "ensure_setup"]

log = structlog.get_logger(__name__)


async def ensure_setup(
    rt: Runtime, legs: Mapping[str, Legs], policies: Mapping[str, HedgePolicy]
) -> None:
    """Set margin mode and leverage where not done yet. A venue refusal (e.g. margin mode
    cannot change while a position is open) is logged and not retried every cycle; a
    temporary failure is retried next cycle."""
    for name, legs_ in legs.items():
        policy = policies[name]
        key = (
            legs_.perp_account,
            f"{legs_.perp_symbol}|{policy.margin_mode.value}|{policy.leverage}",
        )
        if key in rt.setup_done:
            continue
        exchange = rt.exchanges[legs_.perp_account]
        try:
            await exchange.set_margin_mode(legs_.perp_symbol, policy.margin_mode)
            await exchange.set_leverage(legs_.perp_symbol, policy.leverage)
        except TemporaryError as exc:
            log.warning("setup.retry_later", hedge=name, detail=str(exc))
            continue
        except ExchangeError as exc:
            log.error(
                "setup.refused",
                hedge=name,
                symbol=legs_.perp_symbol,
                margin_mode=policy.margin_mode.value,
                leverage=policy.leverage,
                detail=str(exc),
            )
        rt.setup_done.add(key)


async def ensure_brackets(rt: Runtime, account: str, symbol: str) -> None:
    key = f"{account}:{symbol}"
    if key in rt.brackets:
        return
    try:
        rt.brackets[key] = await rt.exchanges[account].fetch_margin_brackets(symbol)
    except ExchangeError as exc:
        log.warning("setup.brackets_unavailable", symbol=symbol, detail=str(exc))
