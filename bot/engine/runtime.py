"""Wiring: settings → the things a running daemon holds (exchanges, journal, notifier, metrics,
state, the embedded simulator when asked for). The one place that builds dependencies; jobs
and commands receive a `Runtime` and never construct their own.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog

from bot.api.metrics import Metrics
from bot.config import Settings, secret_values
from bot.domain.hedge import HedgePolicy
from bot.domain.liquidation import MarginBracket
from bot.exchange.factory import build_exchange
from bot.exchange.port import Exchange
from bot.exchange.retry import CircuitBreaker
from bot.logs import register_secret
from bot.notify.alerts import Notifier
from bot.store import Journal

from .state import RuntimeState

__all__ = ["Legs", "Runtime", "build_exchanges", "hedge_legs", "open_runtime"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Legs:
    """Where a hedge's two legs live."""

    spot_account: str
    spot_asset: str
    perp_account: str
    perp_symbol: str


def hedge_legs(settings: Settings) -> dict[str, Legs]:
    return {
        name: Legs(h.spot.account, h.spot.asset, h.perp.account, h.perp.symbol)
        for name, h in settings.hedges.items()
    }


@dataclass
class Runtime:
    """Everything the jobs share. `settings` is swapped whole on a reload, between cycles."""

    settings: Settings
    exchanges: dict[str, Exchange]
    journal: Journal
    notifier: Notifier
    metrics: Metrics
    state: RuntimeState
    sim: Any = None  # bot.sim.server.RunningSim when the embedded simulator runs
    brackets: dict[str, tuple[MarginBracket, ...]] = field(default_factory=dict)
    trusted: dict[str, tuple[Any, int]] = field(default_factory=dict)  # hedge → (contracts, ms)
    fill_cursor: dict[tuple[str, str], int] = field(default_factory=dict)  # (account, symbol)
    setup_done: set[tuple[str, str]] = field(default_factory=set)  # (account, symbol) configured
    suspect: dict[str, tuple[Any, int]] = field(default_factory=dict)  # hedge → (contracts, seen)
    rejections: dict[str, int] = field(default_factory=dict)  # hedge → rejections in a row
    rebaseline: set[str] = field(default_factory=set)  # hedges whose next reading is accepted
    risk_hold: set[str] = field(default_factory=set)  # hedges whose increases the guard holds
    venue_ms: dict[str, int] = field(default_factory=dict)  # account → newest venue-clock stamp

    @property
    def policies(self) -> Mapping[str, HedgePolicy]:
        return self.settings.hedge_policies()

    @property
    def legs(self) -> dict[str, Legs]:
        return hedge_legs(self.settings)

    def now_ms(self) -> int:
        return int(time.time() * 1000)

    async def close(self) -> None:
        for exchange in self.exchanges.values():
            try:
                await exchange.close()
            except Exception as exc:  # closing must never mask the reason we stop
                log.warning("runtime.close_failed", account=exchange.account, detail=str(exc))
        await self.notifier.aclose()
        self.journal.close()
        if self.sim is not None:
            await self.sim.stop()
            self.sim = None


async def _embedded_sim_url(runtime_sim: list[Any]) -> str:
    """Start the in-process simulator once (mode sim without url) and return its URL."""
    if not runtime_sim:
        from bot.sim.server import start  # the daemon's only import of the simulator

        runtime_sim.append(await start(port=0))
        log.info("sim.embedded_started", url=runtime_sim[0].url)
    return str(runtime_sim[0].url)


async def build_exchanges(
    settings: Settings, names: list[str], sim_holder: list[Any]
) -> dict[str, Exchange]:
    """One gateway per account in `names` (embedded simulator started on demand)."""
    out: dict[str, Exchange] = {}
    for name in names:
        acc = settings.accounts[name]
        sim_url = acc.url
        if acc.mode.value == "sim" and not sim_url:
            sim_url = await _embedded_sim_url(sim_holder)
        breaker = CircuitBreaker(
            failure_threshold=settings.reliability.breaker_failures,
            cool_down_s=settings.reliability.breaker_cooldown_s,
            name=name,
        )
        out[name] = build_exchange(
            name,
            exchange_id=acc.exchange,
            mode=acc.mode.value,
            api_key=acc.api_key.get_secret_value() if acc.api_key else None,
            secret=acc.secret.get_secret_value() if acc.secret else None,
            password=acc.password.get_secret_value() if acc.password else None,
            sim_url=sim_url,
            timeout_ms=acc.timeout_ms,
            breaker=breaker,
            position_mode=acc.position_mode,
        )
    return out


def _notifier(settings: Settings) -> Notifier:
    return Notifier.from_urls(
        [u.get_secret_value() for u in settings.notify.urls],
        min_severity=settings.notify.min_severity,
        dedup_window_s=settings.notify.rate_limit_s,
    )


async def open_runtime(settings: Settings, *, version: str) -> Runtime:
    """Build everything for `settings`; the caller owns `close()`."""
    for value in secret_values(settings):
        register_secret(value)
    journal = Journal(settings.journal.path)
    sim_holder: list[Any] = []
    try:
        exchanges = await build_exchanges(settings, list(settings.accounts_in_use()), sim_holder)
    except BaseException:
        journal.close()
        if sim_holder:
            await sim_holder[0].stop()
        raise
    state = RuntimeState(settings.hedges, version=version)
    return Runtime(
        settings=settings,
        exchanges=exchanges,
        journal=journal,
        notifier=_notifier(settings),
        metrics=Metrics(),
        state=state,
        sim=sim_holder[0] if sim_holder else None,
    )
