"""`hedgebot plan` decides exactly as the running daemon would: it reads the daemon's journal
read-only (pauses, memories and trusted position, today's turnover, orders in flight) through
the cycle's own input builder, honours the kill switch, and writes nothing."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.domain.decision import Decision
from bot.domain.model import Wallet
from bot.engine.commands import snapshot_plan
from bot.engine.plan_report import plan_document, render_plan
from bot.store import InstanceLock, Journal, JournalError

from .fake_exchange import SYMBOL
from .service import BTC_HEDGE, Service, open_service
from .test_roll_service import NEW, OLD, ROLL_HEDGES, rolling_service


def _planner(daemon: Service, tmp_path: Path, **sections: Any) -> Service:
    """A plan's runtime beside `daemon`: same venue and clock, the journal read-only."""
    journal = Journal(daemon.settings().journal.path, read_only=True, clock=daemon.clock)
    return open_service(tmp_path, clock=daemon.clock, fake=daemon.fake, journal=journal, **sections)


async def _plan(planner: Service) -> Decision:
    outcome = (await snapshot_plan(planner.rt))["BTC"]
    assert outcome.decision is not None, outcome.error
    return outcome.decision


async def _same_as_next_cycle(daemon: Service, tmp_path: Path, **sections: Any) -> Decision:
    """Plan now, then let the daemon run its next cycle: both must decide the same."""
    planned = await _plan(_planner(daemon, tmp_path, **sections))
    report = await daemon.cycle()
    decided = report.decisions["BTC"]
    assert (planned.verdict, planned.plan) == (decided.verdict, decided.plan)
    return planned


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_plan_keeps_the_daemons_resting_order(tmp_path: Path) -> None:
    """The daemon's sell rests at the touch: the plan keeps it and places nothing."""
    daemon = open_service(tmp_path)
    await daemon.cycle()
    planned = await _same_as_next_cycle(daemon, tmp_path)
    assert planned.plan.orders == () and planned.plan.kept == ("1",)


async def test_plan_honours_an_operator_pause_from_the_journal(tmp_path: Path) -> None:
    """Paused by the operator (journaled): the plan says so and places nothing."""
    daemon = open_service(tmp_path)
    daemon.rt.journal.record_operator_event("pause", source="api", hedge="BTC")
    daemon.rt.state.pause("BTC")
    planned = await _same_as_next_cycle(daemon, tmp_path)
    assert planned.plan.orders == () and "paused by operator" in planned.plan.notes


async def test_plan_compares_the_position_with_the_daemons_trusted_baseline(
    tmp_path: Path,
) -> None:
    """Trusted at -2, the venue now reports flat: the plan, like the daemon, does not trust
    it (a plan without the journal would sell 2 BTC into a glitch)."""
    daemon = open_service(tmp_path)
    daemon.fake.set_position("-2")
    await daemon.cycle()
    daemon.fake.positions.clear()
    planned = await _same_as_next_cycle(daemon, tmp_path)
    assert not planned.verdict.ok and planned.plan.orders == ()


async def test_plan_counts_a_fill_the_daemon_has_not_journaled_yet(tmp_path: Path) -> None:
    """Our sell filled on the venue after the daemon's last cycle: the plan adds that fill to
    the baseline as the daemon will once it journals it — consistent, nothing to do."""
    daemon = open_service(tmp_path)
    await daemon.cycle()
    daemon.clock.advance(1)
    daemon.fake.fill(daemon.fake.open_orders()[0].client_id or "")
    planned = await _same_as_next_cycle(daemon, tmp_path)
    assert planned.verdict.ok, planned.verdict.reason
    assert planned.plan.orders == () and planned.position.contracts == -2


async def test_plan_respects_todays_turnover(tmp_path: Path) -> None:
    """120 000 USDT traded today against a 100 000 cap: the plan, like the daemon, sells no
    more."""
    hedges = {"BTC": {**BTC_HEDGE, "max_daily_turnover": 100_000}}
    daemon = open_service(tmp_path, hedges=hedges)
    await daemon.cycle()
    daemon.clock.advance(1)
    daemon.fake.fill(daemon.fake.open_orders()[0].client_id or "")
    daemon.fake.balances[Wallet.SPOT]["BTC"] = Decimal(4)
    await daemon.cycle()
    planned = await _same_as_next_cycle(daemon, tmp_path, hedges=hedges)
    assert planned.plan.orders == ()
    assert any("turnover" in n for n in planned.plan.notes), planned.plan.notes


async def test_plan_waits_for_an_order_in_flight(tmp_path: Path) -> None:
    """The daemon's last order has an unknown outcome: the plan places nothing either."""
    daemon = open_service(tmp_path)
    daemon.fake.ambiguous_place(booked=False)
    await daemon.cycle()
    planned = await _same_as_next_cycle(daemon, tmp_path)
    assert planned.plan.orders == ()
    assert planned.plan.notes == ("waiting for the outcome of an order sent earlier",)


async def test_plan_honours_the_kill_switch(tmp_path: Path) -> None:
    """The kill switch file exists: the plan cancels the resting order and places nothing."""
    stop = tmp_path / "STOP"
    daemon = open_service(tmp_path, control={"kill_switch_file": str(stop)})
    await daemon.cycle()
    stop.touch()
    planned = await _same_as_next_cycle(daemon, tmp_path, control={"kill_switch_file": str(stop)})
    assert [c.order_id for c in planned.plan.cancels] == ["1"] and planned.plan.orders == ()


async def test_plan_writes_nothing_beside_a_daemon_that_holds_the_lock(tmp_path: Path) -> None:
    """With the daemon's lock held and the daemon writing: the plan reads, the journal file
    is byte for byte what the daemon left, and a write through the plan's journal fails."""
    daemon = open_service(tmp_path)
    path = Path(daemon.settings().journal.path)
    with InstanceLock(path):
        await daemon.cycle()
        planner = _planner(daemon, tmp_path)
        daemon.rt.journal.pragma("wal_checkpoint(TRUNCATE)")
        before = _digest(path), daemon.rt.journal.count("cycles")
        await snapshot_plan(planner.rt)
        assert (_digest(path), daemon.rt.journal.count("cycles")) == before
        with pytest.raises(JournalError, match="readonly"):
            planner.rt.journal.start_cycle("plan")
        await daemon.cycle()  # the daemon still writes while the plan's reader is open
        assert daemon.rt.journal.count("cycles") == 2
        assert f"place_order {SYMBOL}" in " ".join(daemon.placed())


# --- a `future.series` hedge rolling to the next quarterly ---------------------------------


def _fill_resting(daemon: Service) -> None:
    """The roll's resting step fills on the venue (after the daemon's last cycle)."""
    (resting,) = daemon.fake.open_orders()
    daemon.clock.advance(5)
    daemon.fake.fill(resting.client_id or "")


async def test_plan_starts_the_roll_the_daemon_is_due_to_start(tmp_path: Path) -> None:
    """71 h before OLD expires (roll window 72 h): the plan, like the daemon's next cycle,
    starts the roll to NEW and places nothing (not the held contract's plan)."""
    daemon = await rolling_service(tmp_path)
    planned = await _same_as_next_cycle(daemon, tmp_path, hedges=ROLL_HEDGES)
    assert planned.plan.orders == ()
    assert f"roll started: rolling {OLD} → {NEW} (0 of 2 moved)" in planned.plan.notes


async def test_plan_keeps_the_rolls_resting_step(tmp_path: Path) -> None:
    """Mid-roll with the daemon's step resting on OLD: the plan reads both contracts and
    keeps that order, as the daemon's next cycle does."""
    daemon = await rolling_service(tmp_path)
    await daemon.cycles(2)  # the roll starts, then its first step rests
    (resting,) = daemon.fake.open_orders()
    planned = await _same_as_next_cycle(daemon, tmp_path, hedges=ROLL_HEDGES)
    assert planned.plan.kept == (resting.id,) and planned.plan.orders == ()
    assert planned.plan.notes[0] == f"rolling {OLD} → {NEW} (0 of 2 moved)"


async def test_plan_places_the_next_roll_step_counting_an_unjournaled_fill(
    tmp_path: Path,
) -> None:
    """Both legs of the first slice filled, the second after the daemon's last cycle: the
    plan counts it (0.68 of 2 moved) and places the next step on OLD, reduce-only, as the
    daemon's next cycle does."""
    daemon = await rolling_service(tmp_path)
    await daemon.cycles(2)
    _fill_resting(daemon)  # bought back on OLD
    await daemon.cycle()  # the new leg's sell rests
    _fill_resting(daemon)
    planned = await _same_as_next_cycle(daemon, tmp_path, hedges=ROLL_HEDGES)
    (order,) = planned.plan.orders
    assert (order.symbol, order.side.value, order.reduce_only) == (OLD, "buy", True)
    assert planned.plan.notes[0] == f"rolling {OLD} → {NEW} (0.68 of 2 moved)"


async def test_plan_holds_the_new_contract_once_the_roll_is_done(tmp_path: Path) -> None:
    """The cycle that finished the roll journaled the hedge's memory still on OLD: the
    plan, like the daemon, plans the hedge on NEW with no roll step."""
    daemon = await rolling_service(tmp_path)
    while daemon.rt.resolved["BTC"] != NEW:
        await daemon.cycle()
        if daemon.fake.open_orders():
            _fill_resting(daemon)
    planned = await _same_as_next_cycle(daemon, tmp_path, hedges=ROLL_HEDGES)
    assert planned.memory.legs.perp_symbol == NEW and planned.memory.roll is None
    assert not any(n.startswith("rolling") for n in planned.plan.notes)


async def test_plan_moves_past_a_contract_that_expired_mid_roll(tmp_path: Path) -> None:
    """The venue clock passes OLD's expiry mid-roll: the plan drops the contract the
    journal holds and plans the hedge on NEW, as the daemon's next cycle does."""
    daemon = await rolling_service(tmp_path)
    await daemon.cycles(2)
    _fill_resting(daemon)
    daemon.clock.advance(72 * 3600)  # seconds: OLD expired (71 h), NEW listed
    await daemon.cycle()  # reads the venue clock past OLD's expiry
    planned = await _same_as_next_cycle(daemon, tmp_path, hedges=ROLL_HEDGES)
    assert planned.memory.legs.perp_symbol == NEW and planned.memory.roll is None


async def test_plan_of_a_roll_step_writes_and_sends_nothing(tmp_path: Path) -> None:
    """Mid-roll with a leg fill the journal does not hold yet: the plan places and cancels
    nothing, and the journal (fills, roll events, memories) is byte for byte unchanged."""
    daemon = await rolling_service(tmp_path)
    await daemon.cycles(2)
    _fill_resting(daemon)
    path = Path(daemon.settings().journal.path)
    daemon.rt.journal.pragma("wal_checkpoint(TRUNCATE)")
    before, calls = _digest(path), len(daemon.fake.calls)
    planned = await _plan(_planner(daemon, tmp_path, hedges=ROLL_HEDGES))
    assert planned.plan.orders  # the plan would send the roll's next step ...
    sent = [c for c in daemon.fake.calls[calls:] if c.startswith(("place", "cancel"))]
    assert sent == [] and _digest(path) == before  # ... and sent, journaled nothing


async def test_printed_plan_shows_the_roll_step(tmp_path: Path) -> None:
    """Mid-roll, the printed plan says which contracts it rolls, how far, and the step it
    would send on which contract (the new one named on its order line)."""
    daemon = await rolling_service(tmp_path)
    await daemon.cycles(2)
    _fill_resting(daemon)  # 0.68 bought back on OLD: the next step sells NEW
    outcomes = await snapshot_plan(_planner(daemon, tmp_path, hedges=ROLL_HEDGES).rt)
    out = io.StringIO()
    render_plan(plan_document(outcomes), out)
    text = out.getvalue()
    assert f"rolling {OLD} → {NEW} (0 of 2 moved): sell 0.68 {NEW} post-only\n" in text
    assert f"would place  sell 0.68 {NEW} @ 61000.1 (post-only, grow;" in text
    assert text.count(f"rolling {OLD}") == 1 and text.count("sell 0.68") == 2  # said once each
