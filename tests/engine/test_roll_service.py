"""The roll wired into the cycle, on the fake venue: a `future.series` hedge of 2 BTC whose
quarterly is 71 h from expiry starts a roll, gathers both contracts, sends one order at a
time, journals the new contract's fills as the hedge's and the roll's events, keeps
old + new within [0.66, 1] × 2 BTC, and ends holding the next quarterly (with start-up
reconciliation knowing both contracts while it is under way)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.domain.memory import HedgeLegs, HedgeMemory
from bot.domain.roll_state import RollState
from bot.engine.dated_resolve import refresh_dated
from bot.engine.roll_inputs import roll_symbols, rolled_over
from bot.engine.startup import prepare
from bot.store import Journal

from .fake_exchange import BRACKETS, btc_perp
from .service import BTC_HEDGE, START_MS, Service, open_service

OLD, NEW = "BTC/USDT:USDT-250620", "BTC/USDT:USDT-250926"
HOUR = 3_600_000


def _series_hedge() -> dict[str, Any]:
    hedge = {**BTC_HEDGE, "band": 0.34}
    del hedge["perp"]
    hedge["future"] = {"account": "main", "series": "BTC/USDT:USDT", "roll_before_hours": 72}
    return hedge


ROLL_HEDGES = {"BTC": _series_hedge()}  # 2 BTC on the series, rolled 72 h before expiry


async def rolling_service(tmp_path: Path, **sections: Any) -> Service:
    """A daemon whose 2 BTC short on OLD is 71 h from expiry: its next cycle starts a roll
    (`sections`: more YAML, e.g. risk=...)."""
    service = open_service(tmp_path, hedges=ROLL_HEDGES, **sections)
    fake = service.fake
    for symbol, expiry in ((OLD, START_MS + 71 * HOUR), (NEW, START_MS + 2_000 * HOUR)):
        fake.markets[symbol] = replace(btc_perp(), symbol=symbol, expiry_ms=expiry)
        fake.brackets[symbol] = BRACKETS
    fake.quotes[OLD] = (Decimal("60000"), Decimal("60000.1"))
    fake.quotes[NEW] = (Decimal("61000"), Decimal("61000.1"))
    fake.set_position("-2", symbol=OLD)
    await refresh_dated(service.rt)
    return service


def _short(service: Service, symbol: str) -> Decimal:
    position = service.fake.positions.get(symbol)
    return Decimal(0) if position is None else -position.contracts


def _legs(service: Service) -> tuple[Decimal, Decimal]:
    """(old short, new short) in BTC."""
    return _short(service, OLD), _short(service, NEW)


async def test_a_roll_runs_through_the_cycle_and_ends_on_the_next_quarterly(
    tmp_path: Path,
) -> None:
    """Cycle after cycle (each resting order filled in between): never two live orders,
    old + new within [1.32, 2] BTC, the new contract's fills journaled as BTC's, the journal
    says start … done with the roll cost (bought at 60,000, sold at 61,000.1: basis earned),
    and the hedge then holds the next quarterly with 2 BTC short on it."""
    service = await rolling_service(tmp_path)
    assert service.rt.resolved == {"BTC": OLD}
    for _ in range(20):
        await service.cycle()
        live = service.fake.open_orders()
        assert len(live) <= 1
        if service.rt.memory["BTC"].roll is not None:
            assert roll_symbols(service.rt) == {("main", NEW)}
        for order in live:
            service.fake.fill(order.client_id or "")
        old, new = _legs(service)
        assert Decimal("1.32") <= old + new <= 2 and old >= 0 and new >= 0
        service.clock.advance(5)
        if service.rt.resolved["BTC"] == NEW:
            break
    assert service.rt.resolved == {"BTC": NEW} and _legs(service) == (0, 2)
    memory = service.rt.memory["BTC"]
    assert memory.roll is None and memory.legs.perp_symbol == NEW
    hedges = {h for (h,) in service.rows(f"SELECT hedge FROM fills WHERE symbol = '{NEW}'")}
    assert hedges == {"BTC"}
    kinds = [k for (k,) in service.rows("SELECT kind FROM roll_events ORDER BY id")]
    assert kinds[0] == "start" and kinds[-1] == "done" and "fill" in kinds
    ((cost,),) = service.rows("SELECT cost FROM roll_events WHERE kind = 'done'")
    assert Decimal(cost) == 2 * (Decimal("60000") - Decimal("61000.1"))


async def test_a_paused_roll_cancels_its_resting_order_and_places_nothing(
    tmp_path: Path,
) -> None:
    """Paused mid-roll with a step resting: the cycle cancels it and sends nothing; resumed,
    the roll goes on from where it stood (the roll started once)."""
    service = await rolling_service(tmp_path)
    await service.cycles(2)  # the roll starts, then its first step rests
    (resting,) = service.fake.open_orders()
    service.rt.state.pause("BTC")
    placed = len(service.placed())
    await service.cycle()
    assert not service.fake.open_orders() and len(service.placed()) == placed
    assert any(c.startswith(f"cancel_order {resting.symbol}") for c in service.fake.calls)
    service.rt.state.resume("BTC")
    await service.cycle()
    assert len(service.fake.open_orders()) == 1
    kinds = [k for (k,) in service.rows("SELECT kind FROM roll_events")]
    assert kinds == ["start"]


async def test_a_restart_right_after_a_roll_ends_holds_the_new_contract(tmp_path: Path) -> None:
    """Restarted just after the cycle that finished a roll (its memory journaled still
    rolling), the daemon starts on the next quarterly: no second `done` event (the roll's
    cost counted once in the report) and no order on the expiring contract."""
    service = await rolling_service(tmp_path)
    for _ in range(20):
        await service.cycle()
        for order in service.fake.open_orders():
            service.fake.fill(order.client_id or "")
        service.clock.advance(5)
        if service.rt.resolved["BTC"] == NEW:
            break
    assert service.rt.resolved == {"BTC": NEW}
    service.rt.journal.close()
    journal = Journal(Path(service.settings().journal.path), clock=service.clock)
    again = open_service(
        tmp_path, clock=service.clock, fake=service.fake, journal=journal, hedges=ROLL_HEDGES
    )
    await prepare(again.rt)
    assert again.rt.resolved == {"BTC": NEW}
    placed = len(again.placed())
    await again.cycles(3)
    kinds = [k for (k,) in again.rows("SELECT kind FROM roll_events ORDER BY id")]
    assert kinds.count("done") == 1 and kinds[0] == "start"
    assert again.rt.memory["BTC"].roll is None and again.rt.memory["BTC"].legs.perp_symbol == NEW
    assert len(again.placed()) == placed and _legs(again) == (0, 2)


def test_a_done_roll_hands_the_new_contracts_risk_hold_to_the_held_memory() -> None:
    """The roll's new contract, topped up and still short of restore_distance when the roll
    ends, stays held once it is the held contract: its short is not grown on the next cycle."""
    legs = HedgeLegs("main", "BTC", "main", OLD)
    roll = RollState(from_symbol=OLD, to_symbol=NEW, started_ms=START_MS, size=Decimal(2))
    done = rolled_over(HedgeMemory(legs=legs), replace(roll, risk_hold=True))
    assert done.legs.perp_symbol == NEW and done.risk_hold is True
    assert rolled_over(HedgeMemory(legs=legs), roll).risk_hold is False
