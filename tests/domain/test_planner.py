"""Planner scenarios: one hedge's snapshot in, this cycle's cancels and orders out."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.model import Side
from bot.domain.planner import plan
from bot.domain.risk_policy import RiskGate
from bot.domain.sizing import Purpose

from ._factories import linear, order, policy, quote, view

# Binance-like BTCUSDT: 0.001 BTC step, 0.1 tick, 100 USDT minimum notional.
MKT = linear(contract_size="1", step="0.001", tick="0.1", min_amount="0.001", min_notional="100")


def test_build_from_zero_sells_post_only_at_the_ask() -> None:
    """From flat, the whole gap is one post-only sell at the best ask, not reduce-only."""
    result = plan(view("2", "0", market=MKT))
    (new,) = result.orders
    assert (new.side, new.amount, new.price) == (Side.SELL, D(2), D(60000))
    assert new.post_only and not new.reduce_only and not new.immediate_or_cancel
    assert new.purpose is Purpose.GROW
    assert new.intent == "BTC:grow:0>-2"
    assert result.cancels == ()


def test_partial_target_sells_half() -> None:
    """A 0.5 target on 3.5 BTC sells 1.75."""
    result = plan(view("3.5", "0", market=MKT, pol=policy("0.5")))
    assert result.orders[0].amount == D("1.75")


def test_within_band_is_a_noop() -> None:
    """A ratio within the band places and cancels nothing and says so."""
    result = plan(view("2", "-1.97", market=MKT))
    assert result.is_noop
    assert "within band" in result.notes


def test_just_outside_band_acts() -> None:
    """A ratio just outside the band closes the whole gap."""
    result = plan(view("2", "-1.95", market=MKT))
    assert result.orders[0].amount == D("0.05")


def test_shrink_is_reduce_only_buy_at_the_bid() -> None:
    """Lowering the target buys back reduce-only at the best bid."""
    result = plan(view("2", "-2", market=MKT, pol=policy("0.5")))
    (new,) = result.orders
    assert (new.side, new.amount, new.price) == (Side.BUY, D(1), D("59999.9"))
    assert new.reduce_only and new.post_only
    assert new.intent == "BTC:shrink:-2>-1"


def test_dust_is_reported_not_traded() -> None:
    """A gap below the minimum notional is left alone and reported as dust."""
    result = plan(view("0.0011", "-0.001", market=MKT, pol=policy("1", band=D(0))))
    assert result.orders == ()
    assert any(note.startswith("dust") for note in result.notes)


def test_net_long_is_closed_reduce_only() -> None:
    """A net-long perp is sold back to flat reduce-only, whatever the band."""
    result = plan(view("2", "0.5", market=MKT))
    (new,) = result.orders
    assert (new.side, new.amount, new.reduce_only) == (Side.SELL, D("0.5"), True)
    assert new.purpose is Purpose.CLOSE_LONG


def test_over_max_ratio_shrinks_even_within_band() -> None:
    """A short above max_ratio is bought back although the ratio is within the band."""
    pol = policy("1", band=D("0.05"), max_ratio=D(1))
    result = plan(view("2", "-2.02", market=MKT, pol=pol))
    (new,) = result.orders
    assert (new.side, new.amount, new.reduce_only) == (Side.BUY, D("0.02"), True)


def test_max_ratio_caps_growth() -> None:
    """A sell never lets the short exceed max_ratio even when the target is higher."""
    pol = policy("1.2", max_ratio=D("1.2"), allow_over_hedge=True)
    result = plan(view("1", "-1.19", market=MKT, pol=pol, q=quote()))
    assert result.is_noop
    result = plan(view("1", "-1.1", market=MKT, pol=pol))
    assert result.orders[0].amount == D("0.1")


def test_spot_zero_closes_short() -> None:
    """With no spot left the whole short is bought back reduce-only."""
    result = plan(view("0", "-1.5", market=MKT))
    (new,) = result.orders
    assert (new.side, new.amount, new.reduce_only) == (Side.BUY, D("1.5"), True)


def test_fresh_order_at_touch_is_kept() -> None:
    """A live order on the right side, at the touch, young and right-sized is kept."""
    live = (order(Side.SELL, "2", "60000"),)
    result = plan(view("2", "0", market=MKT, live=live))
    assert result.is_noop and result.kept == ("o1",)


def test_partially_filled_order_is_kept() -> None:
    """A partly filled order whose remainder matches the remaining gap is kept."""
    live = (order(Side.SELL, "2", "60000", filled="1.5"),)
    result = plan(view("2", "-1.5", market=MKT, live=live))
    assert result.kept == ("o1",)


def test_order_behind_moved_touch_is_cancelled_first() -> None:
    """When the ask moved away by more than reprice_ticks, the cycle only cancels."""
    live = (order(Side.SELL, "2", "60010"),)
    result = plan(view("2", "0", market=MKT, live=live))
    assert [c.order_id for c in result.cancels] == ["o1"]
    assert result.orders == ()
    assert "ticks away" in result.cancels[0].reason


def test_old_order_is_repriced() -> None:
    """An order older than reprice_after_ms is cancelled."""
    live = (order(Side.SELL, "2", "60000", ts=0),)
    result = plan(view("2", "0", market=MKT, live=live, now_ms=60_001))
    assert result.cancels and not result.orders


def test_wrong_side_order_is_cancelled() -> None:
    """A live sell while the hedge must shrink is cancelled."""
    live = (order(Side.SELL, "1", "60000"),)
    result = plan(view("2", "-3", market=MKT, live=live))
    assert result.cancels and not result.orders


def test_oversized_live_order_is_cancelled() -> None:
    """A live order larger than now allowed (spot fell) is cancelled."""
    live = (order(Side.SELL, "2", "60000"),)
    result = plan(view("1", "0", market=MKT, live=live))
    assert "above" in result.cancels[0].reason


def test_two_live_orders_are_both_cancelled() -> None:
    """More than one live order for a hedge: cancel all, place nothing."""
    live = (order(Side.SELL, "1", "60000"), order(Side.SELL, "1", "60000", oid="o2"))
    result = plan(view("2", "0", market=MKT, live=live))
    assert {c.order_id for c in result.cancels} == {"o1", "o2"}
    assert result.orders == ()


def test_slicing_by_max_order_notional() -> None:
    """A big gap is sent one slice of at most max_order_notional at a time."""
    pol = policy("1", max_order_notional=D(30000))
    result = plan(view("2", "0", market=MKT, pol=pol))
    (new,) = result.orders
    assert new.amount == D("0.5")
    assert new.amount * new.price <= D(30000)


def test_daily_turnover_caps_rebalancing() -> None:
    """Rebalancing stops at the day's turnover limit and says so."""
    pol = policy("1", max_daily_turnover=D(100000))
    assert plan(view("2", "0", market=MKT, pol=pol, turnover_today=D(70000))).orders[0].amount == D(
        "0.5"
    )
    result = plan(view("2", "0", market=MKT, pol=pol, turnover_today=D(100000)))
    assert result.orders == ()
    assert any("max_daily_turnover" in note for note in result.notes)


def test_turnover_does_not_block_closing_a_naked_short() -> None:
    """Getting back under max_ratio ignores the turnover cap."""
    pol = policy("1", max_daily_turnover=D(1000))
    result = plan(view("0", "-1", market=MKT, pol=pol, turnover_today=D(5000)))
    assert result.orders[0].amount == D(1)


@pytest.mark.parametrize("gate", [RiskGate.BLOCK_INCREASE, RiskGate.REDUCE])
def test_risk_blocks_increase(gate: RiskGate) -> None:
    """A risk gate other than ALLOW never grows the short."""
    result = plan(view("2", "-1", market=MKT, risk_gate=gate))
    assert result.orders == ()
    assert any("blocked by risk" in note for note in result.notes)


def test_risk_block_cancels_live_increase() -> None:
    """A resting sell is cancelled once risk blocks increases."""
    live = (order(Side.SELL, "1", "60000"),)
    result = plan(view("2", "-1", market=MKT, live=live, risk_gate=RiskGate.BLOCK_INCREASE))
    assert [c.order_id for c in result.cancels] == ["o1"]


def test_risk_reduce_buys_back_aggressively() -> None:
    """A REDUCE gate buys back the named amount with a reduce-only IOC at the ask."""
    result = plan(
        view("2", "-2", market=MKT, risk_gate=RiskGate.REDUCE, risk_reduce_contracts=D("0.3"))
    )
    (new,) = result.orders
    assert (new.side, new.amount, new.price) == (Side.BUY, D("0.3"), D(60000))
    assert new.reduce_only and new.immediate_or_cancel and not new.post_only


def test_emergency_band_uses_ioc_at_far_touch() -> None:
    """Beyond the emergency band a sell is an IOC at the bid instead of post-only."""
    pol = policy("1", emergency_band=D("0.5"))
    new = plan(view("2", "0", market=MKT, pol=pol)).orders[0]
    assert new.immediate_or_cancel and not new.post_only and new.price == D("59999.9")


@pytest.mark.parametrize(("paused", "data_ok"), [(True, True), (False, False)])
def test_paused_or_bad_data_cancels_and_places_nothing(paused: bool, data_ok: bool) -> None:
    """Paused hedges and untrusted data withdraw our orders and place none."""
    live = (order(Side.SELL, "2", "60000"),)
    result = plan(
        view("2", "0", market=MKT, live=live, paused=paused, data_ok=data_ok, data_reason="x")
    )
    assert [c.order_id for c in result.cancels] == ["o1"]
    assert result.orders == ()


def test_crossed_quote_places_nothing() -> None:
    """A crossed book is not traded on."""
    result = plan(view("2", "0", market=MKT, q=quote(bid="60001", ask="60000")))
    assert result.orders == ()
    assert "bid 60001 >= ask 60000" in result.notes[0]


def test_mixed_symbols_are_rejected() -> None:
    """A view whose parts name different symbols raises a clear error."""
    other = linear(symbol="ETH/USDT:USDT")
    with pytest.raises(ValueError, match="mixes symbols"):
        plan(view("2", "0", market=other))


def test_intent_is_deterministic() -> None:
    """The same state yields the same intent, so client ids are idempotent."""
    first = plan(view("2", "-0.5", market=MKT)).orders[0].intent
    again = plan(view("2", "-0.5", market=MKT, now_ms=99_999)).orders[0].intent
    assert first == again == "BTC:grow:-0.5>-2"
