"""The real daemon hedging a basket of three coins (SOL, ETH and XRP, what the simulator
lists) with ONE BTC/USDT:USDT short against the still simulator: 15,000 USDT of each coin is
0.25 BTC at 60,000; targets 1.0 / 0.6 / 0.4 → 0.25 + 0.15 + 0.1 = a 0.5 BTC short.

Positions are signed BTC (short < 0); balances in coins; prices USDT.
"""

from __future__ import annotations

import json
import signal
from decimal import Decimal
from typing import Any

import pytest

from .harness import E2E, InProcessSim, hedge_entry, wait_until
from .support import http_json

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

PERP = "BTC/USDT:USDT"
TARGETS = {"SOL": "1.0", "ETH": "0.6", "XRP": "0.4"}
BUILD_S = 40.0


def _funded(e2e: E2E) -> InProcessSim:
    sim = e2e.still_sim()
    for symbol, price in (("BTCUSDT", "60000"), ("SOLUSDT", "150"), ("ETHUSDT", "3000"),
                          ("XRPUSDT", "0.6")):  # fmt: skip
        sim.set_price(symbol, price)
    spot = {"SOL": 100, "ETH": 5, "XRP": 25_000, "USDT": 0}
    sim.create_account("sim-key", "sim-secret", {"spot": spot, "usdm": {"USDT": 20_000}})
    return sim


def _hedges(names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {n: hedge_entry(n, float(TARGETS[n]), symbol=PERP) for n in names}


def _settled(sim: InProcessSim, short: str) -> bool:
    return sim.position(PERP) == -Decimal(short) and not sim.open_orders(PERP)


def _views(api: str) -> dict[str, Any]:
    hedges: dict[str, Any] = http_json("GET", f"{api}/status")["hedges"]
    return hedges


def _ratios_at_targets(api: str, names: tuple[str, ...]) -> bool:
    """Every member on /status reads its own target on its share, naming the basket."""
    views = _views(api)
    if set(views) != set(names):
        return False
    for name in names:
        view = views[name]
        ratio, basket = view.get("ratio"), view.get("basket") or {}
        if ratio is None or abs(Decimal(str(ratio)) - Decimal(TARGETS[name])) > Decimal("0.005"):
            return False
        if basket.get("members") != list(names):
            return False
    return True


def test_a_basket_of_three_reaches_the_summed_short_and_shrinks_when_one_leaves(
    e2e: E2E,
) -> None:
    """SOL + ETH + XRP on one BTC perp reach the summed 0.5 BTC short with each member's
    ratio at its target on /status; a SIGHUP that drops XRP buys 0.1 BTC back reduce-only
    to the remaining 0.4 BTC."""
    sim = _funded(e2e)
    config = e2e.config(sim.url, _hedges(("SOL", "ETH", "XRP")))
    daemon = e2e.daemon(config)
    api = daemon.api_url()
    three = ("SOL", "ETH", "XRP")
    with sim.auto_fill():
        wait_until(lambda: _settled(sim, "0.5"), BUILD_S,
                   what=f"a 0.5 BTC short (now {sim.position(PERP)})",
                   diagnostics=daemon.diagnostics)  # fmt: skip
        wait_until(lambda: _ratios_at_targets(api, three), BUILD_S,
                   what=f"each member at its target on /status ({_views(api)})",
                   diagnostics=daemon.diagnostics)  # fmt: skip
        built = len(sim.fills(PERP))
        assert all(f["side"] == "SELL" for f in sim.fills(PERP))

        e2e.config(sim.url, _hedges(("SOL", "ETH")))
        daemon.send_signal(signal.SIGHUP)
        daemon.wait_for_event("config.reloaded")
        wait_until(lambda: _settled(sim, "0.4"), BUILD_S,
                   what=f"the 0.4 BTC short left (now {sim.position(PERP)})",
                   diagnostics=daemon.diagnostics)  # fmt: skip
        wait_until(lambda: _ratios_at_targets(api, ("SOL", "ETH")), BUILD_S,
                   what=f"SOL and ETH at their targets on /status ({_views(api)})",
                   diagnostics=daemon.diagnostics)  # fmt: skip
    report = json.loads(e2e.cli("report", "-c", str(config), "--json").stdout)["hedges"]
    assert report["ETH"]["basket"]["members"] == ["SOL", "ETH"]  # the report splits it
    shrunk = sim.fills(PERP)[built:]
    assert shrunk and all(f["side"] == "BUY" and f["reduceOnly"] is True for f in shrunk)


def test_check_names_the_basket_and_sizes_each_member(e2e: E2E) -> None:
    """`hedgebot check` accepts three hedges on one perp, sizes each by value and says which
    hedges share the position."""
    sim = _funded(e2e)
    config = e2e.config(sim.url, _hedges(("SOL", "ETH", "XRP")))
    result = e2e.cli("check", "-c", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hedges.SOL: target short 0.25 BTC" in result.stdout
    assert "hedges.XRP: target short 0.1 BTC" in result.stdout
    assert "basket SOL, ETH, XRP: one BTC/USDT:USDT position on account main" in result.stdout
