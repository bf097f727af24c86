"""The risk guard wired into the real daemon, against the still simulator (issue 8 items 1
and 5): while the venue's margin brackets cannot be read the short is not grown and an alert
says why, and growing resumes once they can; a short held without brackets is graded from the
venue's own liquidation price; a negative equity (no liquidation price can be
solved) still reaches the REDUCE grade and the short is bought back.

Positions are signed BTC (short < 0); prices USDT per BTC."""

from __future__ import annotations

import asyncio
import signal
from decimal import Decimal

import pytest

from bot.engine.brackets import RETRY_AFTER_MS
from bot.exchange.sim_client import make_sim_exchange

from .harness import E2E, SIM_KEY, hedge_entry, wait_until
from .support import http_json

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

BTC = "BTC/USDT:USDT"
ETH = "ETH/USDT:USDT"
BRACKETS = "/fapi/v1/leverageBracket"
SHORT = Decimal("0.3")
SECRET = "sim-secret"


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
    sim.create_account(SIM_KEY, SECRET, balances)
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


async def _short_by_hand(url: str, symbol: str, amount: int) -> None:
    """A 2x isolated market sell sent by the account's owner, not by the daemon."""
    client = make_sim_exchange("binanceusdm", url, api_key=SIM_KEY, secret=SECRET)
    try:
        await client.load_markets()
        await client.set_margin_mode("isolated", symbol)
        await client.set_leverage(2, symbol)
        await client.create_order(symbol, "market", "sell", amount)
    finally:
        await client.close()


def test_a_short_held_without_brackets_is_graded_from_the_venues_liquidation_price(
    e2e: E2E,
) -> None:
    """A 2 ETH isolated short opened by hand, then the ETH hedge (3 ETH spot) added by a
    reload while the brackets endpoint fails, the mark 20 % under the venue's liquidation
    price: the short is held (not grown to 3), and the guard grades WARN from the venue's
    own liquidation price (in the `risk_warn` alert and on /status) — not blind, not None."""
    sim = e2e.still_sim()
    sim.set_price(ETH, 3_000)
    sim.create_account(SIM_KEY, SECRET, {"spot": {"ETH": "3"}, "usdm": {"USDT": 40_000}})
    asyncio.run(_short_by_hand(sim.url, ETH, 2))
    (venue,) = [p for p in sim.account()["positions"] if p["symbol"] == "ETHUSDT"]
    liquidation = Decimal(str(venue["liquidationPrice"]))
    sim.set_price(ETH, (liquidation / Decimal("1.25")).quantize(Decimal("0.01")))
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)}))
    daemon.wait_for_event("hedge.cycle")
    sim.faults(fail_paths=[BRACKETS])
    e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0), "ETH": hedge_entry("ETH", 1.0)})
    daemon.send_signal(signal.SIGHUP)
    daemon.wait_for_event("config.reloaded")
    cycle = daemon.wait_for_event("hedge.cycle", 30, where=lambda c: c.get("hedge") == "ETH")
    assert cycle["risk"] == "warn", cycle
    alert = daemon.wait_for_event("alert", 30, where=lambda a: a.get("kind") == "risk_warn")
    assert f"liquidation {liquidation:.2f}" in alert["body"], alert["body"]
    assert "venue's liquidation price" in alert["body"], alert["body"]
    status = http_json("GET", f"{daemon.api_url()}/status")["hedges"]["ETH"]
    assert abs(Decimal(str(status["liquidation_price"])) - liquidation) < 1, status
    daemon.more_cycles(3, hedge="ETH")
    assert sim.position(ETH) == -2 and len(sim.orders(ETH)) == 1


def test_negative_equity_reaches_reduce_and_the_short_is_bought_back(e2e: E2E) -> None:
    """A 0.3 BTC cross short after a small rally (uPnL −300), then the futures wallet is
    emptied by hand: the margin balance is negative, no liquidation price exists, and the
    guard still grades REDUCE (not stuck at TOP_UP), alerts `risk_reduce` and buys the short
    back reduce-only, immediate-or-cancel; no reason reads "None"."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 60_000)
    sim.create_account(SIM_KEY, SECRET, {"spot": {"BTC": "0.3"}, "usdm": {"USDT": 20_000}})
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
