"""Bad data from the venue: positions reported flat (`stale_positions`) and malformed replies
(`corrupt`). The daemon must not add to the hedge while it cannot trust what it reads, must
say why, must stay alive, and must resume once the venue answers sensibly again."""

from __future__ import annotations

import time
import urllib.request
from decimal import Decimal
from typing import Any

import pytest

from tests.chaos.support import AlertReceiver, HedgeLeg, ratios, record
from tests.e2e.harness import E2E, DaemonProcess, SimProcess, hedge_entry, wait_until

pytestmark = [pytest.mark.chaos, pytest.mark.e2e]

TARGET, BAND = Decimal("1.0"), Decimal("0.02")
LEG = HedgeLeg("BTC", "BTC", "BTC/USDT:USDT")
FAULT_WINDOW_S = 6.0  # several 1 s cycles


def _at_target(sim: SimProcess) -> bool:
    ratio = ratios(sim.state(), [LEG])["BTC"]
    return ratio is not None and abs(ratio - TARGET) <= BAND


def _start(e2e: E2E, seed: int, **sections: Any) -> tuple[SimProcess, DaemonProcess]:
    sim = e2e.sim_process(seed=seed, speed=4)
    hedge = hedge_entry("BTC", float(TARGET), band=float(BAND), leverage=3)
    config = e2e.config(sim.url, {"BTC": hedge}, **sections)
    daemon = e2e.daemon(config)
    wait_until(lambda: _at_target(sim), 90, what="hedge built", diagnostics=daemon.diagnostics)
    return sim, daemon


def _growing(state: dict[str, Any], since_ms: int) -> tuple[list[Any], list[Any]]:
    """Our short-growing orders and fills stamped at/after `since_ms` (venue clock)."""
    account = state["accounts"]["sim-key"]
    orders = [
        o
        for o in account["orders"]
        if o["side"] == "SELL" and not o["reduceOnly"] and o["time"] >= since_ms
    ]
    fills = [f for f in account["fills"] if f["side"] == "SELL" and f["time"] >= since_ms]
    return orders, fills


def _healthz(daemon: DaemonProcess) -> int:
    try:
        with urllib.request.urlopen(daemon.api_url() + "/healthz", timeout=3) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_stale_positions_never_add_to_the_hedge(e2e: E2E) -> None:
    """Positions reported flat after the hedge is built (and more spot to hedge arriving):
    no new short-growing order or fill while the fault lasts; a stale_data alert fires;
    trading resumes and reaches the new target after the fault clears."""
    with AlertReceiver() as alerts:
        sim, daemon = _start(e2e, 4301, notify={"urls": [alerts.url], "min_severity": "warning"})
        sim.faults(stale_positions=True)
        since = sim.state()["time"]
        sim.set_balance("BTC", 3)  # a naive bot would now sell 3 BTC: position "0", spot 3
        time.sleep(FAULT_WINDOW_S)
        orders, fills = _growing(sim.state(), since)
        cycles_during = len(daemon.events("hedge.cycle"))
        sim.faults()
        cleared = sim.state()["time"]
        wait_until(
            lambda: _at_target(sim), 90, what="hedge resumed", diagnostics=daemon.diagnostics
        )
        resumed_orders, _ = _growing(sim.state(), cleared)
        stale_alert = alerts.first("stale or inconsistent")
    record(
        "stale_positions",
        fault_window_s=FAULT_WINDOW_S,
        growing_orders_during_fault=len(orders),
        growing_fills_during_fault=len(fills),
        stale_alert=stale_alert is not None,
        orders_after_clear=len(resumed_orders),
    )
    assert orders == [] and fills == [], (orders, fills)
    assert cycles_during > 0
    assert stale_alert is not None, alerts.alerts
    assert resumed_orders, "trading did not resume after the fault cleared"
    assert daemon.alive()


@pytest.mark.parametrize("part", ["positions", "book", "balance"])
def test_malformed_replies_skip_the_hedge_and_never_crash(e2e: E2E, part: str) -> None:
    """corrupt=<part> (NaN size / NaN bid / negative balance): no new order while it lasts, a
    clear error naming the reply is logged, /healthz is not 200, the process stays up,
    /healthz recovers."""
    sim, daemon = _start(e2e, 4400 + len(part))
    sim.faults(corrupt=part)
    since = sim.state()["time"]
    orders_before = len(sim.state()["accounts"]["sim-key"]["orders"])
    sim.set_balance("BTC", 3)  # something to do, if the daemon believed its data
    time.sleep(FAULT_WINDOW_S)
    during = sim.state()
    unhealthy = _healthz(daemon)
    new_orders = during["accounts"]["sim-key"]["orders"][orders_before:]
    # An unreadable account reply fails the account's read; an unreadable quote only its
    # own hedge (the account's other hedges trade on): either is logged naming the reply.
    read_errors = daemon.events("account.read_failed") + daemon.events("exchange.quote_unavailable")
    errors = [
        e
        for e in read_errors
        if "nan" in str(e.get("detail", "")).lower()
        or "negative" in str(e.get("detail", ""))
        or "missing" in str(e.get("detail", ""))
    ]
    corrupted = during["faults"]["counters"]["corrupted"]
    sim.faults()
    wait_until(lambda: _healthz(daemon) == 200, 30, what="/healthz 200 again")
    wait_until(lambda: _at_target(sim), 90, what="hedge resumed", diagnostics=daemon.diagnostics)
    resumed, _ = _growing(sim.state(), since)
    record(
        f"malformed[{part}]",
        corrupted_replies=corrupted,
        orders_during_fault=len(new_orders),
        errors_logged=len(errors),
        healthz_during=unhealthy,
        first_error=str(errors[0].get("detail"))[:90] if errors else None,
        alive=daemon.alive(),
    )
    assert corrupted > 0
    assert new_orders == [], new_orders
    assert errors, daemon.diagnostics()
    assert unhealthy != 200
    assert daemon.alive(), daemon.diagnostics()
    assert resumed, "trading did not resume after the fault cleared"
