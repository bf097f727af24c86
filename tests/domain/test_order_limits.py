"""The venue's order-size rules as the planner applies them: reduce-only orders are exempt
from min_notional (Binance -4164 "... unless you choose reduce only") but keep min_amount and
the step; orders above max_amount are clipped to it, one slice per cycle, never called dust."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from bot.domain.contracts import order_size_problem
from bot.domain.model import Side
from bot.domain.planner import plan
from bot.domain.risk_policy import RiskGate
from bot.domain.sizing import Purpose

from ._factories import linear, policy, view

# Binance-like BTCUSDT: 0.001 BTC step, 0.1 tick, 100 USDT minimum notional, 120 BTC maximum.
MKT = linear(step="0.001", tick="0.1", min_amount="0.001", min_notional="100")
CAPPED = replace(MKT, max_amount=D(120))


@pytest.mark.parametrize(
    ("spot", "contracts", "bought"),
    [
        ("0.999", "-1", "0.001"),  # 0.001 over max_ratio 1: worth 60 USDT < 100
        ("0", "-0.001", "0.001"),  # the spot is gone, a 60 USDT short is left
        ("0", "-0.0015", "0.0015"),  # not even on the step: the whole short is closed
    ],
)
def test_small_excess_short_is_closed_reduce_only(spot: str, contracts: str, bought: str) -> None:
    """A short above max_ratio worth less than min_notional is still bought back, reduce-only."""
    market = MKT if contracts != "-0.0015" else linear(step="0.0005", min_notional="100")
    (order,) = plan(view(spot, contracts, market=market)).orders
    assert (order.side, order.amount, order.reduce_only) == (Side.BUY, D(bought), True)
    assert order.purpose is Purpose.SHRINK


def test_only_reduce_only_orders_are_exempt_and_min_amount_still_holds() -> None:
    """The exemption is for reduce-only orders and for min_notional alone: a 60 USDT sell that
    grows the short is dust, and so is a buy-back below the venue's minimum contracts."""
    grow = plan(view("1.001", "-1", market=MKT, pol=policy("1", band=D(0))))
    assert grow.orders == ()
    assert any(n.startswith("dust") and "notional" in n for n in grow.notes)
    close = plan(view("1", "-1.001", market=MKT))
    assert [(o.side, o.amount) for o in close.orders] == [(Side.BUY, D("0.001"))]
    tiny = plan(view("0", "-0.001", market=linear(step="0.001", min_amount="0.002")))
    assert tiny.orders == ()
    assert any(n.startswith("dust") and "minimum 0.002" in n for n in tiny.notes)


def test_reduce_only_flag_lifts_only_min_notional() -> None:
    """order_size_problem: reduce_only skips the notional floor and nothing else."""
    assert order_size_problem(MKT, D("0.001"), D(60000)) is not None
    assert order_size_problem(MKT, D("0.001"), D(60000), reduce_only=True) is None
    assert order_size_problem(CAPPED, D(121), D(60000), reduce_only=True) is not None


@pytest.mark.parametrize(
    ("spot", "contracts", "kw", "side", "purpose"),
    [
        ("200", "0", {}, Side.SELL, Purpose.GROW),
        ("0", "-150", {}, Side.BUY, Purpose.SHRINK),
        ("200", "-200", {"risk_gate": RiskGate.REDUCE, "risk_reduce_contracts": D(150)},
         Side.BUY, Purpose.RISK_REDUCE),
        ("0", "150", {}, Side.SELL, Purpose.CLOSE_LONG),
    ],
)  # fmt: skip
def test_orders_above_max_amount_are_clipped(
    spot: str, contracts: str, kw: dict[str, object], side: Side, purpose: Purpose
) -> None:
    """Growth and every forced trade above max_amount send max_amount now, with a note."""
    result = plan(view(spot, contracts, market=CAPPED, **kw))
    (order,) = result.orders
    assert (order.side, order.amount, order.purpose) == (side, D(120), purpose)
    assert any("sliced by the venue's max_amount 120" in n for n in result.notes)


def test_the_smaller_of_max_order_notional_and_max_amount_binds() -> None:
    """With both limits the tighter one sizes the slice and is named."""
    loose = policy("1", max_order_notional=D(60_000_000))  # 1,000 BTC at 60,000
    result = plan(view("200", "0", market=CAPPED, pol=loose))
    assert result.orders[0].amount == D(120)
    assert any("sliced by the venue's max_amount 120" in n for n in result.notes)
    tight = policy("1", max_order_notional=D(600_000))  # 10 BTC
    result = plan(view("200", "0", market=CAPPED, pol=tight))
    assert result.orders[0].amount == D(10)
    assert any("sliced by max_order_notional 600000" in n for n in result.notes)
