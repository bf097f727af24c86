"""The real daemon (`hedgebot run` as a subprocess) against the simulator, observed through the
simulator's /sim/state: hedges built and held with maker-only orders, reloads, deposits and
withdrawals, dust, clean stops, bad configs, the single-instance lock and the bundled demo."""

from __future__ import annotations

import json
import signal
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .harness import (
    E2E,
    DaemonProcess,
    SimAdmin,
    hedge_entry,
    port_is_free,
    wait_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

BTC, ETH = "BTC/USDT:USDT", "ETH/USDT:USDT"
BAND = Decimal("0.02")  # the config default
BUILD_S = 30.0  # bound for building or moving a hedge through post-only fills


def _within(sim: SimAdmin, asset: str, symbol: str, target: str, band: Decimal = BAND) -> bool:
    ratio = sim.ratio(asset, symbol)
    return ratio is not None and abs(ratio - Decimal(target)) <= band


def _settled(sim: SimAdmin, asset: str, symbol: str, target: str) -> bool:
    """Within band and nothing resting on the symbol (the daemon has stopped acting)."""
    return _within(sim, asset, symbol, target) and not sim.open_orders(symbol)


def _wait_hedged(
    sim: SimAdmin, daemon: DaemonProcess, asset: str, symbol: str, target: str
) -> None:
    wait_until(
        lambda: _settled(sim, asset, symbol, target),
        BUILD_S,
        what=f"{asset} hedge at ratio {target} ± {BAND} (now {sim.ratio(asset, symbol)})",
        diagnostics=daemon.diagnostics,
    )


def _assert_maker_only(rows: list[dict[str, Any]]) -> None:
    """Every order/fill is a post-only (GTX) limit order, fills on the maker side."""
    assert rows, "expected orders/fills to check"
    for row in rows:
        assert (row["type"], row["timeInForce"]) == ("LIMIT", "GTX"), row
        if "maker" in row:
            assert row["maker"] is True, row


def test_full_and_partial_hedges_built_from_zero_with_post_only_orders(e2e: E2E) -> None:
    """BTC at 1.0 and ETH at 0.5 are built together from flat using only post-only maker fills."""
    sim = e2e.sim_process(seed=3, speed=8)
    spot_btc, spot_eth = sim.spot("BTC"), sim.spot("ETH")
    assert sim.position(BTC) == 0 and sim.position(ETH) == 0
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0), "ETH": hedge_entry("ETH", 0.5)})
    daemon = e2e.daemon(config)

    _wait_hedged(sim, daemon, "BTC", BTC, "1.0")
    _wait_hedged(sim, daemon, "ETH", ETH, "0.5")

    assert abs(-sim.position(BTC) - spot_btc) <= BAND * spot_btc
    assert abs(-sim.position(ETH) - spot_eth / 2) <= BAND * spot_eth
    _assert_maker_only(sim.orders())
    fills = sim.fills()
    _assert_maker_only(fills)
    assert {f["symbol"] for f in fills} == {"BTCUSDT", "ETHUSDT"}
    assert all(f["side"] == "SELL" and f["reduceOnly"] is False for f in fills)


def test_sighup_after_lowering_target_shrinks_with_reduce_only_orders(e2e: E2E) -> None:
    """Rewriting target 1.0 → 0.5 and sending SIGHUP buys back half the short, reduce-only."""
    sim = e2e.sim_process(seed=5, speed=8)
    hedges = {"BTC": hedge_entry("BTC", 1.0)}
    config = e2e.config(sim.url, hedges)
    daemon = e2e.daemon(config)
    _wait_hedged(sim, daemon, "BTC", BTC, "1.0")
    before = len(sim.fills(BTC))

    e2e.config(sim.url, {"BTC": hedge_entry("BTC", 0.5)})
    daemon.send_signal(signal.SIGHUP)
    daemon.wait_for_event("config.reloaded")
    _wait_hedged(sim, daemon, "BTC", BTC, "0.5")

    after = sim.fills(BTC)[before:]
    _assert_maker_only(after)
    assert all(f["side"] == "BUY" and f["reduceOnly"] is True for f in after), after
    assert daemon.alive()


def test_spot_deposit_grows_and_withdrawal_shrinks_the_hedge(e2e: E2E) -> None:
    """A spot deposit is answered by more short (sell), a withdrawal by reduce-only buys."""
    sim = e2e.sim_process(seed=7, speed=8)
    sim.set_balance("USDT", 300_000, wallet="usdm")  # collateral for the larger hedge
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)}))
    _wait_hedged(sim, daemon, "BTC", BTC, "1.0")

    seen = len(sim.fills(BTC))
    sim.set_balance("BTC", 3)
    _wait_hedged(sim, daemon, "BTC", BTC, "1.0")
    grown = sim.fills(BTC)[seen:]
    assert grown and all(f["side"] == "SELL" and not f["reduceOnly"] for f in grown), grown
    assert abs(-sim.position(BTC) - 3) <= BAND * 3

    seen += len(grown)
    sim.set_balance("BTC", "1.2")
    _wait_hedged(sim, daemon, "BTC", BTC, "1.0")
    shrunk = sim.fills(BTC)[seen:]
    assert shrunk and all(f["side"] == "BUY" and f["reduceOnly"] for f in shrunk), shrunk
    assert abs(-sim.position(BTC) - Decimal("1.2")) <= BAND * Decimal("1.2")
    _assert_maker_only(sim.fills(BTC))


def _cycles(daemon: DaemonProcess) -> list[dict[str, Any]]:
    return daemon.events("hedge.cycle")


def test_dust_below_min_notional_is_left_alone(e2e: E2E) -> None:
    """With band 0, a spot change worth less than the 100 USDT min notional places no order."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 65_000)
    sim.set_balance("BTC", 1)
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0, band=0)}))
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == -1 and not sim.open_orders(), BUILD_S,
                   what="BTC short of exactly 1", diagnostics=daemon.diagnostics)  # fmt: skip
    placed = len(sim.orders())

    sim.set_balance("BTC", "1.001")  # gap 0.001 BTC ≈ 65 USDT < 100 USDT min notional
    seen = len(_cycles(daemon))
    wait_until(lambda: len(_cycles(daemon)) >= seen + 4, 20, what="4 more hedge cycles",
               diagnostics=daemon.diagnostics)  # fmt: skip
    assert len(sim.orders()) == placed
    assert sim.position(BTC) == -1
    notes = [n for c in _cycles(daemon)[seen + 1 :] for n in c.get("notes", [])]
    assert any(n.startswith("dust") for n in notes), notes

    sim.set_balance("BTC", "1.003")  # control: ≈ 195 USDT clears the minimum
    wait_until(lambda: len(sim.orders()) > placed, 15, what="an order once above min notional",
               diagnostics=daemon.diagnostics)  # fmt: skip


def test_sigterm_exits_cleanly_and_cancels_resting_orders(e2e: E2E) -> None:
    """SIGTERM: exit code 0, our resting order cancelled (default policy), daemon.stopped logged."""
    sim = e2e.still_sim()
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)}))
    resting = wait_until(lambda: sim.open_orders(BTC), BUILD_S, what="a resting order",
                         diagnostics=daemon.diagnostics)  # fmt: skip

    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait() == 0, daemon.diagnostics()

    assert sim.open_orders() == []
    final = {o["orderId"]: o["status"] for o in sim.orders()}
    assert all(final[o["orderId"]] == "CANCELED" for o in resting)
    assert daemon.events("daemon.stopped"), daemon.diagnostics()
    assert "Traceback" not in daemon.stderr()


BAD_CONFIGS = [
    ({"target_ratio": -1}, "hedges.BTC.target_ratio"),
    ({"leverage": 500}, "hedges.BTC.leverage"),
    ({"band": "wide"}, "hedges.BTC.band"),
    ({"tagret_ratio": 1}, "hedges.BTC.tagret_ratio"),
]


@pytest.mark.parametrize(("change", "field"), BAD_CONFIGS)
def test_bad_config_exits_nonzero_naming_the_field(
    e2e: E2E, change: dict[str, Any], field: str
) -> None:
    """A bad value makes `hedgebot run` exit non-zero naming the field, without a traceback."""
    config = e2e.config("http://127.0.0.1:9", {"BTC": hedge_entry("BTC", 1.0, **change)})
    result = e2e.cli("run", "-c", str(config), timeout=30)
    assert result.returncode != 0
    assert field in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_malformed_yaml_exits_nonzero_naming_the_line(e2e: E2E) -> None:
    """Unparseable YAML is reported with file:line and a non-zero exit, no traceback."""
    config = e2e.tmp_path / "broken.yaml"
    config.write_text("accounts:\n  main: {exchange: binance\nhedges: {}\n", encoding="utf-8")
    result = e2e.cli("run", "-c", str(config), timeout=30)
    assert result.returncode != 0
    assert f"{config}:" in result.stderr and "invalid YAML" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_invalid_sighup_reload_keeps_running_with_old_config(e2e: E2E) -> None:
    """SIGHUP with a broken YAML logs config.reload_rejected; hedging goes on at the old target."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 65_000)
    sim.set_balance("BTC", 1)
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    daemon = e2e.daemon(config)
    with sim.auto_fill():
        _wait_hedged(sim, daemon, "BTC", BTC, "1.0")

        e2e.config(sim.url, {"BTC": hedge_entry("BTC", -1)})  # same file, now invalid
        daemon.send_signal(signal.SIGHUP)
        rejected = daemon.wait_for_event("config.reload_rejected")
        assert "hedges.BTC.target_ratio" in rejected["problems"]

        sim.set_balance("BTC", 2)  # the old target (1.0) must still be in force
        wait_until(lambda: sim.position(BTC) == -2, BUILD_S, what="hedge grown to old target",
                   diagnostics=daemon.diagnostics)  # fmt: skip
    assert daemon.alive()
    assert not daemon.events("config.reloaded")


def test_second_daemon_on_the_same_journal_refuses_to_start(e2e: E2E) -> None:
    """Two daemons never trade one journal: the second exits non-zero naming the lock and pid."""
    sim = e2e.still_sim()
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    first = e2e.daemon(config)
    first.wait_for_event("api.listening")

    result = e2e.cli("run", "-c", str(config), timeout=30)

    assert result.returncode != 0
    assert "already running" in result.stderr and f"pid {first.pid}" in result.stderr
    assert "journal.sqlite.lock" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert first.alive()


def _status(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/status", timeout=3) as response:
        return dict(json.loads(response.read()))


def _ratio_near(status: dict[str, Any], hedge: str, target: str) -> bool:
    ratio = status["hedges"][hedge]["ratio"]
    return ratio is not None and abs(Decimal(ratio) - Decimal(target)) <= BAND


def test_bundled_demo_builds_btc_and_eth_hedges(e2e: E2E, tmp_path: Path) -> None:
    """`hedgebot run` with no -c hedges the demo's BTC at 1.0 and ETH at 0.5 within ~20 s."""
    if not port_is_free(8080):
        pytest.skip("port 127.0.0.1:8080 is busy; the bundled demo's API needs it")
    workdir = tmp_path / "demo"
    workdir.mkdir()
    daemon = e2e.daemon(None, workdir=workdir, name="demo")
    try:
        url = daemon.api_url()
    except AssertionError:
        if not daemon.alive() and "8080" in daemon.stdout() + daemon.stderr():
            pytest.skip("port 127.0.0.1:8080 was taken while the demo started")
        raise
    assert url == "http://127.0.0.1:8080"

    def both_hedged() -> dict[str, Any] | None:
        status = _status(url)
        done = _ratio_near(status, "BTC", "1.0") and _ratio_near(status, "ETH", "0.5")
        return status if done else None

    status = wait_until(both_hedged, 25, what="demo BTC ratio ≈ 1.0 and ETH ≈ 0.5 on /status",
                        diagnostics=daemon.diagnostics)  # fmt: skip

    assert Decimal(status["hedges"]["BTC"]["target"]) == 1
    assert Decimal(status["hedges"]["ETH"]["target"]) == Decimal("0.5")
    assert (workdir / "hedgebot-demo.sqlite").exists()
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait() == 0, daemon.diagnostics()


def test_sighup_removing_a_hedge_cancels_its_order_and_stops_managing_it(e2e: E2E) -> None:
    """A hedge dropped from the YAML on SIGHUP has its resting order cancelled and gets no more."""
    sim = e2e.still_sim()
    hedges = {"BTC": hedge_entry("BTC", 1.0), "ETH": hedge_entry("ETH", 0.5)}
    config = e2e.config(sim.url, hedges)
    daemon = e2e.daemon(config)
    wait_until(lambda: len(sim.open_orders()) == 2, BUILD_S, what="a resting order per hedge",
               diagnostics=daemon.diagnostics)  # fmt: skip

    e2e.config(sim.url, {"BTC": hedges["BTC"]})
    daemon.send_signal(signal.SIGHUP)
    daemon.wait_for_event("config.reloaded")
    wait_until(lambda: not sim.open_orders(ETH), 10, what="ETH order cancelled",
               diagnostics=daemon.diagnostics)  # fmt: skip
    eth_orders = len(sim.orders(ETH))
    seen = len(_cycles(daemon))
    wait_until(lambda: len(_cycles(daemon)) >= seen + 3, 15, what="3 more cycles",
               diagnostics=daemon.diagnostics)  # fmt: skip

    assert len(sim.orders(ETH)) == eth_orders
    assert sim.position(ETH) == 0
    assert len(sim.open_orders(BTC)) == 1  # BTC is still managed


def test_restart_after_sigkill_cancels_the_orphan_and_finishes_the_hedge(e2e: E2E) -> None:
    """After a SIGKILL a new daemon cancels the dead one's resting order and completes the hedge."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 65_000)
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    first = e2e.daemon(config, name="first")
    [orphan] = wait_until(lambda: sim.open_orders(BTC), BUILD_S, what="a resting order",
                          diagnostics=first.diagnostics)  # fmt: skip
    first.kill()

    second = e2e.daemon(config, name="second")
    second.wait_for_event("reconcile.done")
    status = {o["orderId"]: o["status"] for o in sim.orders(BTC)}
    assert status[orphan["orderId"]] == "CANCELED"
    with sim.auto_fill():
        _wait_hedged(sim, second, "BTC", BTC, "1.0")
    assert -sim.position(BTC) == sim.spot("BTC")
    _assert_maker_only(sim.fills(BTC))


def test_fill_while_down_is_not_hedged_twice_after_restart(e2e: E2E) -> None:
    """An order that fills while the daemon is dead is counted on restart; nothing more is sold."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 65_000)
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    first = e2e.daemon(config, name="first")
    wait_until(lambda: sim.open_orders(BTC), BUILD_S, what="a resting order",
               diagnostics=first.diagnostics)  # fmt: skip
    first.kill()
    assert sim.cross_resting(BTC) == 1  # the market fills it while nobody watches
    assert sim.position(BTC) == -sim.spot("BTC")
    placed = len(sim.orders(BTC))

    second = e2e.daemon(config, name="second")
    second.wait_for_event("hedge.cycle")
    seen = len(_cycles(second))
    wait_until(lambda: len(_cycles(second)) >= seen + 3, 15, what="3 more cycles",
               diagnostics=second.diagnostics)  # fmt: skip

    assert len(sim.orders(BTC)) == placed
    assert sim.position(BTC) == -sim.spot("BTC")
    cycles = _cycles(second)
    assert not any(c.get("actions") for c in cycles), cycles
    assert all("within band" in c["notes"] for c in cycles), cycles
    assert not second.events("data.untrusted"), second.diagnostics()
