"""Target rules end to end: the real daemon against the simulator with still prices moved
through the admin API, resting orders filled by crossing them. Each rule moves the hedge
on the venue, and /status says why."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

import pytest

from .harness import E2E, DaemonProcess, InProcessSim, hedge_entry, wait_until

pytestmark = pytest.mark.e2e

TOKEN = "e2e-tranche-token"
PERP = "BTCUSDT"


def _hedge(daemon: DaemonProcess) -> dict[str, Any]:
    with urllib.request.urlopen(daemon.api_url() + "/status", timeout=5) as answer:
        return dict(json.load(answer)["hedges"]["BTC"])


def _reaches(
    sim: InProcessSim, daemon: DaemonProcess, ratio: str, reason: str, timeout: float = 90
) -> None:
    """Wait until the venue's hedge ratio is `ratio` (±0.01) and /status gives `reason`
    (a prefix)."""

    def there() -> bool:
        got = sim.ratio("BTC", PERP)
        why = str(_hedge(daemon).get("target_reason", ""))
        return got is not None and abs(got - D(ratio)) <= D("0.01") and why.startswith(reason)

    wait_until(
        there,
        timeout=timeout,
        what=f"ratio {ratio} with reason {reason!r} (now {sim.ratio('BTC', PERP)}, "
        f"{_hedge(daemon).get('target_reason')!r})",
        diagnostics=daemon.diagnostics,
    )


def _iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_window_raises_the_hedge_then_lowers_it_on_time(e2e: E2E) -> None:
    """Base 30 %; a window opening in 12 s holds 70 % until it closes, then 30 % again."""
    sim = e2e.still_sim(seed=5)
    start = int(time.time()) + 12
    window = {"name": "fomc", "from": _iso(start), "to": _iso(start + 14), "target_ratio": 0.7}
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 0.3, windows=[window])})
    with sim.auto_fill():
        daemon = e2e.daemon(config)
        _reaches(sim, daemon, "0.3", "target_ratio 0.3")
        assert time.time() < start, "the base target was reached before the window opened"
        _reaches(sim, daemon, "0.7", "window fomc until ")
        _reaches(sim, daemon, "0.3", "target_ratio 0.3")
    assert time.time() >= start + 14
    buys = [f for f in sim.fills(PERP) if f["side"] == "BUY"]
    assert buys and all(f["reduceOnly"] for f in buys), "the hedge came down reduce-only"
    assert daemon.stop() == 0


def test_tranches_arm_on_price_and_one_by_hedgebot_tranche(e2e: E2E) -> None:
    """Below 64,000 the first 30 % arms, below 60,000 the second; `hedgebot tranche BTC`
    arms the manual 40 %: the short grows 0 → 0.6 → 1.2 → 2 BTC."""
    sim = e2e.still_sim(seed=5)
    tranches = [
        {"ratio": 0.3, "price_below": 64000},
        {"ratio": 0.3, "price_below": 60000},
        {"ratio": 0.4, "manual": True},
    ]
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 0, tranches=tranches)})
    with sim.auto_fill():
        daemon = e2e.daemon(config, env={"HEDGEBOT_API_TOKEN": TOKEN})
        _reaches(sim, daemon, "0", "target_ratio 0")
        sim.set_price(PERP, 63000)
        _reaches(sim, daemon, "0.3", "tranche 1 of 3 armed at 64,000")
        sim.set_price(PERP, 59000)
        _reaches(sim, daemon, "0.6", "tranche 2 of 3 armed at 60,000")
        done = e2e.cli(
            "tranche", "BTC", "--url", daemon.api_url(), env={"HEDGEBOT_API_TOKEN": TOKEN}
        )
        assert done.returncode == 0, done.stderr
        assert "tranche 3 of 3 armed by operator" in done.stdout
        _reaches(sim, daemon, "1", "tranche 3 of 3 armed by operator")
        again = e2e.cli(
            "tranche", "BTC", "--url", daemon.api_url(), env={"HEDGEBOT_API_TOKEN": TOKEN}
        )
    assert again.returncode == 1
    assert "every manual tranche is already armed" in again.stderr
    assert daemon.stop() == 0


def test_take_profit_closes_the_short_and_rearms_above_the_price(e2e: E2E) -> None:
    """Fully hedged at 65,000; at 59,000 the take-profit buys the short back to 0, holds off
    at 62,000, and above 64,000 the hedge returns to 100 %."""
    sim = e2e.still_sim(seed=5)
    tp = {"price_below": 60000, "then_ratio": 0, "rearm_above": 64000}
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0, take_profit=tp)})
    with sim.auto_fill():
        daemon = e2e.daemon(config)
        _reaches(sim, daemon, "1", "target_ratio 1")
        sim.set_price(PERP, 59000)
        _reaches(sim, daemon, "0", "take-profit hit at 59,000: hedge off until above 64,000")
        sim.set_price(PERP, 62000)
        daemon.wait_for_event("hedge.cycle", timeout=10, after=len(daemon.events("hedge.cycle")))
        daemon.wait_for_event("hedge.cycle", timeout=10, after=len(daemon.events("hedge.cycle")))
        assert sim.position(PERP) == 0, "still off below the re-arm price"
        sim.set_price(PERP, 64500)
        _reaches(sim, daemon, "1", "target_ratio 1")
    assert daemon.stop() == 0


def test_a_negative_funding_streak_halves_the_hedge(e2e: E2E) -> None:
    """Three settlements at -0.05 % (below -0.03 %) in a row cap the 100 % hedge at 50 %."""
    sim = e2e.still_sim(seed=5)
    funding = {"below": -0.0003, "for_settlements": 3, "then_ratio": 0.5}
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0, funding=funding)})
    with sim.auto_fill():
        daemon = e2e.daemon(config)
        _reaches(sim, daemon, "1", "target_ratio 1")
        for _ in range(3):
            sim.post("/sim/funding", {"symbol": PERP, "rate": "-0.0005"})
            sim.post("/sim/time", {"advance_ms": 1000})
        _reaches(sim, daemon, "0.5", "funding below -0.0003 for 3 settlements: 0.5")
    assert daemon.stop() == 0


def test_ladder_follows_the_drawdown_from_the_recent_high(e2e: E2E) -> None:
    """From the 65,000 high: 6 % down → 50 %, 11 % down → 100 % (the high read from klines)."""
    sim = e2e.still_sim(seed=5)
    ladder = [
        {"drawdown_from_high": 0.05, "lookback_days": 1, "ratio": 0.5},
        {"drawdown_from_high": 0.10, "lookback_days": 1, "ratio": 1.0},
    ]
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 0, ladder=ladder)})
    with sim.auto_fill():
        daemon = e2e.daemon(config)
        _reaches(sim, daemon, "0", "target_ratio 0")
        sim.set_price(PERP, 61000)
        _reaches(sim, daemon, "0.5", "ladder: 6.2 % below the 1-day high 65,000")
        sim.set_price(PERP, 57800)
        _reaches(sim, daemon, "1", "ladder: 11.1 % below the 1-day high 65,000")
    assert daemon.stop() == 0


def test_restart_keeps_a_manually_armed_tranche(e2e: E2E) -> None:
    """A tranche armed by the operator is still armed after the daemon restarts: same
    target and reason, the short not bought back, and the journal holds both."""
    sim = e2e.still_sim(seed=5)
    tranches = [{"ratio": 0.4, "manual": True}]
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 0, tranches=tranches)})
    env = {"HEDGEBOT_API_TOKEN": TOKEN}
    with sim.auto_fill():
        daemon = e2e.daemon(config, env=env)
        _reaches(sim, daemon, "0", "target_ratio 0")
        armed = e2e.cli("tranche", "BTC", "1", "--url", daemon.api_url(), env=env)
        assert armed.returncode == 0, armed.stderr
        _reaches(sim, daemon, "0.4", "tranche 1 of 1 armed by operator")
        assert daemon.stop() == 0
        again = e2e.daemon(config, env=env, name="restarted")
        again.wait_for_event("hedge.cycle", timeout=30)
        hedge = _hedge(again)
    assert hedge["target_reason"] == "tranche 1 of 1 armed by operator"
    assert D(hedge["target"]) == D("0.4")
    assert sim.position(PERP) == D("-0.8")
    assert again.stop() == 0
    with sqlite3.connect(config.parent / "journal.sqlite") as journal:
        target, data = journal.execute(
            "SELECT target, data FROM snapshots WHERE hedge = 'BTC' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert D(target) == D("0.4"), "the journal's target column is the effective target"
    assert json.loads(data)["target_reason"] == "tranche 1 of 1 armed by operator"
    assert json.loads(data)["memory"]["rules"]["armed"] == [0]


def test_plan_shows_the_effective_target_and_why(e2e: E2E) -> None:
    """`hedgebot plan` plans on the rules' target and prints the reason (text and --json)."""
    sim = e2e.still_sim(seed=5)
    now = int(time.time())
    window = {"name": "cpi", "from": _iso(now - 60), "to": _iso(now + 3600), "target_ratio": 0.7}
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 0.3, windows=[window])})
    text = e2e.cli("plan", "-c", str(config))
    assert text.returncode == 0, text.stderr
    assert f"target: window cpi until {_iso(now + 3600)}" in text.stdout
    as_json = e2e.cli("plan", "-c", str(config), "--json")
    hedge = json.loads(as_json.stdout)["hedges"]["BTC"]
    assert D(hedge["target"]) == D("0.7")
    assert hedge["target_reason"].startswith("window cpi until ")
    (order,) = hedge["orders"]
    assert order["side"] == "sell" and D(order["amount"]) == D("1.4")
