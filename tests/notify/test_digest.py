"""The daily digest (`notify.daily_digest: "08:00"`): scheduled at that UTC time, and sent
through the notifier with each hedge's ratio, the last 24 h P&L split and fees, read from the
journal the daemon wrote (a fake venue and a fake clock)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from bot.engine.daemon import Daemon
from bot.notify.digest import DIGEST_KIND
from bot.report.digest import send_daily_digest
from tests.engine.service import Clock, open_service


def test_the_digest_is_scheduled_daily_at_the_configured_utc_time(tmp_path: Path) -> None:
    """notify.daily_digest "08:00" adds a job firing next at 08:00 UTC (tomorrow after 09:00)."""
    service = open_service(tmp_path, notify={"daily_digest": "08:00"})
    job = Daemon(service.settings(), None)._schedule().get_job("digest")
    assert job is not None
    after = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert job.trigger.get_next_fire_time(None, after) == datetime(2025, 3, 2, 8, 0, tzinfo=UTC)


def test_no_digest_job_by_default(tmp_path: Path) -> None:
    """Off by default: no digest job is scheduled."""
    service = open_service(tmp_path)
    assert Daemon(service.settings(), None)._schedule().get_job("digest") is None


async def test_the_digest_tells_each_hedges_ratio_and_pnl_split(tmp_path: Path) -> None:
    """After the hedge is built (a resting sell of 2 BTC filled at 60,000.1, marked at
    60,000.05), the digest sent at the fake clock's time names the ratio 1.000 and the perp
    P&L of the fill, +0.10, in one alert."""
    clock = Clock()
    service = open_service(tmp_path, clock=clock, notify={"daily_digest": "08:00"})
    await service.cycle()
    order = service.fake.open_orders()[0]
    clock.advance(5)
    fill = service.fake.fill(order.client_id or "")
    clock.advance(10)
    await service.cycle()
    clock.advance(10)
    await service.cycle()
    alert = await send_daily_digest(service.settings(), service.rt.notifier, clock())
    await service.rt.notifier.aclose()
    sent = service.alerts(DIGEST_KIND)
    assert alert is not None and sent == [alert]
    assert "BTC: ratio 1.000" in alert.body
    assert fill.price == Decimal("60000.1") and fill.amount == 2
    assert "P&L +0.10 = spot +0.00 + perp +0.10" in alert.body
    assert "no risk events" in alert.body
