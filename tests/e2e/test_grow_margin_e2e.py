"""Issue 8 item 9 with the real daemon on the simulator: 1 BTC spot, 30,000 USDT in the spot
wallet, 1,500 USDT in the futures wallet, 3x isolated at 6,600 — the 1-BTC sell needs 2,200
USDT of margin plus a fee buffer. With auto_top_up the shortfall is transferred first and
the hedge opened fully; without it a partial hedge is opened (what 1,500 affords) and one
alert says what to do; a venue that keeps rejecting gets far fewer attempts than cycles.

Positions are signed BTC (short < 0); amounts USDT."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from decimal import ROUND_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.exchange.sim_client import make_sim_exchange

from .harness import E2E, SIM_KEY, DaemonProcess, InProcessSim, hedge_entry, wait_until
from .support import http_json

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

BTC = "BTC/USDT:USDT"
PRICE = 6_600
SECRET = "sim-secret"
HEDGE = {"BTC": hedge_entry("BTC", 1.0, leverage=3, margin_mode="isolated")}
WATCHED = 8  # hedge cycles watched once the hedge is as far as it can get


def _issue_account(sim: InProcessSim, spot_btc: int = 1) -> None:
    sim.set_price(BTC, PRICE)
    sim.create_account(SIM_KEY, SECRET, {"spot": {"BTC": spot_btc, "USDT": 30_000},
                                         "usdm": {"USDT": 1_500}})  # fmt: skip


def _transfers(journal: Path) -> list[tuple[str, str]]:
    uri = f"file:{journal}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as db:
        rows = db.execute("SELECT amount, status FROM margin_actions WHERE kind = 'transfer'")
        return [(str(amount), status) for amount, status in rows]


def _alerts(daemon: DaemonProcess, kind: str) -> list[dict[str, Any]]:
    return [a for a in daemon.events("alert") if a.get("kind") == kind]


def _order_requests(sim: InProcessSim) -> int:
    counts = http_json("GET", f"{sim.url}/sim/requests")["accounts"].get(SIM_KEY, {})
    return int(counts.get("mutating_endpoints", {}).get("POST /fapi/v1/order", 0))


def test_with_auto_top_up_the_margin_is_transferred_and_the_hedge_opened_fully(e2e: E2E) -> None:
    """One spot → futures transfer of what is missing — at the ask p: p / 3 margin + the
    0.05 % fee buffer − 1,500 (703.30 at 6,600) — journaled and alerted, then the whole 1 BTC
    short; no order is ever rejected."""
    sim = e2e.still_sim()
    _issue_account(sim)
    config = e2e.config(sim.url, HEDGE, risk={"auto_top_up": True})
    daemon = e2e.daemon(config)
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == -1, 40, what="1 BTC short",
                   diagnostics=daemon.diagnostics)  # fmt: skip
    (sell,) = sim.fills(BTC)
    price = Decimal(sell["price"])
    need = (price / 3 + price * Decimal("0.0005")).quantize(Decimal("0.01"), ROUND_UP)
    assert _transfers(config.parent / "journal.sqlite") == [(str(need - 1_500), "ok")]
    assert len(sim.account()["transfers"]) == 1
    assert len(_alerts(daemon, "grow_funded")) == 1
    assert daemon.events("order.rejected") == []


def test_without_auto_top_up_a_partial_hedge_is_opened_and_alerted_once(e2e: E2E) -> None:
    """0.68 BTC (what 1,500 USDT affords at 3x, fee buffer included) is shorted instead of
    nothing; it stays there while the rest cannot be funded, nothing is transferred or
    rejected, and exactly one `margin_short` alert says what to do."""
    sim = e2e.still_sim()
    _issue_account(sim)
    daemon = e2e.daemon(e2e.config(sim.url, HEDGE))
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == Decimal("-0.68"), 40, what="0.68 BTC short",
                   diagnostics=daemon.diagnostics)  # fmt: skip
        daemon.more_cycles(WATCHED)
    assert sim.position(BTC) == Decimal("-0.68")
    (alert,) = _alerts(daemon, "margin_short")
    assert "selling 0.68 instead" in alert["body"] and "auto_top_up" in alert["body"]
    assert sim.account()["transfers"] == [] and daemon.events("order.rejected") == []


async def _lower_leverage_behind_the_daemons_back(url: str) -> None:
    client = make_sim_exchange("binanceusdm", url, api_key=SIM_KEY, secret=SECRET)
    try:
        await client.load_markets()
        await client.set_leverage(1, BTC)
    finally:
        await client.close()


def test_a_venue_that_keeps_rejecting_gets_far_fewer_attempts_than_cycles(e2e: E2E) -> None:
    """The account's leverage is set to 1x by hand after the daemon set 3x, so every sell it
    sizes for 3x is refused (-2019). Over ~40 one-second cycles the order is sent four times
    (0, 5, 15, 35 s: the wait doubles), not once per cycle, and one "orders rejected
    repeatedly" alert is raised (at the third), not one per resend."""
    sim = e2e.still_sim()
    _issue_account(sim, spot_btc=0)
    daemon = e2e.daemon(e2e.config(sim.url, HEDGE))
    daemon.wait_for_event("hedge.cycle")  # margin mode and leverage 3x are set by now
    asyncio.run(_lower_leverage_behind_the_daemons_back(sim.url))
    sim.set_balance("BTC", 1)
    daemon.wait_for_event("order.rejected", 60, after=3)  # the fourth attempt's
    daemon.more_cycles(1)  # its alert, if any, is logged before the cycle's line
    assert _order_requests(sim) == 4
    assert len(_alerts(daemon, "orders_rejected_repeatedly")) == 1
    assert sim.position(BTC) == 0
