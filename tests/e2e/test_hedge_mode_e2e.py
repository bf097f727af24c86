"""The real daemon on a Binance account in hedge mode (dualSidePosition), against the simulator:
the hedge is built and shrunk on the SHORT leg only, every order carries positionSide SHORT and
no reduceOnly, and a LONG leg the operator holds by hand is reported in /status and never
touched; in cross margin that LONG leg is counted in the liquidation price the guard grades."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .by_hand import market_order
from .harness import E2E, InProcessSim, hedge_entry, wait_until
from .support import http_json

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

BTC = "BTC/USDT:USDT"
KEY, SECRET = "hedge-mode-key", "hedge-mode-secret"
ENV = {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": KEY, "HEDGEBOT_ACCOUNTS__MAIN__SECRET": SECRET}
LONG = Decimal("0.3")


def _rows(sim: InProcessSim) -> dict[str, dict[str, Any]]:
    """positionSide → the venue's row of our account's BTCUSDT leg."""
    rows = sim.account(KEY)["positions"]
    return {p["positionSide"]: p for p in rows if p["symbol"] == "BTCUSDT"}


def _legs(sim: InProcessSim) -> dict[str, Decimal]:
    """positionSide → signed amount of the BTCUSDT legs of our account."""
    return {side: Decimal(row["amount"]) for side, row in _rows(sim).items()}


def test_daemon_hedges_on_the_short_leg_and_leaves_the_long_leg(e2e: E2E) -> None:
    """Build to -1 BTC and shrink to -0.5 on the SHORT leg; the 0.3 LONG leg stays and is
    shown in /status; no order of ours is a LONG or reduceOnly one."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 65_000)
    funds = {"spot": {"BTC": "1"}, "usdm": {"USDT": "50000"}}
    account = {"api_key": KEY, "secret": SECRET, "position_mode": "hedge", "balances": funds}
    sim.post("/sim/accounts", account)
    market_order(sim.url, KEY, SECRET, "buy", LONG, "LONG")  # the operator's own long
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    daemon = e2e.daemon(config, env=ENV)
    status: dict[str, Any] = {}

    def hedged_to(short: str) -> bool:
        status.update(http_json("GET", f"{daemon.api_url()}/status")["hedges"]["BTC"])
        return _legs(sim).get("SHORT") == Decimal(short) and not sim.open_orders(api_key=KEY)

    with sim.auto_fill(api_key=KEY):
        wait_until(lambda: hedged_to("-1"), 40, what="SHORT leg at -1",
                   diagnostics=daemon.diagnostics)  # fmt: skip
        sim.set_balance("BTC", "0.5", api_key=KEY)
        wait_until(lambda: hedged_to("-0.5"), 40, what="SHORT leg shrunk to -0.5",
                   diagnostics=daemon.diagnostics)  # fmt: skip
    assert _legs(sim)["LONG"] == LONG
    ours = [o for o in sim.orders(api_key=KEY) if o["clientOrderId"].startswith("hb")]
    assert {o["side"] for o in ours} == {"SELL", "BUY"}
    assert all(o["positionSide"] == "SHORT" and not o["reduceOnly"] for o in ours), ours
    wait_until(lambda: hedged_to("-0.5") and Decimal(status["perp"]) == Decimal("-0.5"), 10,
               what="/status caught up", diagnostics=daemon.diagnostics)  # fmt: skip
    assert Decimal(status["long_leg"]) == LONG
    assert daemon.stop() == 0


def test_cross_margin_counts_the_long_leg_in_the_liquidation_price(e2e: E2E) -> None:
    """Cross hedge mode, 0.5 BTC LONG by hand and 8,650 USDT: the 1 BTC short is built on the
    SHORT leg, /status shows the venue's two-leg liquidation price (~25 % above the mark, not
    the short-only ~13 %) within a few USDT, cycles grade WARN (not DELEVER), and no alert
    over several cycles says the venue's price disagrees with ours; the LONG leg stays."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 65_000)
    funds = {"spot": {"BTC": "1"}, "usdm": {"USDT": "8650"}}
    account = {"api_key": KEY, "secret": SECRET, "position_mode": "hedge", "balances": funds}
    sim.post("/sim/accounts", account)
    market_order(sim.url, KEY, SECRET, "buy", Decimal("0.5"), "LONG")  # the operator's own long
    hedge = hedge_entry("BTC", 1.0, margin_mode="cross", leverage=20)
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge}), env=ENV)
    with sim.auto_fill(api_key=KEY):
        wait_until(lambda: _legs(sim).get("SHORT") == -1 and not sim.open_orders(api_key=KEY),
                   40, what="SHORT leg at -1", diagnostics=daemon.diagnostics)  # fmt: skip
    venue = Decimal(_rows(sim)["SHORT"]["liquidationPrice"])
    assert Decimal(80_000) < venue < Decimal(83_000)

    def shown() -> Decimal | None:
        status = http_json("GET", f"{daemon.api_url()}/status")["hedges"]["BTC"]
        price = status["liquidation_price"]
        return Decimal(price) if price is not None and Decimal(status["perp"]) == -1 else None

    wait_until(lambda: (p := shown()) is not None and abs(p - venue) < 5, 20,
               what="/status at the venue's liquidation price",
               diagnostics=daemon.diagnostics)  # fmt: skip
    cycles = daemon.more_cycles(4, hedge="BTC")[-4:]
    assert {c["risk"] for c in cycles} == {"warn"}, cycles
    alerts = wait_until(lambda: daemon.events("alert"), 20, what="the WARN alert",
                        diagnostics=daemon.diagnostics)  # fmt: skip
    assert not [a for a in alerts if "disagrees" in a.get("body", "")], alerts
    assert _legs(sim) == {"LONG": Decimal("0.5"), "SHORT": Decimal(-1)}
    assert daemon.stop() == 0
