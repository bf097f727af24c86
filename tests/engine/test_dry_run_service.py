"""A dry run against the fake venue: it reads, decides, journals and reports exactly as live,
and sends NO order, cancel, transfer or margin change — each is journaled and reported as
"would …"; orders end with the final status `dry_run`, so they never block the next cycle."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.domain.model import Wallet
from bot.engine.orders import DRY_RUN_STATUS
from bot.engine.reload import apply_reload
from bot.exchange.dry_run import DryRunExchange
from bot.notify.catalogue import AlertKind

from .fake_exchange import SYMBOL
from .service import Service, collateral_for, open_service, write_yaml

ORDER_ROWS = "SELECT side, amount, status FROM orders ORDER BY created_at"


def _dry(tmp_path: Path, **sections: Any) -> Service:
    return open_service(tmp_path, dry_run=True, **sections)


def _live(tmp_path: Path) -> Service:
    tmp_path.mkdir()
    return open_service(tmp_path)


async def test_a_dry_cycle_journals_would_place_orders_and_sends_nothing(tmp_path: Path) -> None:
    """2 BTC spot, flat perp: every cycle decides the 2-BTC sell, journals it as `dry_run`
    ("would place" in the status line), and the venue sees reads only — no leverage, margin
    mode or order call; the next cycle is not blocked by the one before."""
    service = _dry(tmp_path)
    first = await service.cycle()
    service.clock.advance(5)
    await service.cycle()
    assert service.fake.writes == []
    assert service.rows(ORDER_ROWS) == [("sell", "2.0", DRY_RUN_STATUS)] * 2
    assert service.rt.journal.pending_orders() == ()
    line = service.rt.state.hedges["BTC"].last_action
    assert line is not None and line.startswith("would place sell 2.0 @ 60000.1 (grow")
    assert first.decisions["BTC"].plan.orders[0].amount == Decimal(2)
    gateway = service.rt.exchanges["main"]
    assert isinstance(gateway, DryRunExchange)
    assert list(gateway.would)[-2:] == [f"place sell 2 {SYMBOL} @ 60000.1 post-only"] * 2


async def test_a_dry_risk_top_up_is_journaled_as_would_and_alerted_as_dry_run(
    tmp_path: Path,
) -> None:
    """Liquidation 18 % away with auto_top_up: the top-up is journaled with status `dry_run`,
    the alert's title says DRY RUN and its body "would add_margin"; nothing reaches the venue."""
    service = _dry(tmp_path, risk={"auto_top_up": True})
    service.fake.set_position("-1", collateral=collateral_for("0.18"))
    await service.cycle()
    assert service.fake.writes == []
    (kind, status), *_ = service.rows("SELECT kind, status FROM margin_actions")
    assert (kind, status) == ("add_margin", DRY_RUN_STATUS)
    (alert,) = service.alerts(AlertKind.RISK_TOP_UP)
    assert alert.title.startswith("[DRY RUN] hedgebot BTC:") and "would add_margin" in alert.body


async def test_status_and_metrics_say_dry_run(tmp_path: Path) -> None:
    """/status carries "dry_run": true (the dashboard's banner) and the gauge is 1; a live
    service says false and 0."""
    dry, live = _dry(tmp_path), _live(tmp_path / "live")
    for service, expected in ((dry, True), (live, False)):
        assert service.rt.state.status()["dry_run"] is expected
        metrics = service.rt.metrics.render().decode()
        assert f"hedgebot_dry_run {1.0 if expected else 0.0}" in metrics


async def test_a_grow_funding_transfer_is_only_would_in_a_dry_run(tmp_path: Path) -> None:
    """The GROW order's spot → futures transfer (auto_top_up) is journaled `dry_run`, the
    order after it "would place"; the wallets are untouched."""
    service = _dry(tmp_path, risk={"auto_top_up": True})
    service.fake.balances[Wallet.FUTURES]["USDT"] = Decimal(1_000)
    await service.cycle()
    assert service.fake.writes == []
    assert service.rows("SELECT kind, status FROM margin_actions") == [("transfer", "dry_run")]
    assert service.fake.balances[Wallet.FUTURES]["USDT"] == Decimal(1_000)


async def test_a_reload_never_switches_between_dry_and_live(tmp_path: Path) -> None:
    """A dry daemon reloading a file that says `dry_run: false` rejects it (restart to go
    live), and so does a live one reloading `dry_run: true`; `run --dry-run` stays dry
    whatever the file says."""
    journal = tmp_path / "journal.sqlite"
    dry = _dry(tmp_path)
    assert not await apply_reload(dry.rt, write_yaml(dry.config, journal))
    await dry.rt.notifier.aclose()
    (alert,) = dry.alerts(AlertKind.RELOAD_REJECTED)
    assert "dry_run: cannot change on a reload" in alert.body and dry.rt.dry_run
    live = _live(tmp_path / "live")
    assert not await apply_reload(live.rt, write_yaml(live.config, journal, dry_run=True))
    assert not live.rt.dry_run
    dry.rt.dry_run_forced = True
    assert await apply_reload(dry.rt, write_yaml(dry.config, journal))
    assert dry.rt.dry_run
