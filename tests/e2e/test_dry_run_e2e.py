"""`hedgebot run --dry-run` against the simulator: the real daemon reads, decides and journals
as live — its journal shows the "would place" orders, /status and /metrics say dry run — and
the simulator's own request counts show not one mutating request from the account's key."""

from __future__ import annotations

import contextlib
import sqlite3
import urllib.request
from pathlib import Path

import pytest

from .harness import E2E, SIM_KEY, hedge_entry, wait_until
from .support import http_json

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]

BTC = "BTC/USDT:USDT"
CYCLES = 5


def _rows(journal: Path, sql: str) -> list[tuple[str, ...]]:
    uri = f"file:{journal}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as db:
        return [tuple(str(v) for v in row) for row in db.execute(sql)]


def _dry_orders(journal: Path) -> list[tuple[str, ...]]:
    return _rows(journal, "SELECT side, amount, status FROM orders ORDER BY created_at")


def test_a_dry_run_sends_no_mutating_request_and_journals_what_it_would_do(e2e: E2E) -> None:
    """1 BTC spot, flat perp, 28,000 USDT for margin and auto_top_up on: every cycle the
    daemon decides the transfer of the ~2,030 USDT missing and the 1 BTC sell at 2x, and
    journals both with status dry_run; the simulator saw reads only from its key (no order,
    leverage, margin type or transfer); /status says dry_run, the gauge is 1, the alerts'
    titles and cycle log lines say DRY RUN, and nothing rests or moved on the venue."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 60_000)
    sim.create_account(SIM_KEY, "sim-secret", {"spot": {"BTC": 1, "USDT": 5_000},
                                                "usdm": {"USDT": 28_000}})  # fmt: skip
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)}, risk={"auto_top_up": True})
    daemon = e2e.daemon(config, extra=("--dry-run",))
    api = daemon.api_url()
    journal = config.parent / "journal.sqlite"
    wait_until(
        lambda: len(_dry_orders(journal)) >= CYCLES,
        40,
        what=f"{CYCLES} dry-run cycles",
        diagnostics=daemon.diagnostics,
    )
    counts = http_json("GET", f"{sim.url}/sim/requests")["accounts"][SIM_KEY]
    assert counts["mutating"] == 0 and counts["reads"] > 0, counts
    assert set(_dry_orders(journal)) == {("sell", "1.0", "dry_run")}
    moves = _rows(journal, "SELECT kind, status FROM margin_actions")
    assert moves and set(moves) == {("transfer", "dry_run")}
    assert sim.open_orders(BTC) == [] and sim.position(BTC) == 0
    assert sim.account()["transfers"] == []
    assert http_json("GET", f"{api}/status")["dry_run"] is True
    with urllib.request.urlopen(f"{api}/metrics", timeout=5) as response:
        assert "hedgebot_dry_run 1.0" in response.read().decode()
    cycles = daemon.events("hedge.cycle")
    assert all(c.get("mode") == "DRY RUN" for c in cycles), cycles[-1]
    actions = [a for c in cycles for a in c["actions"]]
    assert any(a.startswith("would transfer") for a in actions), actions
    assert any(a.startswith("would place sell 1.0") for a in actions), actions
    started = daemon.wait_for_event("alert", where=lambda r: r.get("kind") == "started")
    assert started["title"].startswith("[DRY RUN] hedgebot")
    assert daemon.stop() == 0
    assert http_json("GET", f"{sim.url}/sim/requests")["accounts"][SIM_KEY]["mutating"] == 0
