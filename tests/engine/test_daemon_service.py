"""The daemon's own duties, in-process: each cycle owns its journal row, systemd hears READY
once and RELOADING … READY around later reloads, a resume re-baselines the hedge, and the
memory survives a restart through the journal."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.api.systemd import SystemdNotifier
from bot.engine.daemon import Daemon
from bot.engine.inputs import ensure_memories
from bot.store import Journal
from tests.api.notify_socket import heard, listening

from .fake_exchange import ETH, SYMBOL
from .service import ETH_HEDGE, Service, collateral_for, open_service


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[socket.socket]:
    with listening(tmp_path) as sock:
        yield sock


def _daemon(service: Service, sock: socket.socket) -> Daemon:
    daemon = Daemon(service.settings(), service.config)
    daemon.rt = service.rt
    daemon._systemd = SystemdNotifier(sock.getsockname())
    daemon._readiness = type(daemon._readiness)(daemon._systemd)
    return daemon


async def test_a_cycle_that_raises_still_closes_its_journal_row(tmp_path: Path) -> None:
    """A bug mid-cycle propagates, and the cycle's row is finished with the error."""
    service = open_service(tmp_path)
    service.fake.fail("fetch_positions", RuntimeError("a bug"))
    with pytest.raises(RuntimeError):
        await service.cycle()
    (row,) = service.rt.journal.recent_cycles(1)
    assert row.status == "error" and row.finished_at_ms is not None
    assert row.error == "RuntimeError: a bug"
    await service.cycle()
    newest = service.rt.journal.recent_cycles(1)[0]
    assert (newest.status, newest.error) == ("ok", None)


async def test_ready_is_sent_once_and_each_reload_is_bracketed(
    tmp_path: Path, notify_socket: socket.socket
) -> None:
    """First cycle → READY=1; more cycles → nothing new; a reload → RELOADING=1, READY=1,
    also when the reload is rejected."""
    service = open_service(tmp_path)
    daemon = _daemon(service, notify_socket)
    await daemon.hedge_job()
    await daemon.hedge_job()
    assert heard(notify_socket) == ["READY=1"]
    daemon.request_reload()
    await daemon.hedge_job()
    service.config.write_text("hedges: [", encoding="utf-8")
    daemon.request_reload()
    await daemon.hedge_job()
    assert heard(notify_socket) == ["RELOADING=1", "READY=1", "RELOADING=1", "READY=1"]


async def test_a_reload_before_start_up_completed_sends_nothing(
    tmp_path: Path, notify_socket: socket.socket
) -> None:
    """A SIGHUP before the first cycle ran: no RELOADING/READY pair, just the READY=1 the
    first cycle sends."""
    service = open_service(tmp_path)
    daemon = _daemon(service, notify_socket)
    daemon.request_reload()
    await daemon.hedge_job()
    assert heard(notify_socket) == ["READY=1"]


async def test_resume_rebaselines_on_the_venues_position(tmp_path: Path) -> None:
    """Trusted at -2, the venue reports flat: paused; the operator resumes → the flat
    reading is accepted and the hedge sells the 2 BTC again."""
    service = open_service(tmp_path)
    service.fake.set_position("-2")
    await service.cycle()
    service.fake.positions.clear()
    report = await service.cycle()
    assert not report.decisions["BTC"].verdict.ok and service.placed() == []
    daemon = Daemon(service.settings(), service.config)
    daemon.rt = service.rt
    service.rt.state._on_control = daemon._on_control
    service.rt.state.resume("BTC")
    report = await service.cycle()
    assert report.decisions["BTC"].verdict.ok
    assert service.placed() == [f"place_order {SYMBOL} sell 2 @ 60000.1 post-only"]


async def test_a_resume_arriving_mid_cycle_is_not_lost(tmp_path: Path) -> None:
    """The operator resumes while the cycle waits on the venue (a brackets refresh): that
    very cycle accepts the venue's flat reading instead of overwriting the request."""
    service = open_service(tmp_path)
    service.fake.set_position("-2")
    await service.cycle()
    service.fake.positions.clear()
    daemon = Daemon(service.settings(), service.config)
    daemon.rt = service.rt
    service.rt.state._on_control = daemon._on_control
    service.rt.brackets[f"main:{SYMBOL}"] = replace(service.rt.brackets[f"main:{SYMBOL}"], due=True)
    service.fake.during("fetch_margin_brackets", lambda: service.rt.state.resume("BTC"))
    report = await service.cycle()
    assert report.decisions["BTC"].verdict.ok, report.decisions["BTC"].verdict.reason
    assert report.decisions["BTC"].trusted


async def test_memory_survives_a_restart_through_the_journal(tmp_path: Path) -> None:
    """A risk-held hedge restarts risk-held with the same baseline (memory read back from the
    journal); restarted with the hedge moved to another symbol, it starts afresh."""
    service = open_service(tmp_path)
    service.fake.set_position("-1", collateral=collateral_for("0.18"))
    await service.cycle()
    before = service.rt.memory["BTC"]
    assert before.risk_hold is True and before.trusted is not None
    service.rt.journal.close()
    path = Path(service.settings().journal.path)

    def restart(**sections: Any) -> Service:
        journal = Journal(path, clock=service.clock)
        again = open_service(
            tmp_path, clock=service.clock, fake=service.fake, journal=journal, **sections
        )
        ensure_memories(again.rt)
        return again

    assert restart().rt.memory["BTC"] == before
    moved = restart(hedges={"BTC": ETH_HEDGE}).rt.memory["BTC"]
    assert moved.legs.perp_symbol == ETH and moved.trusted is None and not moved.risk_hold
