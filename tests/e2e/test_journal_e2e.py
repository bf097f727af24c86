"""The journal tells the truth about our orders after they fill while resting."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from .harness import E2E, hedge_entry, wait_until

pytestmark = pytest.mark.e2e


def _journal_statuses(path: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return dict(db.execute("SELECT client_id, status FROM orders").fetchall())


def test_orders_filled_while_resting_are_closed_in_the_journal(e2e: E2E, tmp_path: Path) -> None:
    """Every order the venue filled is journaled as closed, none stays 'open' forever."""
    sim = e2e.sim_process(seed=11, speed=10)
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    daemon = e2e.daemon(config)
    wait_until(
        lambda: (
            sim.ratio("BTC", "BTCUSDT") is not None
            and abs((sim.ratio("BTC", "BTCUSDT") or Decimal(0)) - 1) <= Decimal("0.02")
        ),
        timeout=60,
        what="the BTC hedge to be built",
        diagnostics=daemon.diagnostics,
    )
    venue = {o["clientOrderId"]: o["status"] for o in sim.orders("BTCUSDT")}
    filled = {cid for cid, status in venue.items() if status == "FILLED"}
    assert filled, "the hedge was built by fills of our orders"
    journal = tmp_path / "journal.sqlite"
    wait_until(
        lambda: all(_journal_statuses(journal).get(cid) == "closed" for cid in filled),
        timeout=20,
        what="the journal to record the fills' final status",
        diagnostics=daemon.diagnostics,
    )
    assert daemon.stop() == 0
