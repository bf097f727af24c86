"""Before the first cycle: journal the config version, restore operator pauses."""

from __future__ import annotations

import structlog

from bot.config import config_fingerprint, redacted_dump

from .runtime import Runtime

__all__ = ["prepare"]

log = structlog.get_logger(__name__)


async def prepare(rt: Runtime) -> None:
    settings = rt.settings
    rt.journal.record_config(config_fingerprint(settings), redacted_dump(settings))
    paused = rt.journal.paused_hedges(list(settings.hedges))
    rt.state.restore_pauses(paused)
    if paused:
        log.warning("daemon.pauses_restored", hedges=sorted(paused))
    for exchange in rt.exchanges.values():
        await exchange.load_markets()
