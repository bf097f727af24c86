"""Operator controls on the running daemon: the kill switch file and pause/resume."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from .harness import E2E, hedge_entry, wait_until

pytestmark = pytest.mark.e2e


def test_kill_switch_file_cancels_our_orders_and_blocks_new_ones(e2e: E2E, tmp_path: Path) -> None:
    """While the kill switch file exists our order is cancelled and none is placed; removing
    it lets the hedge trade again."""
    sim = e2e.still_sim(seed=5)  # prices still: our post-only order rests
    kill = tmp_path / "KILL"
    config = e2e.config(
        sim.url, {"BTC": hedge_entry("BTC", 1.0)}, control={"kill_switch_file": str(kill)}
    )
    daemon = e2e.daemon(config)
    wait_until(
        lambda: len(sim.open_orders("BTCUSDT")) == 1,
        timeout=30,
        what="the first resting order",
        diagnostics=daemon.diagnostics,
    )
    placed_before = len(sim.orders("BTCUSDT"))
    kill.write_text("stop\n")
    wait_until(
        lambda: not sim.open_orders("BTCUSDT"),
        timeout=20,
        what="the kill switch to cancel our order",
        diagnostics=daemon.diagnostics,
    )
    daemon.wait_for_event("hedge.cycle", timeout=10, after=len(daemon.events("hedge.cycle")))
    daemon.wait_for_event("hedge.cycle", timeout=10, after=len(daemon.events("hedge.cycle")))
    assert len(sim.orders("BTCUSDT")) == placed_before, "no order while the kill switch is on"
    status = json.load(urllib.request.urlopen(daemon.api_url() + "/status", timeout=5))
    assert status["kill_switch"] is True
    kill.unlink()
    wait_until(
        lambda: len(sim.open_orders("BTCUSDT")) == 1,
        timeout=20,
        what="trading to resume without the file",
        diagnostics=daemon.diagnostics,
    )
    assert daemon.stop() == 0
