"""Per-symbol venue settings the hedge needs before it trades: margin mode and leverage. Done
once per (account, symbol) and again after a config reload changes them. (The margin brackets
the risk guard computes with are read and refreshed in `brackets`.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import structlog

from bot.domain.hedge import HedgePolicy
from bot.exchange.errors import ExchangeError, TemporaryError
from bot.notify.catalogue import AlertKind, make_alert

from .concurrency import run_bounded
from .runtime import Legs, Runtime

__all__ = ["ensure_setup"]

log = structlog.get_logger(__name__)


async def ensure_setup(
    rt: Runtime, legs: Mapping[str, Legs], policies: Mapping[str, HedgePolicy]
) -> None:
    """Set margin mode and leverage where not done yet, each on its own: a venue refusal of
    one (e.g. margin mode cannot change while a position is open) still sets the other, is
    alerted once and not retried every cycle; a temporary failure is retried next cycle.
    Hedges are set up concurrently (at most `scale.act_concurrency` per account); one
    symbol's margin mode still goes before its leverage."""
    todo = []
    for name, leg in legs.items():
        policy = policies[name]
        key = (leg.perp_account, f"{leg.perp_symbol}|{policy.margin_mode.value}|{policy.leverage}")
        if key not in rt.setup_done:
            todo.append((name, leg, policy, key))
    await run_bounded(
        todo,
        key=lambda item: item[1].perp_account,
        limit=rt.settings.scale.act_concurrency,
        fn=lambda item: _set_up(rt, *item),
    )


async def _set_up(
    rt: Runtime, name: str, leg: Legs, policy: HedgePolicy, key: tuple[str, str]
) -> None:
    exchange = rt.exchanges[leg.perp_account]
    steps: tuple[tuple[str, Callable[[], Awaitable[None]]], ...] = (
        (
            f"margin mode {policy.margin_mode.value}",
            lambda: exchange.set_margin_mode(leg.perp_symbol, policy.margin_mode),
        ),
        (
            f"leverage {policy.leverage}x",
            lambda: exchange.set_leverage(leg.perp_symbol, policy.leverage),
        ),
    )
    retry = False
    for what, call in steps:
        try:
            await call()
        except TemporaryError as exc:
            log.warning("setup.retry_later", hedge=name, step=what, detail=str(exc))
            retry = True
        except ExchangeError as exc:
            log.error(
                "setup.refused", hedge=name, symbol=leg.perp_symbol, step=what, detail=str(exc)
            )
            detail = f"{leg.perp_symbol}: {what} refused ({exc})"
            rt.notifier.notify(make_alert(AlertKind.SETUP_REFUSED, name, detail))
    if not retry:
        rt.setup_done.add(key)
