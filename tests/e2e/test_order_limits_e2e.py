"""The venue's order-size rules, end to end (the real daemon against the still simulator,
BTCUSDT: 100 USDT min notional, 1,000 BTC max quantity): a leftover short worth less than the
min notional is closed reduce-only, and a hedge larger than the max quantity is built in
slices of at most that, instead of being called dust and never traded.

Positions are signed BTC (short < 0); prices USDT per BTC.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from .harness import E2E, hedge_entry, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

BTC = "BTC/USDT:USDT"
MAX_QTY = Decimal(1_000)  # the simulator's BTCUSDT LOT_SIZE maxQty


def test_a_short_above_max_ratio_worth_60_usdt_is_bought_back(e2e: E2E) -> None:
    """Spot 1 → 0.999 BTC under a 1 BTC short: the 0.001 excess (≈ 60 USDT, under the
    100 USDT min notional) is bought back with a reduce-only order."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 60_000)
    sim.set_balance("BTC", 1)
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)}))
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == -1 and not sim.open_orders(BTC), 30,
                   what="1 BTC short", diagnostics=daemon.diagnostics)  # fmt: skip
        sim.set_balance("BTC", "0.999")
        wait_until(lambda: sim.position(BTC) == Decimal("-0.999"), 30,
                   what="the 0.001 excess bought back", diagnostics=daemon.diagnostics)  # fmt: skip
    (buy,) = [f for f in sim.fills(BTC) if f["side"] == "BUY"]
    assert buy["reduceOnly"] is True and Decimal(buy["qty"]) == Decimal("0.001")
    assert daemon.alive(), daemon.diagnostics()


def test_a_hedge_above_max_quantity_is_built_in_slices(e2e: E2E) -> None:
    """1,200 BTC to hedge with a 1,000 BTC max quantity: one 1,000 sell, then 200."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 60_000)
    sim.set_balance("BTC", 1_200)
    sim.set_balance("USDT", 100_000_000, wallet="usdm")  # 2x margin for 72M notional
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)}))
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == -1_200, 40, what="1,200 BTC short",
                   diagnostics=daemon.diagnostics)  # fmt: skip
    sells = [Decimal(o["qty"]) for o in sim.orders(BTC) if o["side"] == "SELL"]
    assert sells[0] == MAX_QTY, sells
    assert all(qty <= MAX_QTY for qty in sells), sells
    assert daemon.alive(), daemon.diagnostics()


def test_a_short_above_max_quantity_is_bought_back_in_slices_when_the_spot_is_gone(
    e2e: E2E,
) -> None:
    """A 1,200 BTC short whose spot is withdrawn: bought back reduce-only in slices of at
    most the 1,000 BTC max quantity (1,000 then 200) until flat — a forced reduction is
    never refused as dust."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 60_000)
    sim.set_balance("BTC", 1_200)
    sim.set_balance("USDT", 100_000_000, wallet="usdm")
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)}))
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == -1_200 and not sim.open_orders(BTC), 40,
                   what="1,200 BTC short", diagnostics=daemon.diagnostics)  # fmt: skip
        sim.set_balance("BTC", 0)
        wait_until(lambda: sim.position(BTC) == 0, 40, what="the short bought back",
                   diagnostics=daemon.diagnostics)  # fmt: skip
    buys = [o for o in sim.orders(BTC) if o["side"] == "BUY"]
    assert Decimal(buys[0]["qty"]) == MAX_QTY, buys
    assert all(o["reduceOnly"] is True and Decimal(o["qty"]) <= MAX_QTY for o in buys), buys
    bought = sum(Decimal(f["qty"]) for f in sim.fills(BTC) if f["side"] == "BUY")
    assert bought == 1_200 and daemon.alive(), daemon.diagnostics()


def test_a_leftover_short_of_0_001_with_the_spot_gone_is_closed(e2e: E2E) -> None:
    """Spot 0, short 0.001 BTC (60 USDT at 60,000: under the 100 USDT min notional): the
    leftover is closed with one reduce-only buy of 0.001 instead of sitting there."""
    sim = e2e.still_sim()
    sim.set_price(BTC, 200_000)  # 0.001 BTC = 200 USDT: the short can be opened
    sim.set_balance("BTC", "0.001")
    daemon = e2e.daemon(e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)}))
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == Decimal("-0.001") and not sim.open_orders(BTC),
                   30, what="0.001 BTC short", diagnostics=daemon.diagnostics)  # fmt: skip
    sim.set_price(BTC, 60_000)
    sim.set_balance("BTC", 0)
    with sim.auto_fill():
        wait_until(lambda: sim.position(BTC) == 0, 30, what="the 0.001 leftover closed",
                   diagnostics=daemon.diagnostics)  # fmt: skip
    (buy,) = [f for f in sim.fills(BTC) if f["side"] == "BUY"]
    assert buy["reduceOnly"] is True and Decimal(buy["qty"]) == Decimal("0.001")
    assert Decimal(buy["qty"]) * Decimal(buy["price"]) < 100, buy
    assert daemon.alive(), daemon.diagnostics()
