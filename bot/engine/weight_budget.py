"""The venue's request-weight budget, per account: what its last responses said was used this
minute (`Exchange.used_weight`), exported as `hedgebot_used_weight{account}`, and whether so
little is left (`scale.weight_headroom` of `scale.weight_limit_1m`) that reads which can wait
are deferred this cycle. Risk actions are never held back (see `bot/exchange/urgent.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import structlog

from bot.config.scale import ScaleSettings

from .fill_reads import FillWatch

if TYPE_CHECKING:
    from .runtime import Runtime

__all__ = ["FUTURES_APIS", "ScaleState", "futures_weight", "is_tight", "note_weights"]

log = structlog.get_logger(__name__)
FUTURES_APIS = ("usdm", "coinm")  # each has its own 2,400-per-minute budget on Binance


@dataclass
class ScaleState:
    """What the daemon keeps between cycles for reading at scale: the fills watch and the
    accounts whose weight is tight this cycle."""

    fills: FillWatch = field(default_factory=FillWatch)
    tight: set[str] = field(default_factory=set)


def futures_weight(by_api: Mapping[str, int]) -> int | None:
    """The highest used weight among the futures APIs (None when none was reported)."""
    found = [by_api[a] for a in FUTURES_APIS if a in by_api]
    return max(found, default=None)


def is_tight(used: int | None, scale: ScaleSettings) -> bool:
    """Less than `weight_headroom` of the minute's budget left (unknown: not tight)."""
    return used is not None and scale.weight_limit_1m - used < scale.weight_headroom


def note_weights(rt: Runtime) -> set[str]:
    """Export each account's used weight and return (and keep) the tight accounts."""
    tight: set[str] = set()
    for account, exchange in rt.exchanges.items():
        used = futures_weight(exchange.used_weight())
        rt.metrics.set_used_weight(account, used)
        if is_tight(used, rt.settings.scale):
            tight.add(account)
            if account not in rt.scale.tight:
                log.warning("rate.weight_tight", account=account, used=used)
    rt.scale.tight = tight
    return tight
