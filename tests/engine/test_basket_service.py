"""A basket through the service layer, against the fake venue: BTC (2 BTC spot, target 1)
and ETH (10 ETH worth 0.5 BTC, a proxy at target 0.5) both hedged with BTC/USDT:USDT.
Contracts signed BTC (short < 0); prices USDT."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from bot.domain.model import Side, Wallet
from bot.engine.commands import snapshot_plan
from bot.engine.reload import apply_reload
from bot.notify.catalogue import AlertKind

from .fake_exchange import SYMBOL
from .service import BTC_HEDGE, Service, collateral_for, open_service, write_yaml

HEDGES = {
    "BTC": BTC_HEDGE,
    "ETH": {**BTC_HEDGE, "spot": {"account": "main", "asset": "ETH"}, "target_ratio": 0.5},
}
BAND = Decimal("0.02")


def _basket(tmp_path: Path) -> Service:
    service = open_service(tmp_path, hedges=HEDGES)
    fake = service.fake
    fake.balances[Wallet.SPOT]["ETH"] = Decimal(10)
    fake.quotes["ETH/USDT"] = (Decimal("2999.99"), Decimal("3000.01"))
    return service


async def _filled(service: Service) -> None:
    """Two cycles: the basket's order is placed, filled, then read back."""
    await service.cycle()
    for order in service.fake.open_orders():
        service.fake.fill(order.client_id or "")
    service.clock.advance(5)
    await service.cycle()


async def test_two_hedges_on_one_perp_sell_the_summed_short_once(tmp_path: Path) -> None:
    """One sell for 2 + 0.25 BTC (not two orders, not 2 + 2.25): the perp ends near 2.25
    BTC short and the next cycle places nothing more."""
    service = _basket(tmp_path)
    await _filled(service)
    assert len(service.placed()) == 1
    short = -service.fake.positions[SYMBOL].contracts
    assert abs(short - Decimal("2.25")) <= Decimal("0.002")
    service.clock.advance(5)
    await service.cycle()
    assert len(service.placed()) == 1


async def test_each_hedge_reads_its_share_of_the_shared_position(tmp_path: Path) -> None:
    """Today's bug gone: BTC and ETH each report their own ratio on their attributed share
    (≈ 1 and ≈ 0.5), not the whole position over their own holding (1.125 and 4.5)."""
    service = _basket(tmp_path)
    await _filled(service)
    hedges = service.rt.state.status()["hedges"]
    assert abs(hedges["BTC"]["ratio"] - 1) <= BAND
    assert abs(hedges["ETH"]["ratio"] - Decimal("0.5")) <= BAND
    whole = service.fake.positions[SYMBOL].contracts
    assert hedges["BTC"]["perp"] + hedges["ETH"]["perp"] == whole
    assert hedges["ETH"]["basket"]["partners"] == ["BTC"]
    assert hedges["BTC"]["basket"]["members"] == ["BTC", "ETH"]


async def test_the_journal_and_metrics_carry_each_members_view(tmp_path: Path) -> None:
    """Each member's snapshot row holds its share and names the basket; /metrics exports
    the share per hedge with the basket's members as a label."""
    service = _basket(tmp_path)
    await _filled(service)
    rows = service.rows(
        "SELECT hedge, perp_contracts, data FROM snapshots ORDER BY id DESC LIMIT 2"
    )
    views = {hedge: (Decimal(str(c)), json.loads(data)) for hedge, c, data in rows}
    assert set(views) == {"BTC", "ETH"}
    assert views["ETH"][1]["basket"]["partners"] == ["BTC"]
    assert -views["ETH"][0] < Decimal("0.26")  # its share, not the 2.25 BTC position
    text = service.rt.metrics.render().decode()
    assert 'hedgebot_basket_share{basket="BTC,ETH",hedge="ETH"} 0.1111' in text


async def test_plan_decides_the_basket_as_the_next_cycle_does(tmp_path: Path) -> None:
    """`hedgebot plan` on a flat basket decides as the next cycle: each member's plan is the
    cycle's, with the one 2.249 BTC sell (not one sell per member)."""
    service = _basket(tmp_path)
    planned = await snapshot_plan(service.rt)
    report = await service.cycle()
    assert list(planned) == ["BTC", "ETH"]
    for name in ("BTC", "ETH"):
        decision = planned[name].decision
        assert decision is not None and decision.plan == report.decisions[name].plan
    (order,) = report.decisions["BTC"].plan.orders
    assert order.amount == Decimal("2.249")


async def test_removing_the_lead_leaves_the_partner_trusted_on_the_whole_position(
    tmp_path: Path,
) -> None:
    """The reload drops the lead BTC: ETH, now alone on the perp, keeps the basket's trust
    baseline (no data pause) and buys back to its own 0.25 BTC, reduce-only."""
    service = _basket(tmp_path)
    await _filled(service)
    path = write_yaml(service.config, Path(service.settings().journal.path),
                      hedges={"ETH": HEDGES["ETH"]})  # fmt: skip
    assert await apply_reload(service.rt, path)
    service.clock.advance(5)
    report = await service.cycle()
    decision = report.decisions["ETH"]
    assert decision.verdict.ok and decision.basket is None
    (order,) = decision.plan.orders
    assert order.side is Side.BUY and order.reduce_only
    short_after = -service.fake.positions[SYMBOL].contracts - order.amount
    assert abs(short_after - Decimal("0.25")) <= Decimal("0.002")


async def test_the_risk_guard_cuts_the_shared_position_once(tmp_path: Path) -> None:
    """Liquidation 5 % away on the basket's 1 BTC short, no free margin: ONE reduce-only IOC
    buy for the perp and ONE `risk_reduce` alert, not one per member."""
    service = _basket(tmp_path)
    service.fake.balances[Wallet.FUTURES]["USDT"] = Decimal(0)
    service.fake.set_position("-1", collateral=collateral_for("0.05"))
    await service.cycle()
    (buy,) = service.placed()
    assert buy.startswith(f"place_order {SYMBOL} buy ") and buy.endswith("reduce-only IOC")
    assert [a.kind for a in service.alerts(AlertKind.RISK_REDUCE)] == ["risk_reduce"]


async def test_the_risk_job_reads_a_basket_without_trading(tmp_path: Path) -> None:
    """The risk job's cycle (trade=False) decides the basket, records both members and
    sends no order."""
    service = _basket(tmp_path)
    report = await service.cycle(trade=False)
    assert set(report.decisions) == {"BTC", "ETH"} and report.skipped == {}
    assert service.placed() == []
