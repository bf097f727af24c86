"""The real daemon hedging BTC held in two places — the simulator's spot wallet and a wallet
account (`exchange: wallet`, coins in the YAML) — with one BTC/USDT:USDT short.

Positions are signed BTC (short < 0); balances BTC / USDT; prices USDT.
"""

from __future__ import annotations

import signal
from decimal import Decimal
from pathlib import Path

import pytest

from .daemon_process import DaemonProcess
from .harness import E2E, InProcessSim, hedge_entry, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

PERP = "BTC/USDT:USDT"
SOURCES = [{"account": "main", "asset": "BTC"}, {"account": "cold", "asset": "BTC"}]


def _funded(e2e: E2E) -> InProcessSim:
    sim = e2e.still_sim()
    sim.set_price("BTCUSDT", "60000")
    sim.create_account(
        "sim-key", "sim-secret", {"spot": {"BTC": 1, "USDT": 0}, "usdm": {"USDT": 200_000}}
    )
    return sim


def _config(e2e: E2E, sim: InProcessSim, cold_btc: str) -> Path:
    entry = hedge_entry("BTC", 1.0, spot=SOURCES)
    cold = {"exchange": "wallet", "holdings": {"BTC": cold_btc}}
    return e2e.config(sim.url, {"BTC": entry}, accounts={"cold": cold})


def _wait_short(sim: InProcessSim, daemon: DaemonProcess, btc: str) -> None:
    wait_until(
        lambda: sim.position(PERP) == -Decimal(btc) and not sim.open_orders(PERP),
        60,
        what=f"a {btc} BTC short (now {sim.position(PERP)})",
        diagnostics=daemon.diagnostics,
    )


def test_exchange_and_wallet_sum_then_sighup_shrinks_reduce_only(e2e: E2E) -> None:
    """1 BTC on the sim's spot + 2.5 BTC in the wallet → a 3.5 BTC short (status names both
    parts); a SIGHUP with the wallet at 1.5 buys 1 BTC back, reduce-only."""
    sim = _funded(e2e)
    config = _config(e2e, sim, "2.5")
    daemon = e2e.daemon(config)
    with sim.auto_fill():
        _wait_short(sim, daemon, "3.5")
        sold = len(sim.fills(PERP))
        assert all(f["side"] == "SELL" for f in sim.fills(PERP))
        status = e2e.cli("status", "--url", daemon.api_url())
        assert "BTC holding: 1 BTC main spot + 2.5 BTC cold wallet" in status.stdout, status

        _config(e2e, sim, "1.5")
        daemon.send_signal(signal.SIGHUP)
        daemon.wait_for_event("config.reloaded")
        _wait_short(sim, daemon, "2.5")
    bought = sim.fills(PERP)[sold:]
    assert bought and all(f["side"] == "BUY" and f["reduceOnly"] is True for f in bought)


def test_check_and_show_config_name_the_wallet_and_the_parts(e2e: E2E) -> None:
    """`hedgebot check` says what the wallet holds and sizes the hedge on the sum of both
    parts; `show-config` prints the wallet account without mode or keys."""
    sim = _funded(e2e)
    config = _config(e2e, sim, "2.5")
    checked = e2e.cli("check", "-c", str(config))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "accounts.cold (wallet): holds 2.5 BTC; never connected" in checked.stdout
    assert "hedges.BTC.spot: 1 BTC main spot + 2.5 BTC cold wallet = 3.5 BTC" in checked.stdout
    assert "hedges.BTC: target short 3.5 BTC" in checked.stdout
    shown = e2e.cli("show-config", "-c", str(config))
    assert shown.returncode == 0, shown.stderr
    assert "exchange: wallet" in shown.stdout and "holdings:" in shown.stdout
