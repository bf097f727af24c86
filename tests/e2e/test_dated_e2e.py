"""The real daemon hedging BTC with a fixed dated future (`future:`, the current USDⓈ-M
quarterly) against the still simulator: the short is built on the quarterly, its annualised
basis is in the status, and as simulated time reaches the contract's last hour the short is
bought back before delivery (a fixed contract is never delivered). A `future.series`
hedge resolves its quarterly from the listings and, after a delivery, moves to the next.

Positions are signed BTC (short < 0); prices USDT per BTC; times epoch ms (venue clock).
"""

from __future__ import annotations

import json
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .harness import E2E, DaemonProcess, InProcessSim, hedge_entry, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

SHORT = Decimal("0.3")


def _quarterly(sim: InProcessSim) -> tuple[str, str, int]:
    """(ccxt symbol, venue id, delivery ms) of BTCUSDT's current quarterly."""
    current = sim.state()["listings"]["usdm"]["BTCUSDT"]["current"]
    venue = str(current["symbol"])
    return f"BTC/USDT:USDT-{venue.split('_')[1]}", venue, int(current["deliveryDate"])


def _status(daemon: DaemonProcess) -> dict[str, Any]:
    with urllib.request.urlopen(daemon.api_url() + "/status", timeout=5) as response:
        return dict(json.load(response)["hedges"]["BTC"])


def _with_basis(daemon: DaemonProcess) -> dict[str, Any] | None:
    status = _status(daemon)
    return status if status.get("basis") is not None else None


def _short_built(sim: InProcessSim, daemon: DaemonProcess, venue: str) -> None:
    wait_until(
        lambda: sim.position(venue) == -SHORT and not sim.open_orders(venue),
        40,
        what=f"a {SHORT} BTC short on {venue} (now {sim.position(venue)})",
        diagnostics=daemon.diagnostics,
    )


def _bought_back_before_delivery(
    sim: InProcessSim, daemon: DaemonProcess, venue: str, delivery: int
) -> None:
    """Move the simulator's clock to 30 minutes before delivery; the short must be closed."""
    sim.post("/sim/time", {"advance_ms": delivery - 30 * 60_000 - int(sim.state()["time"])})
    wait_until(
        lambda: sim.position(venue) == 0,
        40,
        what=f"the {venue} short bought back before delivery",
        diagnostics=daemon.diagnostics,
    )


def test_fixed_quarterly_hedge_shows_its_basis_and_is_closed_before_delivery(e2e: E2E) -> None:
    """0.3 BTC hedged on the current quarterly: a 0.3 BTC short on it, the status shows an
    annualised basis near the simulator's 8 %/yr; an hour before delivery the short is
    bought back (reduce-only) and nothing of ours is delivered."""
    sim = e2e.still_sim()
    sim.set_price("BTCUSDT", 60_000)
    sim.create_account(
        "sim-key", "sim-secret", {"spot": {"BTC": SHORT, "USDT": 0}, "usdm": {"USDT": 20_000}}
    )
    symbol, venue, delivery = _quarterly(sim)
    hedge = hedge_entry("BTC", 1.0)
    del hedge["perp"]
    hedge["future"] = {"account": "main", "symbol": symbol}
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge}))
    with sim.auto_fill():
        _short_built(sim, daemon, venue)
        status = wait_until(lambda: _with_basis(daemon), 20, what="the basis in the status")
        assert Decimal("0.07") < Decimal(status["basis"]) < Decimal("0.09"), status
        _bought_back_before_delivery(sim, daemon, venue, delivery)
    buys = [f for f in sim.fills(venue) if f["side"] == "BUY"]
    assert buys and all(f["reduceOnly"] for f in buys)
    assert not sim.account()["deliveries"]


def _listed(sim: InProcessSim, which: str) -> tuple[str, str]:
    """(ccxt symbol, venue id) of BTCUSDT's `current` or `next` quarterly."""
    venue = str(sim.state()["listings"]["usdm"]["BTCUSDT"][which]["symbol"])
    return f"BTC/USDT:USDT-{venue.split('_')[1]}", venue


def _series_hedge(e2e: E2E, future: dict[str, Any]) -> tuple[InProcessSim, Path]:
    """A still simulator holding 0.3 BTC spot, and a config hedging it on the
    BTC/USDT:USDT series (`future` adds keys)."""
    sim = e2e.still_sim()
    sim.set_price("BTCUSDT", 60_000)
    sim.create_account(
        "sim-key", "sim-secret", {"spot": {"BTC": SHORT, "USDT": 0}, "usdm": {"USDT": 20_000}}
    )
    hedge = hedge_entry("BTC", 1.0)
    del hedge["perp"]
    hedge["future"] = {"account": "main", "series": "BTC/USDT:USDT", **future}
    return sim, e2e.config(sim.url, {"BTC": hedge})


def test_a_series_hedge_holds_the_quarter_and_moves_to_the_next_after_delivery(
    e2e: E2E,
) -> None:
    """`future: {series: BTC/USDT:USDT, expiry: quarter}`: the daemon resolves the current
    quarterly from the listings and shorts it; met first in its last hour (the clock jumps
    past the roll window's start), the roll buys the short back whole before delivery and
    the quarterly that was next holds it (nothing of ours delivered). The paired roll
    inside its window: tests/e2e/test_roll_e2e.py."""
    sim, config = _series_hedge(e2e, {"expiry": "quarter"})
    _, venue, delivery = _quarterly(sim)
    _, following = _listed(sim, "next")
    daemon = e2e.daemon(config)
    with sim.auto_fill():
        _short_built(sim, daemon, venue)
        assert sim.position(following) == 0
        _bought_back_before_delivery(sim, daemon, venue, delivery)
        sim.post("/sim/time", {"advance_ms": 31 * 60_000})
        _short_built(sim, daemon, following)
    assert not sim.account()["deliveries"]


def test_a_series_hedge_restarted_in_its_contracts_last_hour_closes_it(e2e: E2E) -> None:
    """Restarted 30 minutes before its quarterly delivers, a series hedge keeps the contract
    its journal names and buys it back (the next one never holds more than the rest of the
    0.3 BTC short beside it); after the delivery it shorts the next. Nothing of ours is
    delivered."""
    sim, config = _series_hedge(e2e, {})
    _, venue, delivery = _quarterly(sim)
    _, following = _listed(sim, "next")
    with sim.auto_fill():
        daemon = e2e.daemon(config)
        _short_built(sim, daemon, venue)
        assert daemon.stop() == 0
        sim.post("/sim/time", {"advance_ms": delivery - 30 * 60_000 - int(sim.state()["time"])})
        again = e2e.daemon(config, name="restarted")
        wait_until(
            lambda: sim.position(venue) == 0,
            40,
            what=f"the {venue} short bought back by the restarted daemon",
            diagnostics=again.diagnostics,
        )
        assert sim.position(following) >= -SHORT  # the roll refills it: never a double short
        sim.post("/sim/time", {"advance_ms": 31 * 60_000})
        _short_built(sim, again, following)
    assert not sim.account()["deliveries"]


def test_check_names_the_contract_a_series_holds(e2e: E2E) -> None:
    """`hedgebot check` accepts `future: {series: BTC/USDT:USDT, expiry: next_quarter}` and
    says which listed quarterly it resolves to now (the next one)."""
    sim, config = _series_hedge(e2e, {"expiry": "next_quarter"})
    following, _ = _listed(sim, "next")
    result = e2e.cli("check", "-c", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    said = f"hedges.BTC.future.series: BTC/USDT:USDT (next_quarter) holds {following} now"
    assert said in result.stdout, result.stdout
