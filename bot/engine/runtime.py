"""Wiring: settings → the things a running daemon holds (exchanges, journal, notifier, metrics,
state, the embedded simulator when asked for). The one place that builds dependencies; jobs
and commands receive a `Runtime` and never construct their own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import structlog

from bot.api.metrics import Metrics
from bot.config import Settings, secret_values
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeLegs, HedgeMemory
from bot.exchange.dry_run import DryRunExchange
from bot.exchange.factory import build_exchange
from bot.exchange.port import Exchange
from bot.exchange.retry import CircuitBreaker
from bot.logs import register_secret
from bot.notify.alerts import Notifier
from bot.store import Journal, wall_clock_ms

from .alert_journal import alert_journal_listener
from .brackets import BracketEntry
from .holding_sources import priced_account
from .state import RuntimeState
from .weight_budget import ScaleState

__all__ = [
    "DRY_RUN_TAG",
    "Connector",
    "EmbeddedSim",
    "Legs",
    "Runtime",
    "build_exchanges",
    "hedge_legs",
    "open_runtime",
]

log = structlog.get_logger(__name__)
DRY_RUN_TAG = "[DRY RUN]"  # leads every alert title of a dry run

Legs = HedgeLegs  # where a hedge's two legs live (the engine's historical name)


class Connector(Protocol):
    """`build_exchanges`' shape: gateways for some of the settings' accounts."""

    def __call__(
        self, settings: Settings, names: list[str], sim_holder: list[EmbeddedSim]
    ) -> Awaitable[dict[str, Exchange]]: ...


class EmbeddedSim(Protocol):
    """The in-process simulator (`bot.sim.server.RunningSim`) as the runtime uses it."""

    @property
    def url(self) -> str: ...

    async def stop(self) -> None: ...


def hedge_legs(
    settings: Settings, resolved: Mapping[str, str] | None = None
) -> dict[str, HedgeLegs]:
    """Each hedge's legs; `resolved` names the contract a `future.series` hedge holds. The
    spot leg is the account the holding is priced on (`holding_sources.priced_account`)."""
    symbols = resolved or {}
    return {
        name: HedgeLegs(
            priced_account(settings, h),
            h.holding_asset,
            h.contract.account,
            symbols.get(name, h.contract.label),
        )
        for name, h in settings.hedges.items()
    }


@dataclass
class Runtime:
    """Everything the jobs share. `settings` is swapped whole on a reload, between cycles.

    Per hedge: ONE `HedgeMemory` (domain/memory.py), replaced by each cycle's decision.
    Per venue: margin brackets by "account:symbol", the newest venue-clock stamp by account,
    and the (account, symbol|mode|leverage) keys whose margin mode and leverage are set.
    """

    settings: Settings
    exchanges: dict[str, Exchange]
    journal: Journal
    notifier: Notifier
    metrics: Metrics
    state: RuntimeState
    sim: EmbeddedSim | None = None  # the embedded simulator, when `mode: sim` has no url
    clock: Callable[[], int] = wall_clock_ms  # local clock, ms since the epoch
    # Builds the gateways of the accounts a reload changed (tests pass fakes).
    connect: Connector = field(default=lambda *a: build_exchanges(*a))
    memory: dict[str, HedgeMemory] = field(default_factory=dict)
    brackets: dict[str, BracketEntry] = field(default_factory=dict)
    venue_ms: dict[str, int] = field(default_factory=dict)
    setup_done: set[tuple[str, str]] = field(default_factory=set)
    dry_run_forced: bool = False  # `run --dry-run`: a reload keeps the run dry
    resolved: dict[str, str] = field(default_factory=dict)  # series hedge -> held contract
    unlisted: set[str] = field(default_factory=set)  # accounts whose read met a delisted symbol
    beta_checked: dict[str, int] = field(default_factory=dict)  # hedge -> last beta fit, local ms
    scale: ScaleState = field(default_factory=ScaleState)  # fills watch, tight request weight

    @property
    def policies(self) -> Mapping[str, HedgePolicy]:
        return {
            name: hedge.to_policy(name, self.resolved.get(name))
            for name, hedge in self.settings.hedges.items()
        }

    @property
    def legs(self) -> dict[str, HedgeLegs]:
        return hedge_legs(self.settings, self.resolved)

    @property
    def dry_run(self) -> bool:
        """Nothing is sent: every gateway is a `DryRunExchange` (see `build_exchanges`)."""
        return self.settings.dry_run

    def now_ms(self) -> int:
        return self.clock()

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


async def _embedded_sim_url(runtime_sim: list[EmbeddedSim]) -> str:
    """Start the in-process simulator once (mode sim without url) and return its URL."""
    if not runtime_sim:
        from bot.sim.server import start  # the daemon's only import of the simulator

        runtime_sim.append(await start(port=0))
        log.info("sim.embedded_started", url=runtime_sim[0].url)
    return str(runtime_sim[0].url)


async def build_exchanges(
    settings: Settings, names: list[str], sim_holder: list[EmbeddedSim]
) -> dict[str, Exchange]:
    """One gateway per account in `names` (embedded simulator started on demand). In a dry
    run each is wrapped in a `DryRunExchange`, so no mutating request can leave, and the
    position mode follows the venue's (setting it is a request too; see `_position_mode`)."""
    out: dict[str, Exchange] = {}
    for name in names:
        acc = settings.accounts[name]
        sim_url = acc.url
        if acc.venue_mode.value == "sim" and not sim_url:
            sim_url = await _embedded_sim_url(sim_holder)
        breaker = CircuitBreaker(
            failure_threshold=settings.reliability.breaker_failures,
            cool_down_s=settings.reliability.breaker_cooldown_s,
            name=name,
        )
        gateway = build_exchange(
            name,
            exchange_id=acc.exchange,
            mode=acc.venue_mode.value,
            api_key=acc.api_key.get_secret_value() if acc.api_key else None,
            secret=acc.secret.get_secret_value() if acc.secret else None,
            password=acc.password.get_secret_value() if acc.password else None,
            sim_url=sim_url,
            timeout_ms=acc.timeout_ms,
            breaker=breaker,
            position_mode=_position_mode(settings, name),
        )
        out[name] = DryRunExchange(gateway) if settings.dry_run else gateway
    return out


def _position_mode(settings: Settings, name: str) -> str:
    """The account's `position_mode`, or `auto` in a dry run: the gateway sets a configured
    mode on the venue inside its first positions read, which a dry run must not do."""
    wanted = settings.accounts[name].position_mode
    if not settings.dry_run or wanted == "auto":
        return wanted
    log.warning(
        "dry_run.position_mode_followed",
        account=name,
        configured=wanted,
        detail="a dry run trades in the venue's position mode; a live run would set "
        f"{wanted} on the venue if it differs",
    )
    return "auto"


def _notifier(settings: Settings, journal: Journal) -> Notifier:
    urls = [u.get_secret_value() for u in settings.notify.urls]
    notifier = Notifier.from_urls(
        urls,
        min_severity=settings.notify.min_severity,
        dedup_window_s=settings.notify.rate_limit_s,
        title_prefix=DRY_RUN_TAG if settings.dry_run else "",
    )
    if not journal.read_only:  # `hedgebot plan` reads the journal, never writes it
        notifier.add_listener(alert_journal_listener(journal, urls))
    return notifier


async def open_runtime(
    settings: Settings, *, version: str, journal: Journal | None = None
) -> Runtime:
    """Build everything for `settings`; the caller owns `close()`. `journal` (default: the
    one at `journal.path`, opened for writing) lets `hedgebot plan` pass a read-only one."""
    for value in secret_values(settings):
        register_secret(value)
    journal = journal if journal is not None else Journal(settings.journal.path)
    sim_holder: list[EmbeddedSim] = []
    try:
        exchanges = await build_exchanges(settings, list(settings.accounts_in_use()), sim_holder)
    except BaseException:
        journal.close()
        if sim_holder:
            await sim_holder[0].stop()
        raise
    state = RuntimeState(settings.hedges, version=version, dry_run=settings.dry_run)
    metrics = Metrics()
    metrics.set_dry_run(settings.dry_run)
    if settings.dry_run:
        log.warning("daemon.dry_run", detail="DRY RUN: nothing is sent to any venue")
    return Runtime(
        settings=settings,
        exchanges=exchanges,
        journal=journal,
        notifier=_notifier(settings, journal),
        metrics=metrics,
        state=state,
        sim=sim_holder[0] if sim_holder else None,
    )
