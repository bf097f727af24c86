"""`hedgebot plan` decides exactly as the running daemon would: it reads the daemon's journal
read-only (pauses, memories and trusted position, today's turnover, orders in flight) through
the cycle's own input builder, honours the kill switch, and writes nothing."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.domain.decision import Decision
from bot.domain.model import Wallet
from bot.engine.commands import snapshot_plan
from bot.store import InstanceLock, Journal, JournalError

from .fake_exchange import SYMBOL
from .service import BTC_HEDGE, Service, open_service


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
