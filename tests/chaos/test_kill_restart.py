"""SIGKILL at random moments, restart each time: never past max_ratio, never two of our orders
live for one hedge, no orphaned orders at the end, and the hedge converges to its target.

Between runs the spot holding moves (up, or down as far as keeps the short ≤ max_ratio), so
every run has something to trade and the kills land in the middle of real work.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal

import pytest

from tests.chaos.support import (
    HedgeLeg,
    Sampler,
    duplicate_client_ids,
    live_orders_by_hedge,
    ratios,
    record,
)
from tests.e2e.harness import E2E, hedge_entry, wait_until

pytestmark = [pytest.mark.chaos, pytest.mark.e2e]

TARGET, BAND, MAX_RATIO = Decimal("0.8"), Decimal("0.05"), Decimal("1.0")
LEG = HedgeLeg("BTC", "BTC", "BTC/USDT:USDT")


def _resting_sells(sim_state: dict) -> Decimal:
    """Base units the killed daemon's resting USDⓈ-M sells may still add to the short (the
    simulator's USDⓈ-M quantities are base units)."""
    venue = LEG.symbol.split("/")[0] + "USDT"
    orders = sim_state["accounts"]["sim-key"]["openOrders"]
    return sum(
        (
            Decimal(o["qty"]) - Decimal(o["executedQty"])
            for o in orders
            if o["symbol"] == venue and o["side"] == "SELL" and o["market"] == "usdm"
        ),
        Decimal(0),
    )


def _next_spot(rng: random.Random, sim_state: dict, spot: Decimal) -> Decimal:
    """A new spot holding: up to +40 %, or down but never so far that the current short plus
    any sell the killed daemon left resting (it may fill before the next daemon cancels it)
    exceeds 0.98 × spot: we must not be the ones breaking max_ratio."""
    short = (ratios(sim_state, [LEG])["BTC"] or Decimal(0)) * spot + _resting_sells(sim_state)
    floor = short / Decimal("0.98")
    wanted = spot * Decimal(str(round(rng.uniform(0.75, 1.4), 3)))
    return max(wanted, floor, Decimal("0.5")).quantize(Decimal("0.001"))


def _run(e2e: E2E, *, seed: int, kills: int, final_s: float) -> None:
    rng = random.Random(seed)
    sim = e2e.sim_process(seed=seed, speed=4)
    spot = Decimal(2)
    sim.set_balance("BTC", spot)
    hedge = hedge_entry(
        "BTC",
        float(TARGET),
        band=float(BAND),
        max_ratio=float(MAX_RATIO),
        leverage=3,
        execution={"max_order_notional": 20000, "reprice_ticks": 100},
    )
    config = e2e.config(sim.url, {"BTC": hedge}, accounts={"main": {"timeout_ms": 1500}})
    sampler = Sampler(sim, [LEG], interval=0.1)
    delays: list[float] = []
    daemons = []
    with sampler.running():
        for run in range(kills):
            daemon = e2e.daemon(config, name=f"daemon{run:02d}")
            daemons.append(daemon)
            delay = rng.uniform(1.0, 4.5)  # startup takes ~1.5 s: kills hit start and cycles
            delays.append(delay)
            time.sleep(delay)
            daemon.kill()
            spot = _next_spot(rng, sim.state(), spot)
            sim.set_balance("BTC", spot)
        final = e2e.daemon(config, name="daemon-final")

        def converged() -> bool:
            state = sim.state()
            ratio = ratios(state, [LEG])["BTC"]
            return ratio is not None and abs(ratio - TARGET) <= BAND

        wait_until(converged, final_s, what="hedge at target", diagnostics=final.diagnostics)
        settled = sim.state()
    live = live_orders_by_hedge(settled, [LEG])
    duplicates = duplicate_client_ids(settled)
    assert final.stop() == 0
    after_stop = live_orders_by_hedge(sim.state(), [LEG])
    reconciled = [e for d in [*daemons, final] for e in d.events("reconcile.done")]
    record(
        f"kill_restart[seed={seed}]",
        kills=kills,
        delays_s=f"{min(delays):.1f}..{max(delays):.1f}",
        orders=len(settled["accounts"]["sim-key"]["orders"]),
        fills=len(settled["accounts"]["sim-key"]["fills"]),
        samples=sampler.samples,
        duplicate_ids=len(duplicates),
        max_live_orders=sampler.max_live.get("BTC", 0),
        max_ratio_seen=round(sampler.max_ratio.get("BTC", Decimal(0)), 4),
        restarts_cancelling_leftovers=sum(1 for e in reconciled if e.get("cancelled")),
        killed_before_first_cycle=sum(1 for d in daemons if not d.events("hedge.cycle")),
        open_orders_at_end=sum(live.values()),
        final_ratio=round(ratios(settled, [LEG])["BTC"] or Decimal(0), 4),
    )
    assert duplicates == {}
    assert sampler.max_ratio.get("BTC", Decimal(0)) <= MAX_RATIO
    assert sampler.max_live.get("BTC", 0) <= 1, sampler.max_live
    assert sampler.max_live.get("?", 0) == 0 and sampler.max_live.get("foreign", 0) == 0
    assert live.get("BTC", 0) <= 1 and live.get("?", 0) == 0 and live.get("foreign", 0) == 0
    assert sum(after_stop.values()) == 0, f"orders left after a clean stop: {after_stop}"


def test_sigkill_twenty_times_then_converge(e2e: E2E) -> None:
    """20 SIGKILLs at seeded random moments: ratio ≤ max_ratio throughout, ≤ 1 live order,
    no orphans, target reached after the last restart."""
    _run(e2e, seed=4201, kills=20, final_s=120)


@pytest.mark.soak
@pytest.mark.timeout(900)
def test_soak_sigkill_hundred_times(e2e: E2E) -> None:
    """100 SIGKILLs (soak)."""
    _run(e2e, seed=4202, kills=100, final_s=180)
