"""Funding a GROW order's margin before placing it, or sizing it to the margin available
(issue 8 item 9: a 1-BTC hedge at 3x with 1,500 USDT free was rejected every cycle while
30,000 USDT sat in the spot wallet)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.contracts import order_size_problem
from bot.domain.grow_margin import Collateral, fund_grow, margin_for
from bot.domain.model import Market, Side
from bot.domain.sizing import PlannedOrder, Purpose

from ._factories import inverse, linear

# Binance BTCUSDT: 0.001 step, 100 USDT min notional, 0.02 % maker, 0.05 % taker.
MKT = replace(
    linear(step="0.001", min_amount="0.001", min_notional="100"),
    maker_fee=D("0.0002"),
    taker_fee=D("0.0005"),
)


def sell(amount: str, price: str = "6600", market: Market = MKT) -> PlannedOrder:
    """The planner's GROW order: sell `amount` from flat, post-only at `price`."""
    return PlannedOrder(
        symbol=market.symbol,
        side=Side.SELL,
        amount=D(amount),
        price=D(price),
        post_only=True,
        reduce_only=False,
        immediate_or_cancel=False,
        purpose=Purpose.GROW,
        intent=f"BTC:grow:0>-{amount}",
    )


def test_issue_numbers_with_auto_top_up_transfer_then_sell_all() -> None:
    """1 BTC at 6,600, 3x, 1,500 free, 30,000 spot, auto_top_up: transfer 703.30 (2,200
    margin + 3.30 fee buffer − 1,500), then sell the whole 1 BTC."""
    result = fund_grow(sell("1"), MKT, 3, Collateral(D(1_500), D(30_000), auto_top_up=True))
    assert result.order == sell("1")
    assert (result.transfer, result.asset, result.margin) == (D("703.30"), "USDT", D("2203.30"))
    assert "transfer 703.30 USDT" in result.note


def test_issue_numbers_without_auto_top_up_sell_what_margin_affords() -> None:
    """Without auto_top_up the order shrinks to what 1,500 USDT affords: 0.680 BTC (its
    margin 1,498.24 fits), with a new intent; nothing is transferred."""
    result = fund_grow(sell("1"), MKT, 3, Collateral(D(1_500), D(30_000)))
    assert result.order is not None and result.transfer == 0
    assert result.order.amount == D("0.68")
    assert result.order.intent == "BTC:grow:0>-0.68"
    assert result.margin == margin_for(MKT, 3, D("0.68"), D(6600)) <= D(1_500)
    assert margin_for(MKT, 3, D("0.681"), D(6600)) > D(1_500)
    assert "selling 0.68 instead" in result.note


def test_short_spot_collateral_moves_only_what_the_smaller_order_needs() -> None:
    """With auto_top_up but only 300 USDT in spot, the order is sized to 1,800 and the
    transfer covers just its shortfall."""
    result = fund_grow(sell("1"), MKT, 3, Collateral(D(1_500), D(300), auto_top_up=True))
    assert result.order is not None and result.order.amount == D("0.816")
    assert result.transfer == result.margin - 1_500 <= 300


def test_max_transfer_caps_the_move() -> None:
    """One transfer never exceeds max_transfer (risk.max_top_up)."""
    collateral = Collateral(D(1_500), D(30_000), auto_top_up=True, max_transfer=D(100))
    result = fund_grow(sell("1"), MKT, 3, collateral)
    assert result.transfer <= 100
    assert result.order is not None and result.order.amount < 1


def test_enough_free_margin_places_the_order_as_planned() -> None:
    """When the futures wallet covers margin and fees, nothing moves and nothing shrinks."""
    result = fund_grow(sell("1"), MKT, 3, Collateral(D(2_204), D(30_000), auto_top_up=True))
    assert (result.order, result.transfer) == (sell("1"), D(0))


def test_nothing_affordable_places_nothing_and_says_what_to_do() -> None:
    """10 USDT free affords less than the 100 USDT minimum notional: no order, and the note
    tells the operator to add collateral or enable auto_top_up."""
    result = fund_grow(sell("1"), MKT, 3, Collateral(D(10)))
    assert result.order is None and result.transfer == 0
    assert "add USDT to the futures wallet or enable risk.auto_top_up" in result.note
    enabled = fund_grow(sell("1"), MKT, 3, Collateral(D(10), D(0), auto_top_up=True))
    assert enabled.order is None and enabled.note.endswith("add USDT to the futures wallet")


def test_inverse_margin_is_in_coin() -> None:
    """Inverse: 600 contracts of 100 USD at 60,000 are 1 BTC notional, 0.5 BTC at 2x."""
    market = inverse(contract_size="100")
    order = replace(sell("600", "60000", market), intent="BTC:grow:0>-600")
    assert margin_for(market, 2, D(600), D(60_000)) == D("0.5")
    result = fund_grow(order, market, 2, Collateral(D("0.25")))
    assert result.order is not None and result.order.amount == D(300)
    assert result.asset == "BTC"


def test_only_grow_orders_are_funded() -> None:
    """A reduce-only order frees margin; asking to fund it is a programming error."""
    with pytest.raises(ValueError, match="only GROW"):
        fund_grow(replace(sell("1"), purpose=Purpose.SHRINK), MKT, 3, Collateral(D(0)))


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(1, 5_000).map(lambda n: D(n) / 1000),
    price=st.integers(1_000, 100_000).map(D),
    leverage=st.integers(1, 20),
    free=st.integers(-100, 50_000).map(D),
    spot=st.integers(0, 50_000).map(D),
    auto=st.booleans(),
    cap=st.one_of(st.none(), st.integers(1, 10_000).map(D)),
)
def test_what_is_placed_is_always_funded(
    amount: D, price: D, leverage: int, free: D, spot: D, auto: bool, cap: D | None
) -> None:
    """Whatever the balances: an order placed is no larger than planned, on the step, clears
    the venue's minimums, and its margin is covered by the free margin plus the transfer;
    a transfer only happens with auto_top_up, within the spot balance and the cap."""
    order = sell(str(amount), str(price))
    assume(order_size_problem(MKT, order.amount, order.price) is None)  # as the planner sends
    result = fund_grow(order, MKT, leverage, Collateral(free, spot, auto, cap))
    assert result.transfer >= 0
    if result.transfer:
        assert auto and result.transfer <= spot and (cap is None or result.transfer <= cap)
    if result.order is None:
        return
    placed = result.order
    assert placed.amount <= order.amount and placed.amount % MKT.amount_step == 0
    assert order_size_problem(MKT, placed.amount, placed.price) is None
    assert margin_for(MKT, leverage, placed.amount, price) <= max(free, D(0)) + result.transfer
