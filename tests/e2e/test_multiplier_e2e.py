"""The real daemon hedging PEPE spot with the 1000× perpetual 1000PEPE/USDT:USDT (one unit =
1,000 PEPE) against the still simulator: the holding is sized in the perp's own base, and
`hedgebot check` names the multiplier it read from the market data.

Positions are signed 1000PEPE units (short < 0); balances PEPE / USDT; prices USDT.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from .harness import E2E, InProcessSim, hedge_entry, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

PERP = "1000PEPE/USDT:USDT"
PEPE = Decimal(10_000_000)


def _funded(e2e: E2E) -> InProcessSim:
    sim = e2e.still_sim()
    sim.set_price("PEPEUSDT", "0.000012")  # 1000PEPEUSDT at 0.012
    sim.create_account(
        "sim-key", "sim-secret", {"spot": {"PEPE": PEPE, "USDT": 0}, "usdm": {"USDT": 1_000}}
    )
    return sim


def test_pepe_spot_is_hedged_with_10000_units_of_1000pepe(e2e: E2E) -> None:
    """10,000,000 PEPE fully hedged is a 10,000-unit 1000PEPE short (not 10,000,000), built
    with post-only sells."""
    sim = _funded(e2e)
    config = e2e.config(sim.url, {"PEPE": hedge_entry("PEPE", 1.0, symbol=PERP)})
    daemon = e2e.daemon(config)
    with sim.auto_fill():
        wait_until(
            lambda: sim.position(PERP) == -10_000 and not sim.open_orders(PERP),
            40,
            what=f"a 10,000-unit 1000PEPE short (now {sim.position(PERP)})",
            diagnostics=daemon.diagnostics,
        )
    fills = sim.fills(PERP)
    assert fills and all(f["side"] == "SELL" and f["timeInForce"] == "GTX" for f in fills)


def test_check_names_the_multiplier(e2e: E2E) -> None:
    """`hedgebot check` says it found multiplier 1000 on 1000PEPE/USDT:USDT for PEPE."""
    sim = _funded(e2e)
    config = e2e.config(sim.url, {"PEPE": hedge_entry("PEPE", 1.0, symbol=PERP)})
    result = e2e.cli("check", "-c", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "multiplier 1000 found (base 1000PEPE: one unit = 1000 PEPE)" in result.stdout
