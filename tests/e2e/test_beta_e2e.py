"""The real daemon hedging SOL with ETH/USDT:USDT on a beta it estimates itself: the still
simulator is walked through 30 quarter-hours in which SOL's log return is 1.5 × ETH's, so its
klines carry a beta of 1.5, and the short is sized by value × that estimate.

Positions are signed ETH (short < 0); balances SOL / USDT; prices USDT.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from bot.domain.numbers import plain

from .harness import E2E, InProcessSim, hedge_entry, wait_until
from .support import http_json

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

PERP = "ETH/USDT:USDT"
QUARTER_HOUR_MS = 900_000
ESTIMATE = {"estimate": "ols", "lookback_days": 1, "interval": "15m", "min": 0.2, "max": 3}
# ETH's returns per quarter-hour: varied, mean-free-ish, a few percent at most.
ETH_MOVES = [0.01, -0.006, 0.004, -0.012, 0.008, 0.002, -0.003, 0.011, -0.009, 0.005] * 3


def _walked(e2e: E2E) -> tuple[InProcessSim, Decimal, Decimal]:
    """A sim whose SOL and ETH histories move together with beta 1.5; (sim, SOL, ETH) now."""
    sim = e2e.still_sim()
    sol, eth = 150.0, 3000.0
    sim.set_price("SOLUSDT", f"{sol:.2f}")
    sim.set_price("ETHUSDT", f"{eth:.2f}")
    for move in ETH_MOVES:
        sim.advance(QUARTER_HOUR_MS)
        eth *= math.exp(move)
        sol *= math.exp(1.5 * move)
        sim.set_price("ETHUSDT", f"{eth:.2f}")
        sim.set_price("SOLUSDT", f"{sol:.2f}")
    sim.create_account(
        "sim-key", "sim-secret", {"spot": {"SOL": 100, "USDT": 0}, "usdm": {"USDT": 20_000}}
    )
    return sim, Decimal(f"{sol:.2f}"), Decimal(f"{eth:.2f}")


def test_a_proxy_short_is_sized_with_the_estimated_beta(e2e: E2E) -> None:
    """The daemon fits beta ≈ 1.5 (R² near 1) from both markets' klines, shows it with R² and
    n in /status, `hedgebot status` and the cycle log, and holds a short of 100 SOL's value ×
    that beta in ETH."""
    sim, sol, eth = _walked(e2e)
    entry = hedge_entry("SOL", 1.0, symbol=PERP, beta=ESTIMATE)
    daemon = e2e.daemon(e2e.config(sim.url, {"SOL": entry}))
    api = daemon.api_url()

    def view() -> dict[str, object]:
        return dict(http_json("GET", f"{api}/status")["hedges"]["SOL"])

    with sim.auto_fill():
        wait_until(
            lambda: view().get("beta") is not None and sim.position(PERP) < 0
            and not sim.open_orders(PERP),
            60, what=f"an estimated beta and a short (now {sim.position(PERP)})",
            diagnostics=daemon.diagnostics,
        )  # fmt: skip
    seen = view()
    beta = Decimal(str(seen["beta"]))
    assert Decimal("1.45") <= beta <= Decimal("1.55"), seen
    assert Decimal(str(seen["beta_r2"])) > Decimal("0.95") and int(str(seen["beta_samples"])) >= 20
    assert "R²" in str(seen["beta_text"])
    said = f"beta {plain(beta)} (R² "
    assert said in e2e.cli("status", "--url", api).stdout
    logged = daemon.wait_for_event("hedge.cycle", where=lambda r: "beta" in r)
    assert str(logged["beta"]).startswith(said)
    wanted = Decimal(100) * sol * beta / eth
    assert abs(-sim.position(PERP) - wanted) <= wanted * Decimal("0.02"), (
        sim.position(PERP),
        wanted,
    )


def test_check_fits_the_beta_and_sizes_the_target_with_it(e2e: E2E) -> None:
    """`hedgebot check` fits the beta from the venue's klines as the daemon will, and sizes
    the whole target short with it (not with the clamp's placeholder)."""
    sim, sol, eth = _walked(e2e)
    entry = hedge_entry("SOL", 1.0, symbol=PERP, beta=ESTIMATE)
    result = e2e.cli("check", "-c", str(e2e.config(sim.url, {"SOL": entry})))
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if "hedges.SOL.beta:" in x)
    fitted = Decimal(line.split(": beta ")[1].split(" ")[0])
    assert Decimal("1.45") <= fitted <= Decimal("1.55"), line
    assert "over 1 days of 15m candles" in line
    target = next(x for x in result.stdout.splitlines() if "hedges.SOL: target short" in x)
    short = Decimal(target.split("target short ")[1].split(" ")[0])
    assert abs(short - Decimal(150) * sol / eth) <= Decimal("0.3"), (target, sol, eth)
