"""The real daemon hedging BTC with the inverse COIN-M perpetual BTC/USD:BTC (100-USD
contracts) against the still simulator: the coin in the COIN-M wallet counts as holding,
the short is sized in contracts (5 BTC at 60,000 → 3,000), and a rally is met by moving
spot BTC into the COIN-M wallet instead of being liquidated.

Positions are signed contracts (short < 0); balances BTC; prices USD per BTC.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .harness import E2E, DaemonProcess, InProcessSim, hedge_entry, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]

INVERSE = "BTC/USD:BTC"
VENUE = "BTCUSD_PERP"
ENTRY = Decimal(60_000)
BUILD_S = 45.0


def _coinm(sim: InProcessSim, key: str) -> list[dict[str, Any]]:
    return [o for o in sim.account()[key] if o["market"] == "coinm" and o["symbol"] == VENUE]


def _position(sim: InProcessSim) -> Decimal:
    """Signed BTCUSD_PERP contracts of the demo account."""
    for row in sim.account()["positions"]:
        if row["symbol"] == VENUE:
            return Decimal(row["amount"])
    return Decimal(0)


def _status(daemon: DaemonProcess) -> dict[str, Any]:
    """The BTC hedge's row of the daemon's GET /status."""
    with urllib.request.urlopen(daemon.api_url() + "/status", timeout=5) as response:
        return dict(json.load(response)["hedges"]["BTC"])


def _hedged_status(daemon: DaemonProcess) -> dict[str, Any] | None:
    """The status once it shows a ratio within the default band of 1."""
    status = _status(daemon)
    ratio = status.get("ratio")
    if ratio is None or abs(Decimal(ratio) - 1) > Decimal("0.02"):
        return None
    return status


def _cross_resting(sim: InProcessSim) -> None:
    """Trade the index 1 bp through each resting COIN-M order so it fills as a maker (the
    perpetual trades at its index)."""
    for order in _coinm(sim, "openOrders"):
        through = Decimal("1.0001") if order["side"] == "SELL" else Decimal("0.9999")
        sim.set_price("BTCUSDT", Decimal(order["price"]) * through)


def _build(sim: InProcessSim, daemon: DaemonProcess, contracts: int) -> None:
    """Fill the daemon's post-only sells until the short is `contracts` and nothing rests."""

    def built() -> bool:
        _cross_resting(sim)
        return _position(sim) == -contracts and not _coinm(sim, "openOrders")

    wait_until(
        built,
        BUILD_S,
        what=f"a {contracts}-contract BTCUSD short (now {_position(sim)})",
        diagnostics=daemon.diagnostics,
    )


def _start(
    e2e: E2E, target: float, *, coinm: str = "1", **fields: Any
) -> tuple[InProcessSim, DaemonProcess]:
    """5 BTC at 60,000 (`coinm` of it in the COIN-M wallet, the rest spot) hedged with
    BTC/USD:BTC at `target`, cross 10x unless `fields` say otherwise."""
    sim = e2e.still_sim()
    sim.set_price("BTCUSDT", ENTRY)
    spot = 5 - Decimal(coinm)
    sim.create_account(
        "sim-key", "sim-secret", {"spot": {"BTC": spot, "USDT": 0}, "coinm": {"BTC": coinm}}
    )
    hedge = hedge_entry("BTC", target, symbol=INVERSE, margin_mode="cross", leverage=10)
    sections = fields.pop("sections", {})
    hedge.update(fields)
    config = e2e.config(sim.url, {"BTC": hedge}, **sections)
    return sim, e2e.daemon(config)


def test_full_inverse_hedge_counts_the_coin_margin(e2e: E2E) -> None:
    """4 BTC spot + 1 BTC COIN-M margin at 60,000, fully hedged: 3,000 BTCUSD contracts,
    sold with post-only maker orders; the daemon's status shows the 5 BTC holding."""
    sim, daemon = _start(e2e, 1.0)
    _build(sim, daemon, 3000)
    fills = _coinm(sim, "fills")
    assert fills and all(f["side"] == "SELL" and f["maker"] for f in fills)
    status = wait_until(
        lambda: _hedged_status(daemon),
        20,
        what="the status showing the full hedge",
        diagnostics=daemon.diagnostics,
    )
    assert Decimal(status["perp"]) == -3000
    # 4 spot + 1 BTC of COIN-M wallet, less the maker fees (and ± the short's uPnL)
    assert Decimal("4.99") < Decimal(status["spot"]) <= Decimal("5.01")
    assert Decimal(status["holding_parts"]["coinm margin"]) > Decimal("0.99")
    assert status["funding_asset"] == "BTC"


def test_partial_inverse_hedge(e2e: E2E) -> None:
    """A 40 % hedge of the same 5 BTC at 60,000 holds 1,200 contracts."""
    sim, daemon = _start(e2e, 0.4)
    _build(sim, daemon, 1200)
    assert not sim.account()["liquidations"]


def _coinm_wallet(sim: InProcessSim) -> Decimal:
    """The demo account's COIN-M BTC wallet balance."""
    return Decimal(sim.account()["coinm"]["BTC"]["walletBalance"])


def _margin_actions(journal: Path) -> list[tuple[str, str, Decimal]]:
    """(kind, asset, amount) of every margin action the daemon journaled as done."""
    uri = f"file:{journal}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as db:
        rows = db.execute("SELECT kind, asset, amount FROM margin_actions WHERE status = 'ok'")
        return [(kind, asset, Decimal(str(amount))) for kind, asset, amount in rows]


def test_rally_on_an_inverse_hedge_is_topped_up_with_coin(e2e: E2E) -> None:
    """A cross 3,000-contract short rallied from 60,000 to 66,000 (liquidation 74,700 → 13 %
    away): the daemon moves spot BTC into the COIN-M wallet (MAIN_CMFUTURE), journaled in BTC;
    the liquidation moves back beyond 30 % and nothing is liquidated."""
    sim, daemon = _start(e2e, 1.0, sections={"risk": {"auto_top_up": True}})
    _build(sim, daemon, 3000)
    sim.set_price("BTCUSDT", 66_000)
    wait_until(
        lambda: _coinm_wallet(sim) > Decimal("1.5"),
        30,
        what=f"BTC moved into the COIN-M wallet (now {_coinm_wallet(sim)})",
        diagnostics=daemon.diagnostics,
    )
    actions = _margin_actions(e2e.tmp_path / "journal.sqlite")
    assert actions and all(asset == "BTC" for _, asset, _ in actions), actions
    moved = sum((amount for kind, _, amount in actions if kind == "transfer"), Decimal(0))
    assert Decimal("0.5") < moved < Decimal("1"), actions
    assert sim.spot("BTC") == pytest.approx(4 - moved, abs=Decimal("1e-8"))
    (row,) = [p for p in sim.account()["positions"] if p["symbol"] == VENUE]
    mark = Decimal(row["markPrice"])
    assert (Decimal(row["liquidationPrice"]) - mark) / mark > Decimal("0.30")
    assert not sim.account()["liquidations"]
    assert _position(sim) <= -2990  # the short is kept (a 5 BTC holding worth more now)


def test_check_accepts_the_inverse_hedge_and_explains_its_sizing(e2e: E2E) -> None:
    """`hedgebot check` accepts `perp: {symbol: BTC/USD:BTC}` and says the contract is 100 USD
    margined in BTC, with the COIN-M wallet counted as holding."""
    sim = e2e.still_sim()
    sim.set_price("BTCUSDT", ENTRY)
    sim.create_account("sim-key", "sim-secret", {"spot": {"BTC": 4}, "coinm": {"BTC": 1}})
    hedge = hedge_entry("BTC", 1.0, symbol=INVERSE, margin_mode="cross", leverage=10)
    config = e2e.config(sim.url, {"BTC": hedge})
    result = e2e.cli("check", "-c", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "inverse, one contract = 100 USD, margined in BTC" in result.stdout
    assert "the COIN-M wallet's BTC counts as holding (count_margin)" in result.stdout


def test_rally_on_an_isolated_inverse_hedge_adds_coin_margin(e2e: E2E) -> None:
    """An ISOLATED 5x 3,000-contract short (1 BTC of margin) rallied to 66,000: the daemon adds
    BTC of isolated margin — the COIN-M wallet's free coin, the rest moved from spot first —
    so the liquidation moves back beyond 30 % and nothing is liquidated."""
    sim, daemon = _start(
        e2e,
        1.0,
        coinm="1.2",
        margin_mode="isolated",
        leverage=5,
        sections={"risk": {"auto_top_up": True}},
    )
    _build(sim, daemon, 3000)
    sim.set_price("BTCUSDT", 66_000)

    def margin_added() -> list[tuple[str, str, Decimal]]:
        actions = _margin_actions(e2e.tmp_path / "journal.sqlite")
        return [a for a in actions if a[0] == "add_margin"]

    (added,) = wait_until(
        margin_added, 30, what="isolated margin added in BTC", diagnostics=daemon.diagnostics
    )
    assert added[1] == "BTC" and Decimal("0.5") < added[2] < Decimal("1"), added
    (row,) = [p for p in sim.account()["positions"] if p["symbol"] == VENUE]
    mark = Decimal(row["markPrice"])
    assert (Decimal(row["liquidationPrice"]) - mark) / mark > Decimal("0.30"), row
    assert not sim.account()["liquidations"]
