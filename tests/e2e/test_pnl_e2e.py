"""Issue 8 item 6 with the real daemon on the simulator: over a run with fills, a price move
and a funding settlement, spot + perp + funding − fees from `domain/pnl.py` — computed from
the daemon's JOURNAL (its fills and funding rows) — equals the account's equity change read
from /sim/state, exactly (Decimal, not approximately).

Linear: equity (USDT) = spot BTC × spot price + spot USDT + the USDⓈ-M wallet + every
position's isolated wallet and unrealised P&L. Inverse (COIN-M): the futures account is in BTC
(the COIN-M wallet plus the positions' unrealised P&L) and is compared in BTC; the total is
every coin held (spot + COIN-M) valued at the price, in USD. Inverse coin values have no
finite decimal: both sides agree to the 1e-18 BTC (`COIN_QUANTUM`) each is rounded to."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.domain.model import FundingPayment
from bot.domain.pnl import COIN_QUANTUM, Holdings, Marks, hedge_pnl
from bot.store import Journal
from tests.domain._factories import inverse, linear, spot_market

from .harness import E2E, SIM_KEY, InProcessSim, hedge_entry, venue_symbol, wait_until
from .test_inverse_e2e import VENUE as COINM_VENUE
from .test_inverse_e2e import _build as build_inverse
from .test_inverse_e2e import _start as start_inverse

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

BTC = "BTC/USDT:USDT"
SHORT = Decimal("0.3")


def _marks(state: dict[str, Any]) -> Marks:
    prices = state["prices"][venue_symbol(BTC)]
    return Marks(spot=Decimal(prices["spot"]), perp=Decimal(prices["mark"]))


def _equity(sim: InProcessSim) -> tuple[Decimal, Marks]:
    """The account's equity in USDT and the marks it was valued at (one /sim/state read)."""
    state = sim.state()
    account, marks = sim.account(state=state), _marks(state)
    spot = account["balances"]["spot"]
    coins = sum((Decimal(b["free"]) + Decimal(b["locked"]) for a, b in spot.items()
                 if a == "BTC"), Decimal(0))  # fmt: skip
    cash = sum((Decimal(b["free"]) + Decimal(b["locked"]) for a, b in spot.items()
                if a == "USDT"), Decimal(0))  # fmt: skip
    futures = sum((Decimal(v) for v in account["balances"]["usdm"].values()), Decimal(0))
    for p in account["positions"]:
        futures += Decimal(p["isolatedWallet"]) + Decimal(p["unrealizedPnl"])
    return coins * marks.spot + cash + futures, marks


def _funding(journal: Path) -> list[FundingPayment]:
    uri = f"file:{journal}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as db:
        rows = db.execute("SELECT payment_id, symbol, asset, amount, ts FROM funding")
        return [FundingPayment(i, s, a, Decimal(m), int(t)) for i, s, a, m, t in rows]


def test_journaled_pnl_equals_the_equity_change_exactly(e2e: E2E) -> None:
    """A 0.3 BTC isolated short built as a maker (fees paid), the price moved 60,000 →
    61,000, one funding settlement received: the journal's P&L, part by part, adds up to
    the equity change to the last digit; funding and fees are both non-zero."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 60_000)
    sim.create_account(SIM_KEY, "sim-secret", {"spot": {"BTC": SHORT, "USDT": 1_000},
                                                "usdm": {"USDT": 10_000}})  # fmt: skip
    before, start_marks = _equity(sim)
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)},
                        schedule={"poll_seconds": 1, "funding_seconds": 10})  # fmt: skip
    journal = config.parent / "journal.sqlite"
    daemon = e2e.daemon(config)
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == -SHORT and not sim.open_orders(BTC), 40,
                   what="the 0.3 BTC short", diagnostics=daemon.diagnostics)  # fmt: skip
    sim.set_price(BTC, 61_000)
    sim.post("/sim/funding", {"symbol": venue_symbol(BTC)})
    wait_until(lambda: _funding(journal), 30, what="the funding payment journaled",
               diagnostics=daemon.diagnostics)  # fmt: skip
    assert daemon.stop() == 0
    after, end_marks = _equity(sim)
    with contextlib.closing(Journal(journal, read_only=True)) as read:
        fills = read.fills_since("BTC", 0)
    result = hedge_pnl(
        spot_market(),
        replace(linear(), min_amount=Decimal("0.001")),
        Holdings(spot=SHORT, contracts=Decimal(0), marks=start_marks),
        end_marks,
        perp_fills=fills,
        funding=_funding(journal),
    )
    assert sum((f.amount for f in fills), Decimal(0)) == SHORT
    assert result.funding != 0 and result.perp_fees != 0
    assert result.total == after - before, (result, after - before)


def _coin_equity(sim: InProcessSim) -> tuple[Decimal, Decimal, Marks]:
    """(spot BTC, the COIN-M futures account in BTC — wallet incl. isolated margin plus every
    COIN-M position's unrealised P&L —, the marks), from one /sim/state read."""
    state = sim.state()
    account = sim.account(state=state)
    spot = account["balances"]["spot"].get("BTC", {"free": "0", "locked": "0"})
    coins = Decimal(spot["free"]) + Decimal(spot["locked"])
    futures = Decimal(account["coinm"]["BTC"]["walletBalance"])
    futures += sum((Decimal(p["unrealizedPnl"]) for p in account["positions"]
                    if p["market"] == "coinm"), Decimal(0))  # fmt: skip
    perp = Decimal(state["contracts"][COINM_VENUE]["mark"])
    return coins, futures, Marks(spot=Decimal(state["spot"]["BTCUSDT"]), perp=perp)


def _journaled_contracts(journal: Path) -> Decimal:
    with contextlib.closing(Journal(journal, read_only=True)) as read:
        return sum((f.amount for f in read.fills_since("BTC", 0)), Decimal(0))


def test_journaled_inverse_pnl_equals_the_equity_change(e2e: E2E) -> None:
    """A 3,000-contract COIN-M short (BTC/USD:BTC, 100 USD each, cross, margined in BTC) over
    4 BTC spot + 1 BTC of COIN-M wallet, built as a maker, the price moved 60,000 → 61,000,
    one funding settlement received: the journal's futures P&L (perp + funding − fees, in
    BTC) equals the COIN-M account's change in BTC, and the total in USD the change of the
    whole account's worth (every coin at the end price), to `COIN_QUANTUM` per coin value."""
    sim, daemon = start_inverse(e2e, 1.0, sections={"schedule": {"funding_seconds": 10}})
    spot_before, futures_before, start_marks = _coin_equity(sim)
    build_inverse(sim, daemon, 3000)
    sim.set_price("BTCUSDT", 61_000)
    sim.post("/sim/funding", {"symbol": COINM_VENUE})
    journal = e2e.tmp_path / "journal.sqlite"
    wait_until(lambda: _funding(journal), 30, what="the COIN-M funding payment journaled",
               diagnostics=daemon.diagnostics)  # fmt: skip
    # the fills are journaled by the cycle after the venue filled them: wait for them too
    wait_until(
        lambda: _journaled_contracts(journal) == 3000,
        30,
        what="the 3,000 contracts' fills journaled",
        diagnostics=daemon.diagnostics,
    )
    assert daemon.stop() == 0
    spot_after, futures_after, end_marks = _coin_equity(sim)
    with contextlib.closing(Journal(journal, read_only=True)) as read:
        fills = read.fills_since("BTC", 0)
    result = hedge_pnl(
        spot_market(),
        inverse(),
        Holdings(spot=spot_before + futures_before, contracts=Decimal(0), marks=start_marks),
        end_marks,
        perp_fills=fills,
        funding=_funding(journal),
    )
    assert spot_after == spot_before and end_marks.spot == end_marks.perp
    assert sum((f.amount for f in fills), Decimal(0)) == 3000
    assert result.settle == "BTC" and result.funding > 0 and result.perp_fees > 0
    # pnl.py rounds each coin value (every fill, the end position) once to COIN_QUANTUM; the
    # simulator carries 28 digits: they agree to that rounding, 1e10 times finer than the
    # satoshi a mis-booked fee or funding payment would show up as
    rounding = COIN_QUANTUM * (len(fills) + 1)
    moved = futures_after - futures_before
    assert abs(result.futures - moved) <= rounding, (result, moved)
    worth = (spot_after + futures_after) * end_marks.perp
    worth_before = (spot_before + futures_before) * start_marks.perp
    assert abs(result.total - (worth - worth_before)) <= rounding * end_marks.perp
