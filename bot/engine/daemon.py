"""The daemon: APScheduler jobs (hedge cycle, risk, funding), signals, reload, clean stop.

- Jobs never overlap and coalesce missed runs; one asyncio lock serialises everything that
  acts on the venue, so the risk job never races the hedge cycle.
- SIGTERM/SIGINT: finish the running cycle, then cancel (or leave) our resting orders per
  `reliability.on_stop_orders`, close everything, exit 0.
- SIGHUP: reload the YAML before the next cycle; an invalid file (or an account that cannot
  be connected) is rejected with one log line and a `reload_rejected` alert, and the old
  config stays in force, whole.
- systemd: READY=1 once the first hedge cycle ran; each reload after that is RELOADING=1 …
  READY=1; WATCHDOG=1 after every cycle.
- A single-instance lock on the journal keeps two daemons off one account.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from datetime import datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.api.alerts import SEED_ROWS, RecentAlerts
from bot.api.server import build_api, start_api
from bot.api.systemd import Readiness, SystemdNotifier
from bot.config import Settings
from bot.domain.memory import request_rebaseline
from bot.exchange.errors import ExchangeError
from bot.logs import configure_logging
from bot.notify.catalogue import AlertKind, make_alert
from bot.store.history import JournalHistory
from bot.store.lock import InstanceLock

from .brackets import refresh_brackets
from .cycle import run_cycle
from .dated_resolve import refresh_dated
from .funding import record_funding
from .inputs import ensure_memories
from .reconcile import reconcile_open_orders
from .reload import apply_reload
from .runtime import Runtime, open_runtime
from .tranche import arm_tranche

__all__ = ["Daemon", "run_daemon"]

log = structlog.get_logger(__name__)


def _version() -> str:
    try:
        return version("hedgebot")
    except PackageNotFoundError:  # running from a source tree
        return "0.0.0+src"


class Daemon:
    def __init__(
        self, settings: Settings, config_path: Path | None, *, dry_run_forced: bool = False
    ) -> None:
        self.settings = settings
        self.config_path = config_path
        self.dry_run_forced = dry_run_forced  # `run --dry-run`: every reload stays dry
        self.rt: Runtime | None = None
        self._lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._reload_requested = False
        self._scheduler: AsyncIOScheduler | None = None
        self._systemd = SystemdNotifier.from_env()
        self._readiness = Readiness(self._systemd)
        self._api: Any = None

    # --- jobs ----------------------------------------------------------------------------
    async def hedge_job(self) -> None:
        async with self._lock:
            if self._stop.is_set():
                return
            if self._reload_requested:
                self._reload_requested = False
                try:
                    await self._reload()
                except Exception:  # a bug in a reload must not stop hedging on the old config
                    log.exception("config.reload_failed")
            await self._cycle(trade=True)

    async def risk_job(self) -> None:
        async with self._lock:
            if not self._stop.is_set():
                await self._cycle(trade=False)

    async def funding_job(self) -> None:
        async with self._lock:
            if self._stop.is_set() or self.rt is None:
                return
            try:
                await record_funding(self.rt)
            except Exception:  # a bug here must not stop hedging
                log.exception("funding.job_failed")

    async def digest_job(self) -> None:
        """The daily digest (`notify.daily_digest`), read from the journal read-only."""
        if self._stop.is_set() or self.rt is None:
            return
        from bot.report.digest import send_daily_digest

        try:
            await send_daily_digest(self.rt.settings, self.rt.notifier, self.rt.now_ms())
        except Exception:  # a bug here must not stop hedging
            log.exception("digest.job_failed")

    async def markets_job(self) -> None:
        """Refresh markets (tick/step/min-notional can change; new listings appear) and the
        margin brackets (a failed read is retried by the cycles, never forgotten)."""
        async with self._lock:
            if self._stop.is_set() or self.rt is None:
                return
            for exchange in self.rt.exchanges.values():
                try:
                    await exchange.load_markets(reload=True)
                except ExchangeError as exc:
                    log.warning("markets.refresh_failed", account=exchange.account, detail=str(exc))
            await refresh_dated(self.rt)
            await refresh_brackets(self.rt)

    async def _cycle(self, *, trade: bool) -> None:
        rt = self.rt
        assert rt is not None
        started = time.monotonic()
        try:
            report = await run_cycle(rt, trade=trade)
        except Exception as exc:  # keep the daemon alive; /healthz reports it
            log.exception("cycle.failed")
            rt.state.cycle_done(ok=False, error=f"{type(exc).__name__}: {exc}")
            rt.metrics.count_error("-", type(exc).__name__)
            self._systemd.watchdog()
            return
        elapsed = time.monotonic() - started
        error = report.error
        if trade:
            rt.metrics.observe_cycle(elapsed)
            rt.state.cycle_done(ok=report.ok, error=error)
            if report.ok:
                rt.metrics.mark_cycle_ok(time.time())
        self._systemd.watchdog()
        if trade:
            self._readiness.started("hedging")

    # --- control -------------------------------------------------------------------------
    def _on_control(self, action: str, hedge: str | None) -> None:
        rt = self.rt
        if rt is None:
            return
        rt.journal.record_operator_event(action, source="api", hedge=hedge)
        kind = AlertKind.PAUSED if action == "pause" else AlertKind.RESUMED
        rt.notifier.notify(make_alert(kind, hedge, f"by operator ({hedge or 'all hedges'})"))
        if action == "resume":
            # The operator vouches for the venue's current position: re-baseline on it.
            ensure_memories(rt)
            for name in [hedge] if hedge else list(rt.settings.hedges):
                rt.memory[name] = request_rebaseline(rt.memory[name])

    async def _reload(self) -> None:
        assert self.rt is not None
        with self._readiness.reloading("hedging"):
            if await apply_reload(self.rt, self.config_path):
                self._reschedule()

    def request_reload(self) -> None:
        log.info("config.reload_requested")
        self._reload_requested = True

    def request_stop(self) -> None:
        log.info("daemon.stop_requested")
        self._stop.set()

    # --- lifecycle -----------------------------------------------------------------------
    def _schedule(self) -> AsyncIOScheduler:
        schedule = self.settings.schedule
        scheduler = AsyncIOScheduler(timezone="UTC")
        now = datetime.now().astimezone()
        opts: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        scheduler.add_job(
            self.hedge_job,
            "interval",
            id="hedge",
            seconds=schedule.poll_seconds,
            next_run_time=now,
            **opts,
        )
        scheduler.add_job(
            self.risk_job,
            "interval",
            id="risk",
            seconds=schedule.effective_risk_seconds,
            next_run_time=now + timedelta(seconds=schedule.effective_risk_seconds),
            **opts,
        )
        scheduler.add_job(
            self.funding_job,
            "interval",
            id="funding",
            seconds=schedule.funding_seconds,
            next_run_time=now + timedelta(seconds=1),
            **opts,
        )
        scheduler.add_job(self.markets_job, "interval", id="markets", seconds=3600, **opts)
        digest_at = self.settings.notify.digest_at
        if digest_at is not None:
            hour, minute = digest_at
            scheduler.add_job(
                self.digest_job, "cron", id="digest", hour=hour, minute=minute, **opts
            )
        return scheduler

    def _reschedule(self) -> None:
        assert self.rt is not None and self._scheduler is not None
        new = self.rt.settings.schedule
        if new == self.settings.schedule:
            return
        self.settings = self.rt.settings
        self._scheduler.reschedule_job("hedge", trigger="interval", seconds=new.poll_seconds)
        self._scheduler.reschedule_job(
            "risk", trigger="interval", seconds=new.effective_risk_seconds
        )
        self._scheduler.reschedule_job("funding", trigger="interval", seconds=new.funding_seconds)

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self.request_stop)
        loop.add_signal_handler(signal.SIGINT, self.request_stop)
        loop.add_signal_handler(signal.SIGHUP, self.request_reload)

    async def _start_api(self, rt: Runtime) -> None:
        api = rt.settings.api
        if not api.enabled:
            return
        token = api.token.get_secret_value() if api.token else None
        alerts = RecentAlerts()
        alerts.seed(rt.journal.recent_alerts(SEED_ROWS))  # what was sent before a restart
        rt.notifier.add_listener(alerts.add)
        app = build_api(
            rt.state,
            rt.state,
            rt.metrics,
            token=token,
            stale_after_s=max(30.0, 3 * rt.settings.schedule.poll_seconds),
            history=JournalHistory(rt.journal.path, symbols=lambda: _perp_symbols(rt)),
            alerts=alerts,
            hosts=(api.host, *api.allowed_hosts),
        )
        self._api = await start_api(app, api.host, api.port)
        log.info("api.listening", url=self._api.url)

    async def run(self) -> int:
        from .startup import prepare

        rt = await open_runtime(self.settings, version=_version())
        rt.dry_run_forced = self.dry_run_forced
        if rt.dry_run:  # every line of the process says so, start-up and stop included
            structlog.contextvars.bind_contextvars(mode="DRY RUN")
        self.rt = rt
        rt.state._on_control = self._on_control
        rt.state.on_tranche = lambda hedge, number: arm_tranche(rt, hedge, number)
        try:
            self._install_signals()
            await prepare(rt)
            await reconcile_open_orders(rt)
            await self._start_api(rt)
            rt.notifier.notify(make_alert(AlertKind.STARTED, None, _started(rt)))
            self._scheduler = self._schedule()
            self._scheduler.start()
            await self._stop.wait()
            rt.state.stopping = True
            self._systemd.stopping()
            self._scheduler.shutdown(wait=False)
            async with self._lock:  # the running cycle finishes first
                await self._on_stop(rt)
        finally:
            if self._api is not None:
                await self._api.stop()
            await rt.close()
        log.info("daemon.stopped")
        return 0

    async def _on_stop(self, rt: Runtime) -> None:
        if rt.settings.reliability.on_stop_orders == "cancel":
            report = await reconcile_open_orders(rt, policy="cancel")
            log.info("daemon.orders_cancelled_on_stop", cancelled=report.cancelled)
        rt.notifier.notify(make_alert(AlertKind.STOPPED, None, "clean stop"))


def _perp_symbols(rt: Runtime) -> dict[str, str]:
    """Each hedge's perp symbol as `hedgebot report` values it (the dashboard's P&L)."""
    return {name: hedge.contract.label for name, hedge in rt.settings.hedges.items()}


def _started(rt: Runtime) -> str:
    hedging = f"hedging {', '.join(rt.settings.hedges)}"
    if rt.dry_run:
        return f"DRY RUN: {hedging} on paper; no order, cancel, transfer or margin change is sent"
    return hedging


def run_daemon(settings: Settings, *, config_path: Path | None, dry_run: bool = False) -> int:
    """Run until SIGTERM/SIGINT; returns the exit code. `dry_run` (`run --dry-run`) makes the
    run dry whatever the YAML says, also across reloads. Raises AlreadyRunning when another
    daemon holds the journal's lock."""
    configure_logging(settings.log.format, settings.log.level)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per job run is noise
    if dry_run:
        settings = settings.model_copy(update={"dry_run": True})
    with InstanceLock(settings.journal.path):
        return asyncio.run(Daemon(settings, config_path, dry_run_forced=dry_run).run())
