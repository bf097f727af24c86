"""The real daemon rolling a `future.series` hedge (0.3 BTC on BTCUSDT's quarterlies) to
the next quarter as the still simulator's clock is moved into the roll window: the
combined short (old + new) sampled from /sim/state never leaves [target − band, max_ratio]
× 0.3 BTC, the expiring contract is flat before delivery, the journal holds the roll's
start, leg fills and done (with its cost), and a SIGKILL in the middle converges. A roll
begun too late is alerted and sent IOC; `at_expiry: deliver` leaves the contract to the
delivery instead.

Positions are signed BTC (short < 0); times epoch ms (venue clock).
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .harness import E2E, DaemonProcess, InProcessSim, hedge_entry, wait_until
from .test_dated_e2e import _short_built

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

SPOT = Decimal("0.3")
BAND = Decimal("0.34")  # low = 0.66 × 0.3 = 0.198 BTC: slices of 0.1 BTC, 3 per roll
LOW, HIGH = (1 - BAND) * SPOT, SPOT
HOUR = 3_600_000
ZERO = Decimal(0)


def _listing(sim: InProcessSim, which: str) -> tuple[str, int]:
    """(venue id, delivery ms) of BTCUSDT's `current` or `next` quarterly."""
    found = sim.state()["listings"]["usdm"]["BTCUSDT"][which]
    return str(found["symbol"]), int(found["deliveryDate"])


def _setup(e2e: E2E, **future: Any) -> tuple[InProcessSim, Path]:
    sim = e2e.still_sim()
    sim.set_price("BTCUSDT", 60_000)
    sim.create_account(
        "sim-key", "sim-secret", {"spot": {"BTC": SPOT, "USDT": 0}, "usdm": {"USDT": 20_000}}
    )
    hedge = hedge_entry("BTC", 1.0, band=float(BAND), max_ratio=1.0)
    del hedge["perp"]
    hedge["future"] = {"account": "main", "series": "BTC/USDT:USDT", "roll_before_hours": 72}
    hedge["future"].update(future)
    return sim, e2e.config(sim.url, {"BTC": hedge})


def _legs(sim: InProcessSim, old: str, new: str) -> tuple[Decimal, Decimal, int]:
    """(old short, new short, our open orders) from ONE /sim/state reading."""
    account = sim.account(state=sim.state())
    amounts = {p["symbol"]: Decimal(p["amount"]) for p in account["positions"]}
    live = [o for o in account["openOrders"] if o["symbol"] in (old, new)]
    return -amounts.get(old, Decimal(0)), -amounts.get(new, Decimal(0)), len(live)


def _roll_status(daemon: DaemonProcess) -> str | None:
    """The hedge's roll line in /status, None when not rolling."""
    with urllib.request.urlopen(daemon.api_url() + "/status", timeout=5) as response:
        roll = json.load(response)["hedges"]["BTC"].get("roll")
    return None if roll is None else str(roll)


def _sample_until_rolled(
    sim: InProcessSim, daemon: DaemonProcess, old: str, new: str, timeout: float
) -> tuple[list[tuple[Decimal, Decimal, int]], set[str]]:
    """Sample both legs (and the status' roll line) until the old leg is flat and the new
    one holds the short."""
    samples: list[tuple[Decimal, Decimal, int]] = []
    said: set[str] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        samples.append(_legs(sim, old, new))
        if samples[-1][:2] == (ZERO, SPOT):
            return samples, said
        said.add(_roll_status(daemon) or "")
        time.sleep(0.1)
    pytest.fail(f"the roll {old} → {new} did not finish: {samples[-5:]}\n{daemon.diagnostics()}")


def _assert_in_bounds(samples: list[tuple[Decimal, Decimal, int]]) -> None:
    for old, new, live in samples:
        assert LOW <= old + new <= HIGH, (old, new, samples)
        assert old >= 0 and new >= 0 and live <= 1, (old, new, live)


def _roll_events(config: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(config.parent / "journal.sqlite") as db:
        rows = db.execute("SELECT kind, cost FROM roll_events ORDER BY id").fetchall()
    return [(str(kind), str(cost)) for kind, cost in rows]


@dataclass
class Rolling:
    """A started daemon hedging 0.3 BTC on the current quarterly (`old`, delivering at
    `delivery`), with `new` the quarterly listed after it."""

    sim: InProcessSim
    config: Path
    daemon: DaemonProcess
    old: str
    new: str
    delivery: int

    def legs(self) -> tuple[Decimal, Decimal, int]:
        return _legs(self.sim, self.old, self.new)

    def clock_to(self, before_delivery_ms: int) -> None:
        """Move the venue clock to `before_delivery_ms` before the old quarterly delivers."""
        now = int(self.sim.state()["time"])
        self.sim.post("/sim/time", {"advance_ms": self.delivery - before_delivery_ms - now})

    def kinds(self) -> list[str]:
        return [kind for kind, _ in _roll_events(self.config)]

    def cycles(self, n: int) -> None:
        """Wait for `n` more hedge cycles of the daemon (a bounded wait on its log)."""
        seen = len(self.daemon.events("hedge.cycle"))
        wait_until(lambda: len(self.daemon.events("hedge.cycle")) >= seen + n, 30,
                   what=f"{n} more cycles", diagnostics=self.daemon.diagnostics)  # fmt: skip


def _hedged(e2e: E2E, **future: Any) -> Rolling:
    """The series hedge started and its 0.3 BTC short built on the current quarterly."""
    sim, config = _setup(e2e, **future)
    old, delivery = _listing(sim, "current")
    new, _ = _listing(sim, "next")
    daemon = e2e.daemon(config)
    with sim.auto_fill():
        _short_built(sim, daemon, old)
    return Rolling(sim, config, daemon, old, new, delivery)


def test_a_quarterly_hedge_rolls_to_the_next_quarter_within_its_bounds(e2e: E2E) -> None:
    """71 h before the quarterly delivers, the 0.3 BTC short moves to the next quarter in
    paired post-only steps: old + new stays within [0.198, 0.3] BTC at every sample, one
    order at a time, and /status says "rolling A → B (x of 0.3 moved)"; the journal has
    start, leg fills and done; nothing of ours is delivered, the short stays on the new one."""
    r = _hedged(e2e)
    with r.sim.auto_fill():
        r.clock_to(71 * HOUR)
        samples, said = _sample_until_rolled(r.sim, r.daemon, r.old, r.new, 50)
    _assert_in_bounds(samples)
    assert int(r.sim.state()["time"]) < r.delivery  # the expiring contract is flat before it
    symbols = f"rolling BTC/USDT:USDT-{r.old[-6:]} → BTC/USDT:USDT-{r.new[-6:]} ("
    assert any(line.startswith(symbols) and line.endswith(" of 0.3 moved)") for line in said), said
    wait_until(lambda: "done" in r.kinds(), 20, what="the roll's done event")
    assert r.kinds()[0] == "start" and "fill" in r.kinds(), r.kinds()
    r.clock_to(-60_000)
    r.cycles(3)  # after the delivery: the new short is left as it is
    assert not r.sim.account()["deliveries"]
    assert r.legs()[:2] == (ZERO, SPOT)


def test_a_roll_interrupted_by_sigkill_converges_after_restart(e2e: E2E) -> None:
    """Killed (SIGKILL) once the new quarter holds part of the short, `hedgebot plan` shows
    the roll under way and the restarted daemon knows both legs from its journal: no second
    order beside a resting one, the combined short stays in bounds, and the roll completes
    with exactly 0.3 BTC on the new quarter."""
    r = _hedged(e2e)
    with r.sim.auto_fill():
        r.clock_to(71 * HOUR)
        wait_until(lambda: r.legs()[1] > 0, 40, what=f"part of the short on {r.new}",
                   diagnostics=r.daemon.diagnostics)  # fmt: skip
        r.daemon.kill()
        plan = e2e.cli("plan", "-c", str(r.config))  # the step the restarted daemon will take
        rolling = f"rolling BTC/USDT:USDT-{r.old[-6:]} → BTC/USDT:USDT-{r.new[-6:]} ("
        assert rolling in plan.stdout, plan.stdout + plan.stderr
        again = e2e.daemon(r.config, name="restarted")
        samples, _ = _sample_until_rolled(r.sim, again, r.old, r.new, 50)
    _assert_in_bounds(samples)
    sells = [f for f in r.sim.fills(r.new) if f["side"] == "SELL"]
    assert sum(Decimal(f["qty"]) for f in sells) == SPOT, sells
    wait_until(lambda: "done" in r.kinds(), 20, what="the roll's done event")
    assert r.kinds().count("start") == 1  # resumed, not started again


def test_a_roll_that_starts_too_late_is_alerted_and_sent_ioc(e2e: E2E) -> None:
    """65 minutes before delivery the post-only pace (3 slices × 2 steps × 60 s) cannot end
    an hour before expiry: one `roll_late` alert, the steps are IOC, old + new stays in
    bounds and the expiring contract is flat before delivery."""
    r = _hedged(e2e)
    r.clock_to(65 * 60_000)
    samples, _ = _sample_until_rolled(r.sim, r.daemon, r.old, r.new, 50)
    _assert_in_bounds(samples)
    assert int(r.sim.state()["time"]) < r.delivery
    roll_fills = [f for f in r.sim.fills() if f["symbol"] == r.new or f["side"] == "BUY"]
    assert roll_fills and all(f["timeInForce"] == "IOC" for f in roll_fills), roll_fills
    wait_until(lambda: r.daemon.events("roll.late"), 20, what="the roll.late log line")
    alerts = [a for a in r.daemon.events("alert") if a.get("kind") == "roll_late"]
    assert len(alerts) == 1 and "IOC" in alerts[0]["body"], alerts


def test_at_expiry_deliver_holds_the_contract_into_delivery_then_opens_the_next(
    e2e: E2E,
) -> None:
    """`at_expiry: deliver`: no roll in the roll window, the short is kept through the last
    hour and delivered by the venue; after delivery the hedge shorts the next quarter."""
    r = _hedged(e2e, at_expiry="deliver")
    with r.sim.auto_fill():
        r.clock_to(30 * 60_000)
        r.cycles(3)  # inside the roll window and the last hour: nothing moves
        assert r.legs() == (SPOT, ZERO, 0)
        r.clock_to(-60_000)
        _short_built(r.sim, r.daemon, r.new)
    (delivered,) = r.sim.account()["deliveries"]
    assert delivered["symbol"] == r.old and Decimal(delivered["positionAmt"]) == -SPOT
    assert not r.kinds()
