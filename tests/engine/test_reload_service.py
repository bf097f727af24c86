"""Config reload against the fake venue: all or nothing, a hedge whose legs change starts
with a fresh memory, a removed hedge's order is cancelled, a rejection has its own alert."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.engine.reload import apply_reload
from bot.exchange.errors import TemporaryError
from bot.notify.catalogue import AlertKind

from .fake_exchange import ETH, SYMBOL, FakeExchange
from .service import BTC_HEDGE, ETH_HEDGE, Service, open_service, write_yaml


async def _reload(service: Service, **sections: Any) -> bool:
    path = write_yaml(service.config, Path(service.settings().journal.path), **sections)
    applied = await apply_reload(service.rt, path)
    await service.rt.notifier.aclose()
    return applied


async def test_moving_a_hedge_to_another_symbol_starts_its_memory_afresh(tmp_path: Path) -> None:
    """BTC is trusted at -2 and risk-held; the reload moves hedge "BTC" to ETH: its memory is
    reset (no BTC baseline compared with the flat ETH position, no hold), and the next cycle
    trusts the ETH reading and sells 10 ETH."""
    service = open_service(tmp_path)
    service.fake.list_eth()
    service.fake.set_position("-2")
    await service.cycle()
    service.rt.memory["BTC"] = replace(service.rt.memory["BTC"], risk_hold=True)
    assert service.rt.memory["BTC"].trusted is not None
    assert await _reload(service, hedges={"BTC": ETH_HEDGE})
    memory = service.rt.memory["BTC"]
    assert (memory.legs.perp_symbol, memory.trusted, memory.risk_hold) == (ETH, None, False)
    report = await service.cycle()
    assert report.decisions["BTC"].verdict.ok, report.decisions["BTC"].verdict.reason
    assert service.placed()[-1] == f"place_order {ETH} sell 10 @ 3000.1 post-only"


async def test_a_reload_that_keeps_the_legs_keeps_the_memory(tmp_path: Path) -> None:
    """Only the target changes: trust baseline and hold survive the reload."""
    service = open_service(tmp_path)
    await service.cycle()
    before = service.rt.memory["BTC"]
    assert await _reload(service, hedges={"BTC": {**BTC_HEDGE, "target_ratio": 0.5}})
    assert service.rt.memory["BTC"] is before
    assert service.rt.policies["BTC"].target_ratio == Decimal("0.5")


async def test_an_invalid_file_is_rejected_with_its_own_alert(tmp_path: Path) -> None:
    """A target of 7 without allow_over_hedge: `reload_rejected` (not stale_data) naming the
    field; the old settings stay in force."""
    service = open_service(tmp_path)
    old = service.settings()
    assert not await _reload(service, hedges={"BTC": {**BTC_HEDGE, "target_ratio": 7}})
    (alert,) = service.alerts()
    assert alert.kind == AlertKind.RELOAD_REJECTED and "target_ratio" in alert.body
    assert service.rt.settings is old


async def test_a_reload_failing_half_way_leaves_everything_as_it_was(tmp_path: Path) -> None:
    """The changed account's new gateway cannot load its markets: rejected and alerted; the
    old settings, gateway and memories stay; the new gateway is closed."""
    service = open_service(tmp_path)
    await service.cycle()
    memories = dict(service.rt.memory)
    replacement = FakeExchange(service.clock)
    replacement.fail("load_markets", TemporaryError("connection refused"))

    async def connect(*_: object) -> dict[str, FakeExchange]:
        return {"main": replacement}

    service.rt.connect = connect
    old = service.settings()
    accounts = {"main": {"exchange": "binance", "mode": "sim", "url": "http://127.0.0.1:10"}}
    assert not await _reload(service, accounts=accounts, hedges={"BTC": ETH_HEDGE})
    assert service.rt.settings is old and service.rt.exchanges["main"] is service.fake
    assert service.rt.memory == memories
    assert replacement.calls[-1] == "close"
    (alert,) = service.alerts(AlertKind.RELOAD_REJECTED)
    assert "accounts.main" in alert.body and "connection refused" in alert.body


async def test_a_removed_hedge_has_its_order_cancelled_and_its_memory_dropped(
    tmp_path: Path,
) -> None:
    """ETH is removed from the config: its resting sell is cancelled, BTC's stays."""
    service = open_service(tmp_path, hedges={"BTC": BTC_HEDGE, "ETH": ETH_HEDGE})
    service.fake.list_eth()
    await service.cycle()
    assert len(service.fake.open_orders()) == 2
    assert await _reload(service, hedges={"BTC": BTC_HEDGE})
    (left,) = service.fake.open_orders()
    assert left.symbol == SYMBOL and set(service.rt.memory) == {"BTC"}
    assert f"cancel_order {ETH} 2" in service.fake.writes
