"""`hedgebot report` on a journal written by the real daemon against the simulator (fills,
a price move and a funding settlement) sums exactly to the account's equity change as the
simulator reports it in /sim/state."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .harness import E2E, hedge_entry, wait_until

pytestmark = pytest.mark.e2e
SIM_KEY = "sim-key"


def _equity(state: dict[str, Any]) -> Decimal:
    """BTC + USDT of the default account in quote: spot BTC at the spot price, spot and
    futures USDT, and each position's isolated wallet and unrealised P&L."""
    account = state["accounts"][SIM_KEY]
    spot = account["balances"]["spot"]
    price = Decimal(state["prices"]["BTCUSDT"]["spot"])
    held = sum(
        (Decimal(spot[a]["free"]) + Decimal(spot[a]["locked"])) * p
        for a, p in (("BTC", price), ("USDT", Decimal(1)))
        if a in spot
    )
    futures = Decimal(account["balances"]["usdm"].get("USDT", "0"))
    positions = sum(
        Decimal(p["isolatedWallet"]) + Decimal(p["unrealizedPnl"]) for p in account["positions"]
    )
    return held + futures + positions


def _journal_has(path: Path, sql: str) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return bool(db.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return False


def test_report_sums_exactly_to_the_equity_change_in_sim_state(e2e: E2E, tmp_path: Path) -> None:
    """Hedge 1 BTC (resting orders crossed by the market), move the price, settle funding:
    the report's spot + perp + funding − fees total equals /sim/state's equity change from
    before the daemon started to after its last reading, exactly (the venue books the
    commissions it reports, at 8 decimals)."""
    sim = e2e.still_sim()
    before = _equity(sim.state())
    config = e2e.config(
        sim.url,
        {"BTC": hedge_entry("BTC", 1.0)},
        schedule={"poll_seconds": 1, "funding_seconds": 10},
    )
    daemon = e2e.daemon(config)
    journal = tmp_path / "journal.sqlite"
    with sim.auto_fill():
        wait_until(
            lambda: abs((sim.ratio("BTC", "BTCUSDT") or Decimal(0)) - 1) <= Decimal("0.02"),
            timeout=60,
            what="the hedge to be built",
            diagnostics=daemon.diagnostics,
        )
    sim.set_price("BTCUSDT", sim.price("BTCUSDT") * Decimal("1.03"))
    sim.post("/sim/funding", {"symbol": "BTCUSDT", "rate": "0.0003"})
    settled = sim.account()["income"][-1]["time"]
    wait_until(
        lambda: (
            _journal_has(journal, "SELECT COUNT(*) FROM funding")
            and _journal_has(
                journal,
                "SELECT COUNT(*) FROM snapshots WHERE "
                f"json_extract(data, '$.venue_ms') > {settled}",
            )
        ),
        timeout=60,
        what="the funding and a later reading journaled",
        diagnostics=daemon.diagnostics,
    )
    assert daemon.stop() == 0
    state = sim.state()
    after = _equity(state)
    result = e2e.cli("report", "-c", str(config), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["hedges"]["BTC"]["total"]
    assert Decimal(report["funding"]) > 0 and Decimal(report["fees"]) > 0
    assert Decimal(report["total"]) == after - before
    parts = (Decimal(report[k]) for k in ("spot_pnl", "perp_pnl", "funding"))
    assert sum(parts) - Decimal(report["fees"]) == Decimal(report["total"])
