"""The real daemon hedging SOL spot with ETH/USDT:USDT (a proxy) against the still simulator:
the short is sized by value at SOL's own spot price, times a fixed beta.

Positions are signed ETH (short < 0); balances SOL / USDT; prices USDT.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from .harness import E2E, InProcessSim, hedge_entry, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

PERP = "ETH/USDT:USDT"


def _funded(e2e: E2E) -> InProcessSim:
    sim = e2e.still_sim()
    sim.set_price("SOLUSDT", "150")
    sim.set_price("ETHUSDT", "3000")
    sim.create_account(
        "sim-key", "sim-secret", {"spot": {"SOL": 100, "USDT": 0}, "usdm": {"USDT": 20_000}}
    )
    return sim


def test_100_sol_with_beta_1_2_is_a_6_eth_short(e2e: E2E) -> None:
    """100 SOL at 150 hedged with ETH at 3,000, beta 1.2, target 1 → a 6 ETH short, not 120."""
    sim = _funded(e2e)
    entry = hedge_entry("SOL", 1.0, symbol=PERP, beta=1.2)
    daemon = e2e.daemon(e2e.config(sim.url, {"SOL": entry}))
    with sim.auto_fill():
        wait_until(
            lambda: sim.position(PERP) == Decimal(-6) and not sim.open_orders(PERP),
            40,
            what=f"a 6 ETH short (now {sim.position(PERP)})",
            diagnostics=daemon.diagnostics,
        )
    assert all(f["side"] == "SELL" for f in sim.fills(PERP))


def test_check_sizes_the_proxy_target_by_value(e2e: E2E) -> None:
    """`hedgebot check` reports the proxy's whole target short as 6 ETH (value × beta)."""
    sim = _funded(e2e)
    entry = hedge_entry("SOL", 1.0, symbol=PERP, beta=1.2)
    result = e2e.cli("check", "-c", str(e2e.config(sim.url, {"SOL": entry})))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hedges.SOL: target short 6 ETH" in result.stdout
