"""The real daemon (`hedgebot run`) on a Bybit v5 unified account in the simulator, through
real `ccxt.async_support.bybit`: it builds, holds, resizes (SIGHUP) and releases a hedge; a
post-only order the venue cancels is repriced; faults never make it double-order; a SIGKILL
restart converges; a rally at 3x is de-risked, not liquidated; hedges with the spot on one
venue and the perp on the other (both ways) hold their targets.

Positions are signed BTC (short < 0); ratios are short / holding (1 = fully hedged).
"""

from __future__ import annotations

import signal
from decimal import Decimal
from typing import Any

import pytest

from .harness import E2E, SIM_KEY, DaemonProcess, InProcessSim, hedge_entry, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]

BTC, ETH = "BTC/USDT:USDT", "ETH/USDT:USDT"
KEY, SECRET = "bybit-e2e", "bybit-e2e-secret"
ENV = {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": KEY, "HEDGEBOT_ACCOUNTS__MAIN__SECRET": SECRET}
BAND = Decimal("0.02")
BUILD_S = 40.0


def _bybit_sim(e2e: E2E, unified: dict[str, Any], price: int = 60_000) -> InProcessSim:
    """A still simulator with one Bybit unified account (KEY) holding `unified`."""
    sim = e2e.still_sim()
    sim.set_price(BTC, price)
    body = {"api_key": KEY, "secret": SECRET, "venue": "bybit", "unified": unified}
    sim.post("/sim/accounts", body)
    return sim


def _hedge(target: float, **fields: Any) -> dict[str, Any]:
    return hedge_entry("BTC", target, **{"margin_mode": "cross", **fields})


def _daemon(e2e: E2E, sim: InProcessSim, target: float, name: str = "daemon",
            leverage: int = 2, execution: dict[str, Any] | None = None,
            **sections: Any) -> DaemonProcess:  # fmt: skip
    """`hedgebot run` with account main on exchange bybit (mode sim) hedging BTC."""
    hedge = _hedge(target, leverage=leverage, execution=execution or {})
    sections.setdefault("accounts", {"main": {"exchange": "bybit"}})
    config = e2e.config(sim.url, {"BTC": hedge}, **sections)
    return e2e.daemon(config, env=ENV, name=name)


def _ratio(sim: InProcessSim) -> Decimal | None:
    return sim.ratio("BTC", BTC, api_key=KEY)


def _held(sim: InProcessSim, target: str) -> bool:
    """Within the band of `target` with nothing resting (the daemon has stopped acting)."""
    ratio = _ratio(sim)
    near = ratio is not None and abs(ratio - Decimal(target)) <= BAND
    return near and not sim.open_orders(BTC, api_key=KEY)


def _wait_held(sim: InProcessSim, daemon: DaemonProcess, target: str) -> None:
    wait_until(lambda: _held(sim, target), BUILD_S,
               what=f"BTC at ratio {target} (now {_ratio(sim)})",
               diagnostics=daemon.diagnostics)  # fmt: skip


def _fills(sim: InProcessSim) -> list[dict[str, Any]]:
    return sim.fills(BTC, api_key=KEY)


def _resize(e2e: E2E, sim: InProcessSim, daemon: DaemonProcess, target: float) -> int:
    """Rewrite the config with `target` and SIGHUP; the fills seen before the reload."""
    seen = len(_fills(sim))
    reloads = len(daemon.events("config.reloaded"))
    e2e.config(sim.url, {"BTC": _hedge(target)}, accounts={"main": {"exchange": "bybit"}})
    daemon.send_signal(signal.SIGHUP)
    daemon.wait_for_event("config.reloaded", after=reloads)
    return seen


def _all_reduce_only_buys(fills: list[dict[str, Any]]) -> bool:
    return bool(fills) and all(f["side"] == "BUY" and f["reduceOnly"] for f in fills)


def test_builds_holds_resizes_and_releases_a_bybit_hedge(e2e: E2E) -> None:
    """From flat to 1.0 with post-only sells, held, shrunk to 0.5 on SIGHUP with reduce-only
    buys, released to 0 on a second SIGHUP."""
    sim = _bybit_sim(e2e, {"USDT": 100_000, "BTC": 2})
    daemon = _daemon(e2e, sim, 1.0)
    with sim.auto_fill(api_key=KEY):
        _wait_held(sim, daemon, "1.0")
        built = _fills(sim)
        assert built and all(f["side"] == "SELL" and f["maker"] for f in built), built
        daemon.more_cycles(2, hedge="BTC")
        assert _fills(sim) == built  # held: nothing more traded

        seen = _resize(e2e, sim, daemon, 0.5)
        _wait_held(sim, daemon, "0.5")
        assert _all_reduce_only_buys(_fills(sim)[seen:]), _fills(sim)[seen:]

        seen = _resize(e2e, sim, daemon, 0.0)
        wait_until(lambda: sim.position(BTC, api_key=KEY) == 0, BUILD_S, what="released",
                   diagnostics=daemon.diagnostics)  # fmt: skip
        assert _all_reduce_only_buys(_fills(sim)[seen:]), _fills(sim)[seen:]
    assert daemon.alive(), daemon.diagnostics()


def test_lost_replies_429s_and_5xx_never_double_order(e2e: E2E) -> None:
    """With create replies lost, 10006 rate limits and 503s, the short never exceeds the
    holding and never two of our orders rest at once; the hedge still completes."""
    sim = _bybit_sim(e2e, {"USDT": 100_000, "BTC": 1})
    slices = {"max_order_notional": 12_000}  # five orders of 0.2 BTC: many chances to fail
    daemon = _daemon(e2e, sim, 1.0, execution=slices, reliability={"breaker_failures": 50},
                     accounts={"main": {"exchange": "bybit", "timeout_ms": 1000}})  # fmt: skip
    daemon.wait_for_event("hedge.cycle")  # started: the faults hit trading, not start-up
    sim.faults(timeout_after_accept_prob=1)  # the next order is booked, its reply lost

    def lost_one() -> bool:
        sim.cross_resting(BTC, api_key=KEY)  # fill what rests, so the daemon sends another
        return bool(daemon.events("order.ambiguous"))

    wait_until(lost_one, 30, what="an order whose reply was lost", diagnostics=daemon.diagnostics)
    sim.faults(timeout_after_accept_prob=0.2, rate_limit_prob=0.1, error_5xx_prob=0.1, seed=4)
    most_resting = 0

    def done() -> bool:
        nonlocal most_resting
        most_resting = max(most_resting, len(sim.open_orders(BTC, api_key=KEY)))
        assert -sim.position(BTC, api_key=KEY) <= 1, "over-hedged: an order was doubled"
        sim.cross_resting(BTC, api_key=KEY)
        return _held(sim, "1.0")

    wait_until(done, 60, what="BTC hedged through faults", diagnostics=daemon.diagnostics)
    sim.faults()
    daemon.more_cycles(2, hedge="BTC")
    assert most_resting <= 1 and 1 - BAND <= -sim.position(BTC, api_key=KEY) <= 1
    injected = sim.state()["faults"]["counters"]
    assert injected["timeouts_after_accept"] and injected["rate_limited"], injected


def test_sigkill_restart_converges(e2e: E2E) -> None:
    """A daemon killed with an order resting: the next one cancels the orphan and finishes."""
    sim = _bybit_sim(e2e, {"USDT": 100_000, "BTC": 1})
    first = _daemon(e2e, sim, 1.0, name="first")
    [orphan] = wait_until(lambda: sim.open_orders(BTC, api_key=KEY), BUILD_S,
                          what="a resting order", diagnostics=first.diagnostics)  # fmt: skip
    first.kill()
    second = _daemon(e2e, sim, 1.0, name="second")
    second.wait_for_event("reconcile.done")
    with sim.auto_fill(api_key=KEY):
        _wait_held(sim, second, "1.0")
    status = {o["orderId"]: o["status"] for o in sim.orders(BTC, api_key=KEY)}
    assert status[orphan["orderId"]] == "CANCELED"
    assert -sim.position(BTC, api_key=KEY) == 1


def test_a_rally_at_3x_is_de_risked_not_liquidated(e2e: E2E) -> None:
    """A cross 3x short with little spare USDT, rallied towards liquidation, is cut by the
    guard (which says the unified wallet has nothing to transfer) and never liquidated."""
    sim = _bybit_sim(e2e, {"USDT": 21_000, "BTC": 1})
    daemon = _daemon(e2e, sim, 1.0, leverage=3, risk={"auto_top_up": True})
    with sim.auto_fill(api_key=KEY):
        _wait_held(sim, daemon, "1.0")
    for price in (66_000, 70_000, 73_000, 75_000):
        sim.set_price(BTC, price)
        daemon.more_cycles(1, hedge="BTC")
    wait_until(lambda: -sim.position(BTC, api_key=KEY) < 1, 30, what="a risk reduction",
               diagnostics=daemon.diagnostics)  # fmt: skip
    assert not sim.account(KEY)["liquidations"]
    assert -sim.position(BTC, api_key=KEY) > 0  # de-risked, not closed out
    alerts = " ".join(str(a) for a in daemon.events("alert"))
    assert "nothing to transfer" in alerts, alerts[-2000:]


def test_cross_venue_hedges_hold_their_targets_both_ways(e2e: E2E) -> None:
    """In one daemon: BTC held on Binance is shorted on Bybit, and ETH held in the Bybit
    unified wallet is half-shorted on Binance; each holds its target."""
    sim = _bybit_sim(e2e, {"USDT": 100_000, "ETH": 10})
    sim.set_price(ETH, 3_000)
    spot_btc = sim.spot("BTC")  # the default Binance account's spot wallet
    btc = {**_hedge(1.0), "spot": {"account": "binance", "asset": "BTC"}}
    eth = {
        **hedge_entry("ETH", 0.5, account="binance"),
        "spot": {"account": "main", "asset": "ETH"},
    }
    accounts = {"main": {"exchange": "bybit"},
                "binance": {"exchange": "binance", "mode": "sim", "url": sim.url}}  # fmt: skip
    config = e2e.config(sim.url, {"BTC": btc, "ETH": eth}, accounts=accounts)
    daemon = e2e.daemon(config, env=ENV)

    def both_held() -> bool:
        return -sim.position(BTC, api_key=KEY) == spot_btc and sim.position(ETH) == -5

    with sim.auto_fill(api_key=KEY), sim.auto_fill(api_key=SIM_KEY):
        wait_until(both_held, BUILD_S, what=f"{spot_btc} BTC short on bybit, 5 ETH on binance",
                   diagnostics=daemon.diagnostics)  # fmt: skip
        daemon.more_cycles(2, hedge="BTC")
    assert both_held()
    assert sim.position(BTC) == 0 and sim.position(ETH, api_key=KEY) == 0  # nothing crossed over


def test_check_accepts_a_bybit_account_and_run_refuses_a_withdrawal_key(e2e: E2E) -> None:
    """`hedgebot check` passes a Bybit unified account; a key whose Bybit permissions include
    Withdraw makes `check` fail and `run` exit 3 naming the opt-in, before any order."""
    sim = _bybit_sim(e2e, {"USDT": 100_000, "BTC": 1})
    config = e2e.config(sim.url, {"BTC": _hedge(1.0)}, accounts={"main": {"exchange": "bybit"}})
    checked = e2e.cli("check", "-c", str(config), env=ENV)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "✓ accounts.main: API key cannot withdraw" in checked.stdout, checked.stdout

    body = {"api_key": "bybit-w", "secret": "bybit-w-s", "venue": "bybit",
            "unified": {"USDT": 100_000, "BTC": 1}, "can_withdraw": True}  # fmt: skip
    sim.post("/sim/accounts", body)
    env = {
        "HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "bybit-w",
        "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "bybit-w-s",
    }
    checked = e2e.cli("check", "-c", str(config), env=env)
    assert "✗ accounts.main: API key can withdraw funds" in checked.stdout, checked.stdout
    ran = e2e.cli("run", "-c", str(config), env=env, timeout=60)
    assert ran.returncode == 3 and "allow_withdrawal_keys" in ran.stderr, ran.stderr
    assert "Traceback" not in ran.stderr and sim.orders(api_key="bybit-w") == []


def test_a_post_only_the_venue_cancels_is_repriced_next_cycle(e2e: E2E) -> None:
    """The touch moves up while a post-only sell is in flight: Bybit books and cancels it
    (EC_PostOnlyWillTakeLiquidity). The daemon reads no fill and no rejection streak: it
    reprices at the new touch on the next cycle and the hedge completes."""
    sim = _bybit_sim(e2e, {"USDT": 100_000, "BTC": 1})
    daemon = _daemon(e2e, sim, 1.0, execution={"max_order_notional": 40_000})  # two slices
    wait_until(lambda: sim.open_orders(BTC, api_key=KEY), BUILD_S, what="the first slice",
               diagnostics=daemon.diagnostics)  # fmt: skip
    sim.faults(latency_ms=1500)  # every venue request now takes 1.5 s on the wire
    sim.cross_resting(BTC, api_key=KEY)
    daemon.wait_for_event("exchange.place_order", after=1, timeout=30)  # the second, in flight
    sim.set_price(BTC, 61_000)  # the bid jumps past the sell's price before it arrives
    rejected = daemon.wait_for_event("order.rejected", timeout=30)
    assert rejected["reason"] == "post-only would take; repricing next cycle", rejected
    sim.faults()
    with sim.auto_fill(api_key=KEY):
        _wait_held(sim, daemon, "1.0")
    cancelled = [o for o in sim.orders(BTC, api_key=KEY) if o["status"] == "CANCELED"]
    assert len(cancelled) == 1 and Decimal(cancelled[0]["executedQty"]) == 0, cancelled
    assert all(f["maker"] for f in _fills(sim))
    notes = " ".join(" ".join(c.get("notes", [])) for c in daemon.events("hedge.cycle"))
    assert "backing off" not in notes
