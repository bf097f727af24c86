"""The real daemon's risk guard on an ISOLATED short during a rally, against the still
simulator. The simulator (like Binance) releases isolated margin pro rata when the short
shrinks, so a cut alone never moves the liquidation price: the guard cuts once, sized for
the margin that stays, and adds the released margin back the next cycle. One rally into the
REDUCE grade must produce ONE reduction, not a staircase to zero.

Positions are signed BTC (short < 0); prices USDT per BTC; margin USDT.
"""

from __future__ import annotations

import contextlib
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .harness import E2E, InProcessSim, hedge_entry, venue_symbol, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

BTC = "BTC/USDT:USDT"
SHORT = Decimal("0.3")  # small enough for one IOC at the simulator's touch (25,000 USDT)
ENTRY = 60_000
LEVERAGE = 4  # initial margin 4,500 USDT: liquidation ≈ 24 % above the entry
RALLY = (64_000, 67_000, 69_000)  # 69,000: ≈ 8 % from liquidation, below reduce_distance
CYCLES_AFTER = 8  # hedge cycles watched after the cut (the staircase needed 2–3 per step)


def _cuts(sim: InProcessSim) -> list[dict[str, Any]]:
    """The risk guard's reductions: reduce-only buys sent immediate-or-cancel."""
    return [
        f
        for f in sim.fills(BTC)
        if f["side"] == "BUY" and f["reduceOnly"] and f["timeInForce"] == "IOC"
    ]


def _distance(sim: InProcessSim) -> Decimal:
    """The venue's liquidation distance of our short, as a fraction of the mark."""
    (row,) = [
        p
        for p in sim.account()["positions"]
        if p["symbol"] == venue_symbol(BTC) and Decimal(p["amount"]) != 0
    ]
    mark = Decimal(row["markPrice"])
    return (Decimal(row["liquidationPrice"]) - mark) / mark


def _margin_added(journal: Path) -> Decimal:
    """USDT of isolated margin the daemon journaled as added."""
    uri = f"file:{journal}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as db:
        rows = db.execute(
            "SELECT amount FROM margin_actions WHERE kind = 'add_margin' AND status = 'ok'"
        )
        return sum((Decimal(str(amount)) for (amount,) in rows), Decimal(0))


def test_one_rally_gives_one_reduction_not_a_staircase(e2e: E2E) -> None:
    """An isolated 4x short with no spare collateral and auto_top_up off, rallied into
    REDUCE, is cut once; the released margin is added back, the liquidation distance is
    restored and the rest of the short is kept over many more cycles."""
    sim = e2e.still_sim()
    sim.set_price(BTC, ENTRY)
    # 4,500 margin + the maker fee for the short; nothing else to top up from.
    sim.create_account(
        "sim-key", "sim-secret", {"spot": {"BTC": SHORT, "USDT": 0}, "usdm": {"USDT": 4_510}}
    )
    hedge = hedge_entry("BTC", 1.0, leverage=LEVERAGE, margin_mode="isolated")
    config = e2e.config(sim.url, {"BTC": hedge}, risk={"auto_top_up": False})
    daemon = e2e.daemon(config)
    with sim.auto_fill():
        wait_until(
            lambda: sim.position(BTC) == -SHORT and not sim.open_orders(BTC),
            40,
            what=f"{SHORT} BTC short built",
            diagnostics=daemon.diagnostics,
        )
    for price in RALLY:
        sim.set_price(BTC, price)
    wait_until(lambda: _cuts(sim), 30, what="a risk reduction", diagnostics=daemon.diagnostics)
    daemon.more_cycles(CYCLES_AFTER)
    assert len(_cuts(sim)) == 1, _cuts(sim)
    left = -sim.position(BTC)
    assert Decimal("0.05") < left < SHORT, left
    # Only ~10 USDT was free before the cut: the rest is the margin the cut released.
    assert _margin_added(config.parent / "journal.sqlite") > 1_000
    assert _distance(sim) > Decimal("0.30")
    assert not sim.account()["liquidations"]
    assert daemon.alive(), daemon.diagnostics()
