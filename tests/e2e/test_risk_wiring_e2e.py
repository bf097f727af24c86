"""The risk guard wired into the real daemon, against the still simulator (issue 8 items 1
and 5): while the venue's margin brackets cannot be read the short is not grown and an alert
says why, and growing resumes once they can; a negative equity (no liquidation price can be
solved) still reaches the REDUCE grade and the short is bought back.

Positions are signed BTC (short < 0); prices USDT per BTC."""

from __future__ import annotations

import signal
from decimal import Decimal

import pytest

from bot.engine.brackets import RETRY_AFTER_MS

from .harness import E2E, SIM_KEY, hedge_entry, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

BTC = "BTC/USDT:USDT"
ETH = "ETH/USDT:USDT"
BRACKETS = "/fapi/v1/leverageBracket"
SHORT = Decimal("0.3")


def test_without_brackets_the_hedge_is_not_grown_until_they_are_back(e2e: E2E) -> None:
    """An ETH hedge added by a reload while the venue's brackets endpoint fails
    (`fail_paths`; ccxt's own copy, read at start, keeps positions readable): the ETH short
    is not grown, one `brackets_unavailable` alert names the venue's error, BTC's hedge
    carries on; once the endpoint answers, the retry a minute later reads them and the
    3 ETH short is built."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 60_000)
    sim.set_price(ETH, 3_000)
    balances = {"spot": {"BTC": "0.3", "ETH": "3"}, "usdm": {"USDT": 40_000}}
    sim.create_account(SIM_KEY, "sim-secret", balances)
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    daemon = e2e.daemon(config)
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == -SHORT, 40, what="the BTC short",
                   diagnostics=daemon.diagnostics)  # fmt: skip
    sim.faults(fail_paths=[BRACKETS])
    e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0), "ETH": hedge_entry("ETH", 1.0)})
    daemon.send_signal(signal.SIGHUP)
    daemon.wait_for_event("config.reloaded")
    daemon.more_cycles(6, hedge="ETH")
    assert sim.orders(ETH) == [] and sim.position(ETH) == 0
    (alert,) = [a for a in daemon.events("alert") if a.get("kind") == "brackets_unavailable"]
    assert alert["hedge"] == "ETH" and "-1001" in alert["body"] and ETH in alert["body"]
    notes = daemon.more_cycles(0, hedge="ETH")[-1]["notes"]
    assert any("margin brackets unavailable" in n for n in notes), notes
    sim.faults()
    with sim.auto_fill():
        wait_until(
            lambda: sim.position(ETH) == -3,
            RETRY_AFTER_MS / 1000 + 40,
            what="the ETH short once brackets are back",
            diagnostics=daemon.diagnostics,
        )
    assert sim.position(BTC) == -SHORT and daemon.alive(), daemon.diagnostics()


def test_negative_equity_reaches_reduce_and_the_short_is_bought_back(e2e: E2E) -> None:
    """A 0.3 BTC cross short after a small rally (uPnL −300), then the futures wallet is
    emptied by hand: the margin balance is negative, no liquidation price exists, and the
    guard still grades REDUCE (not stuck at TOP_UP), alerts `risk_reduce` and buys the short
    back reduce-only, immediate-or-cancel; no reason reads "None"."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 60_000)
    sim.create_account(SIM_KEY, "sim-secret", {"spot": {"BTC": "0.3"}, "usdm": {"USDT": 20_000}})
    hedge = hedge_entry("BTC", 1.0, margin_mode="cross")
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge}))
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == -SHORT and not sim.open_orders(BTC), 40,
                   what="0.3 BTC cross short", diagnostics=daemon.diagnostics)  # fmt: skip
    sim.set_price(BTC, 61_000)
    sim.set_balance("USDT", 0, wallet="usdm")  # no price step follows: no liquidation runs
    cuts = lambda: [f for f in sim.fills(BTC) if f["side"] == "BUY" and f["reduceOnly"]]  # noqa: E731
    wait_until(cuts, 30, what="a reduce-only buy", diagnostics=daemon.diagnostics)
    (cut,) = cuts()
    assert cut["timeInForce"] == "IOC" and sim.position(BTC) > -SHORT
    # The venue fills the IOC before the daemon writes the cycle's log line: wait for it.
    daemon.wait_for_event("hedge.cycle", 30, where=lambda c: c.get("risk") == "reduce")
    alert = daemon.wait_for_event("alert", 30, where=lambda a: a.get("kind") == "risk_reduce")
    assert "None" not in alert["body"]
    assert not sim.account()["liquidations"]
