"""The risk guard on the contract a roll moves into, in the cycle on the fake venue: mid-roll
(0.64 BTC short left on OLD, 0.68 BTC sold on NEW, isolated at 2x, the next step a sell of
NEW) a rally on NEW grades it; its top-up goes to NEW, a grade that blocks increases holds
the roll's sells of NEW until its distance is restored, at REDUCE NEW is bought back
reduce-only, and never two live orders for the hedge."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.domain.liquidation import wallet_for_liquidation_at
from bot.domain.model import MarginMode, Wallet
from bot.domain.risk_policy import RiskGrade
from bot.engine.cycle import CycleReport
from bot.notify.catalogue import AlertKind

from .fake_exchange import BRACKETS
from .service import MARK, Service
from .test_roll_service import NEW, OLD, _legs, rolling_service

TOP_UP_MARK = ("77000", "77000.1")  # NEW's liquidation ≈ 91,135: about 18 % away
REDUCE_MARK = ("85000", "85000.1")  # about 7 % away


async def _mid_roll(tmp_path: Path, **sections: Any) -> Service:
    """The roll started and two steps each way filled: (OLD, NEW) = (0.64, 0.68) BTC short,
    nothing resting; the roll's next step sells NEW."""
    service = await rolling_service(tmp_path, **sections)
    for _ in range(4):
        await service.cycle()
        for order in service.fake.open_orders():
            service.fake.fill(order.client_id or "")
        service.clock.advance(5)
    assert _legs(service) == (Decimal("0.64"), Decimal("0.68"))
    return service


def _rally(service: Service, mark: tuple[str, str]) -> None:
    service.fake.quotes[NEW] = (Decimal(mark[0]), Decimal(mark[1]))


def _new_sells(service: Service, since: int) -> list[str]:
    return [c for c in service.placed()[since:] if c.startswith(f"place_order {NEW} sell")]


async def _cycle(service: Service) -> CycleReport:
    """One cycle 5 s later; never more than one live order for the hedge after it."""
    service.clock.advance(5)
    report = await service.cycle()
    assert len(service.fake.open_orders()) <= 1
    return report


async def test_a_rally_on_the_new_contract_tops_it_up_and_holds_its_sells(
    tmp_path: Path,
) -> None:
    """NEW 18 % from liquidation with auto_top_up: margin is added to NEW (not OLD), the
    journal and the `risk_top_up` alert name NEW, /status shows NEW's grade and distance,
    and the roll does not sell NEW that cycle."""
    service = await _mid_roll(tmp_path, risk={"auto_top_up": True})
    placed = len(service.placed())
    _rally(service, TOP_UP_MARK)
    report = await _cycle(service)
    risk = report.decisions["BTC"].roll_risk
    assert risk is not None and risk.grade is RiskGrade.TOP_UP
    (top_up,) = [w for w in service.fake.writes if w.startswith("add_margin")]
    assert top_up.startswith(f"add_margin {NEW} ")
    assert _new_sells(service, placed) == []
    (alert,) = service.alerts(AlertKind.RISK_TOP_UP)
    assert NEW in alert.body and "add_margin" in alert.body
    events = service.rt.journal.risk_events("BTC")
    assert [e["action"] for e in events] == ["assess", "add_margin"]
    assert all(e["reason"].startswith(f"{NEW}: TOP_UP") for e in events)
    view = service.rt.state.hedges["BTC"].view
    assert view["roll_new_risk_grade"] == "top_up"
    assert Decimal("0.15") < view["roll_new_liquidation_distance"] < Decimal("0.20")


async def test_no_sell_grows_the_new_contract_while_it_is_graded_top_up(tmp_path: Path) -> None:
    """NEW 18 % from liquidation, nothing to top it up from (auto_top_up off): cycle after
    cycle no order sells NEW, no margin moves, the roll says why, and the alert is
    `liquidation_near` naming NEW."""
    service = await _mid_roll(tmp_path)
    placed = len(service.placed())
    _rally(service, TOP_UP_MARK)
    for _ in range(3):
        report = await _cycle(service)
        for order in service.fake.open_orders():
            service.fake.fill(order.client_id or "")
    assert _new_sells(service, placed) == [] and _legs(service)[1] == Decimal("0.68")
    assert not [w for w in service.fake.writes if w.startswith(("add_margin", "transfer"))]
    notes = report.decisions["BTC"].plan.notes
    assert any(f"not selling {NEW} while the risk gate blocks increases" in n for n in notes)
    alert = service.alerts(AlertKind.LIQUIDATION_NEAR)[0]
    assert NEW in alert.body


async def test_at_reduce_the_new_contract_is_bought_back_after_its_resting_step_is_cancelled(
    tmp_path: Path,
) -> None:
    """A sell of NEW resting when NEW rallies to 7 % from liquidation, no free margin: the
    first cycle cancels the resting sell and places nothing, the next buys NEW back
    reduce-only IOC (OLD untouched), and the alert is `risk_reduce` naming NEW."""
    service = await _mid_roll(tmp_path)
    await _cycle(service)  # the next step, a sell of NEW, rests
    (resting,) = service.fake.open_orders()
    assert resting.symbol == NEW and resting.side.value == "sell"
    service.fake.balances[Wallet.FUTURES]["USDT"] = Decimal(0)
    placed = len(service.placed())
    _rally(service, REDUCE_MARK)
    await _cycle(service)
    assert not service.fake.open_orders() and service.placed()[placed:] == []
    assert f"cancel_order {NEW} {resting.id}" in service.fake.calls
    await _cycle(service)
    (buy,) = service.placed()[placed:]
    assert buy.startswith(f"place_order {NEW} buy ") and buy.endswith("reduce-only IOC")
    old, new = _legs(service)
    assert old == Decimal("0.64") and new < Decimal("0.68")
    assert not any(c.startswith(f"cancel_order {OLD}") for c in service.fake.calls)
    (alert,) = service.alerts(AlertKind.RISK_REDUCE)
    assert NEW in alert.body and "reduce the short by" in alert.body
    assert _new_sells(service, placed) == []


async def test_the_new_contracts_sells_resume_only_once_its_distance_is_restored(
    tmp_path: Path,
) -> None:
    """After NEW graded TOP_UP, a partial retreat to 25 % (WARN, which alone allows sells)
    still sells nothing (the new leg's risk hold, shown in /status); at 40 % (past
    restore_distance 35 %) the roll sells NEW again."""
    service = await _mid_roll(tmp_path)
    placed = len(service.placed())
    _rally(service, TOP_UP_MARK)
    await _cycle(service)
    _rally(service, ("72900", "72900.1"))
    report = await _cycle(service)
    risk = report.decisions["BTC"].roll_risk
    assert risk is not None and risk.grade is RiskGrade.WARN
    assert _new_sells(service, placed) == []
    assert service.rt.state.hedges["BTC"].view["roll_new_risk_hold"] is True
    _rally(service, ("65000", "65000.1"))
    await _cycle(service)
    assert _new_sells(service, placed) == [f"place_order {NEW} sell 0.64 @ 65000.1 post-only"]
    assert service.rt.state.hedges["BTC"].view["roll_new_risk_hold"] is False


async def test_when_both_contracts_need_margin_the_new_one_waits_a_cycle(tmp_path: Path) -> None:
    """A rally on both contracts, both 18 % from liquidation, auto_top_up: the held contract
    is topped up first and the new one's top-up waits for the next cycle's balances (both
    were planned from the same free margin); the next cycle tops NEW up."""
    service = await _mid_roll(tmp_path, risk={"auto_top_up": True})
    service.fake.quotes[OLD] = (Decimal("75960"), Decimal("75960.1"))
    _rally(service, TOP_UP_MARK)
    report = await _cycle(service)
    assert report.decisions["BTC"].risk.grade is RiskGrade.TOP_UP
    margin = [w.split(" ")[1] for w in service.fake.writes if w.startswith("add_margin")]
    assert margin == [OLD]
    ((data,),) = service.rows("SELECT data FROM snapshots ORDER BY id DESC LIMIT 1")
    assert f"{NEW}: top-up waits for the next cycle" in data
    await _cycle(service)
    margin = [w.split(" ")[1] for w in service.fake.writes if w.startswith("add_margin")]
    assert margin == [OLD, NEW]


async def test_the_held_contracts_risk_hold_also_holds_the_rolls_sells(tmp_path: Path) -> None:
    """OLD under its risk hold at 25 % from liquidation (WARN: its grade alone would allow
    sells) and NEW healthy: the roll does not sell NEW."""
    service = await _mid_roll(tmp_path)
    wallet = wallet_for_liquidation_at(
        size=Decimal("-0.64"), entry_price=Decimal(60_000), price=MARK * Decimal("1.25"),
        brackets=BRACKETS,
    )  # fmt: skip
    service.fake.positions[OLD] = replace(service.fake.positions[OLD], collateral=wallet)
    service.rt.memory["BTC"] = replace(service.rt.memory["BTC"], risk_hold=True)
    placed = len(service.placed())
    report = await _cycle(service)
    assert report.decisions["BTC"].risk.grade is RiskGrade.WARN
    assert _new_sells(service, placed) == [] and service.rt.memory["BTC"].risk_hold


def _policy_says_cross(service: Service) -> None:
    """The hedge's configured margin mode turned to cross; the venue's positions stay
    isolated (as after a manual switch the daemon cannot make while a position is open)."""
    settings = service.rt.settings
    hedge = settings.hedges["BTC"].model_copy(update={"margin_mode": MarginMode.CROSS})
    hedges = {**settings.hedges, "BTC": hedge}
    service.rt.settings = settings.model_copy(update={"hedges": hedges})


async def test_the_new_contracts_top_up_follows_its_own_isolated_mode(tmp_path: Path) -> None:
    """Configured cross but NEW's position isolated on the venue: the top-up planned for
    NEW's isolated margin is added to NEW (add_margin), not dropped as if it were cross."""
    service = await _mid_roll(tmp_path, risk={"auto_top_up": True})
    _policy_says_cross(service)
    _rally(service, TOP_UP_MARK)
    report = await _cycle(service)
    risk = report.decisions["BTC"].roll_risk
    assert risk is not None and risk.grade is RiskGrade.TOP_UP
    assert risk.top_up is not None and risk.top_up.add_isolated_margin > 0
    (top_up,) = [w for w in service.fake.writes if w.startswith("add_margin")]
    assert top_up.startswith(f"add_margin {NEW} ")
