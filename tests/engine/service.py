"""The daemon's service layer wired to a `FakeExchange`: a real journal (SQLite in a temp dir),
real settings from YAML, a notifier whose deliveries are recorded, one shared fake clock. With
`dry_run=True` in the YAML the fake sits behind a `DryRunExchange`, as `open_runtime` does."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from bot.api.metrics import Metrics
from bot.config import Settings, load_config
from bot.domain.liquidation import wallet_for_liquidation_at
from bot.engine.cycle import CycleReport, run_cycle
from bot.engine.runtime import DRY_RUN_TAG, Runtime
from bot.engine.state import RuntimeState
from bot.exchange.dry_run import DryRunExchange
from bot.notify.alert import Alert
from bot.notify.alerts import Notifier
from bot.store import Journal

from .fake_exchange import BRACKETS, ETH, SYMBOL, FakeExchange

__all__ = [
    "BTC_HEDGE",
    "ETH_HEDGE",
    "Clock",
    "RecordingSender",
    "Service",
    "collateral_for",
    "open_service",
    "write_yaml",
]

START_MS = 1_750_000_000_000
BTC_HEDGE: dict[str, Any] = {
    "spot": {"account": "main", "asset": "BTC"},
    "perp": {"account": "main", "symbol": SYMBOL},
    "target_ratio": 1.0,
    "leverage": 2,
    "margin_mode": "isolated",
}

ETH_HEDGE: dict[str, Any] = {
    **BTC_HEDGE,
    "spot": {"account": "main", "asset": "ETH"},
    "perp": {"account": "main", "symbol": ETH},
}
MARK = Decimal("60000.05")  # the fake's BTC mark: the mid of 60000 / 60000.1


def collateral_for(distance: str) -> str:
    """Isolated margin that puts a 1 BTC short's liquidation `distance` above the mark."""
    wallet = wallet_for_liquidation_at(
        size=Decimal(-1), entry_price=Decimal(60_000), price=MARK * (1 + Decimal(distance)),
        brackets=BRACKETS,
    )  # fmt: skip
    return str(wallet.quantize(Decimal("0.01")))


class Clock:
    """Milliseconds since the epoch that move only when told."""

    def __init__(self, ms: int = START_MS) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += int(seconds * 1000)


@dataclass
class RecordingSender:
    """A notification service that accepts everything and remembers it."""

    alerts: list[Alert] = field(default_factory=list)
    targets: tuple[str, ...] = ()

    async def deliver(self, alert: Alert) -> bool:
        self.alerts.append(alert)
        return True


def write_yaml(
    path: Path, journal: Path, hedges: dict[str, Any] | None = None, **sections: Any
) -> Path:
    """A config with one `main` account (its gateway is the fake) and `hedges` (BTC)."""
    data: dict[str, Any] = {
        "accounts": {"main": {"exchange": "binance", "mode": "sim", "url": "http://127.0.0.1:9"}},
        "hedges": hedges if hedges is not None else {"BTC": BTC_HEDGE},
        "journal": {"path": str(journal)},
        "api": {"enabled": False},
        **sections,
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@dataclass
class Service:
    """One runtime over one fake venue; `cycle()` runs a hedge cycle and waits for alerts."""

    rt: Runtime
    fake: FakeExchange
    clock: Clock
    sender: RecordingSender
    config: Path

    async def cycle(self, *, trade: bool = True) -> CycleReport:
        report = await run_cycle(self.rt, trade=trade)
        await self.rt.notifier.aclose()  # deliveries run in the background
        return report

    async def cycles(self, n: int, *, seconds: float = 5) -> list[CycleReport]:
        """`n` cycles, `seconds` apart."""
        out = []
        for _ in range(n):
            out.append(await self.cycle())
            self.clock.advance(seconds)
        return out

    def alerts(self, kind: str | None = None) -> list[Alert]:
        return [a for a in self.sender.alerts if kind is None or a.kind == kind]

    def placed(self) -> list[str]:
        return [c for c in self.fake.calls if c.startswith("place_order")]

    def settings(self) -> Settings:
        return self.rt.settings

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a query on the journal, read through its own read-only connection."""
        uri = f"file:{self.settings().journal.path}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            return db.execute(sql).fetchall()


def open_service(
    tmp_path: Path,
    *,
    clock: Clock | None = None,
    fake: FakeExchange | None = None,
    journal: Journal | None = None,
    **sections: Any,
) -> Service:
    """A service for the YAML `sections` (hedges=..., risk=..., ...) over a fake venue."""
    clock = clock or Clock()
    path = write_yaml(tmp_path / "hedgebot.yaml", tmp_path / "journal.sqlite", **sections)
    settings = load_config(path, env={})
    sender = RecordingSender()
    prefix = DRY_RUN_TAG if settings.dry_run else ""
    notifier = Notifier(
        sender, min_severity="info", dedup_window_s=0, max_per_minute=1000, title_prefix=prefix
    )
    venue = fake or FakeExchange(clock)
    metrics = Metrics()
    metrics.set_dry_run(settings.dry_run)
    rt = Runtime(
        settings=settings,
        exchanges={"main": DryRunExchange(venue) if settings.dry_run else venue},
        journal=journal or Journal(settings.journal.path, clock=clock),
        notifier=notifier,
        metrics=metrics,
        state=RuntimeState(
            settings.hedges,
            version="test",
            clock=lambda: clock() / 1000,
            dry_run=settings.dry_run,
        ),
        clock=clock,
    )
    return Service(rt, venue, clock, sender, path)
