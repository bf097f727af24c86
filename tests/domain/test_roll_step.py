"""One roll step over two real contracts (`roll_step.plan_roll`): the order it sends, when
it keeps, cancels or escalates, and — as a property over partial fills rounded to the
venue's step — that old + new stays within [target − band, max_ratio] × exposure and
neither leg goes long. Sizes in BTC (linear contracts of 1 BTC), prices USDT, times ms."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.model import Market, Order, OrderStatus, Position, Quote, Side
from bot.domain.roll_step import RollLeg, RollView, plan_roll, roll_late, roll_legs

from ._factories import linear, policy

OLD, NEW = "BTC/USDT:USDT-261225", "BTC/USDT:USDT-270326"
EXPIRY = 1_798_185_600_000
HOUR = 3_600_000


def _market(symbol: str, expiry: int) -> Market:
    return replace(linear(symbol=symbol), expiry_ms=expiry)


def _leg(symbol: str, contracts: str, bid: str, ask: str, expiry: int) -> RollLeg:
    quote = Quote(symbol, D(bid), D(ask), timestamp_ms=EXPIRY - 71 * HOUR, mark=D(ask))
    return RollLeg(_market(symbol, expiry), Position(symbol, D(contracts)), quote)


def _view(
    old: str = "-0.3",
    new: str = "0",
    *,
    band: str = "0.34",
    venue_ms: int = EXPIRY - 71 * HOUR,
    live: tuple[Order, ...] = (),
    late: bool = False,
) -> RollView:
    return RollView(
        policy=policy("1", perp_symbol=OLD, band=D(band), max_ratio=D(1)),
        old=_leg(OLD, old, "60000", "60000.1", EXPIRY),
        new=_leg(NEW, new, "61000", "61000.1", EXPIRY + 90 * 24 * HOUR),
        exposure=D("0.3"),
        now_ms=1_000,
        venue_ms=venue_ms,
        size=D("0.3"),
        live_orders=live,
        late=late,
    )


def _live(symbol: str, side: Side, amount: str, price: str, *, reduce_only: bool) -> Order:
    return Order("o1", "hb-o1", symbol, side, D(amount), D(0), D(price), OrderStatus.OPEN,
                 reduce_only=reduce_only, post_only=True, timestamp_ms=1_000)  # fmt: skip


def test_the_first_step_buys_back_the_old_leg_down_to_the_floor_post_only() -> None:
    """0.3 BTC short, floor 0.198: buy back 0.102 of the old quarterly reduce-only,
    post-only at its bid; the combined ratio is measured on both legs."""
    plan = plan_roll(_view())
    (order,) = plan.orders
    assert (order.symbol, order.side, order.amount, order.price) == (OLD, Side.BUY, D("0.102"),
                                                                     D("60000"))  # fmt: skip
    assert order.reduce_only and order.post_only and not order.immediate_or_cancel
    assert plan.state is not None and plan.state.ratio == 1


def test_then_the_new_leg_is_sold_up_to_max_ratio_at_its_ask() -> None:
    """With 0.198 left on the old leg: sell 0.102 of the next quarterly post-only at its
    ask (back to 0.3 combined, never more)."""
    (order,) = plan_roll(_view("-0.198", "0")).orders
    assert (order.symbol, order.side, order.amount, order.price) == (NEW, Side.SELL, D("0.102"),
                                                                     D("61000.1"))  # fmt: skip
    assert not order.reduce_only and order.post_only


def test_with_the_old_leg_flat_the_new_leg_is_refilled_then_the_roll_is_done() -> None:
    """Old flat, new 0.204: sell 0.096 more of the new leg (to the 0.3 the old one held);
    at 0.3 nothing is left to send."""
    (order,) = plan_roll(_view("0", "-0.204")).orders
    assert (order.symbol, order.side, order.amount) == (NEW, Side.SELL, D("0.096"))
    assert plan_roll(_view("0", "-0.3")).orders == ()


def test_a_resting_step_is_kept_and_an_order_on_the_wrong_leg_is_cancelled() -> None:
    """A resting buy of the old leg within the step is kept (no second order); a resting
    sell of the old leg (not a roll step) is cancelled before anything is placed."""
    kept = plan_roll(_view(live=(_live(OLD, Side.BUY, "0.1", "60000", reduce_only=True),)))
    assert kept.kept == ("o1",) and kept.orders == ()
    wrong = plan_roll(_view(live=(_live(OLD, Side.SELL, "0.1", "60000.1", reduce_only=False),)))
    assert [c.order_id for c in wrong.cancels] == ["o1"] and wrong.orders == ()


def test_two_live_orders_are_both_cancelled() -> None:
    """One live order per hedge across both contracts: two are cancelled, none placed."""
    two = (
        _live(OLD, Side.BUY, "0.1", "60000", reduce_only=True),
        replace(_live(NEW, Side.SELL, "0.1", "61000.1", reduce_only=False), id="o2"),
    )
    plan = plan_roll(_view(live=two))
    assert {c.order_id for c in plan.cancels} == {"o1", "o2"} and plan.orders == ()


def test_a_late_roll_sends_its_step_ioc_at_the_far_touch() -> None:
    """Late: the old leg's buy is IOC at its ask, not post-only."""
    (order,) = plan_roll(_view(late=True)).orders
    assert order.immediate_or_cancel and not order.post_only and order.price == D("60000.1")


def test_in_the_last_hour_the_old_leg_is_bought_back_whole_then_the_new_one_refilled() -> None:
    """30 min before expiry the old leg is bought back whole in one IOC step (never
    delivered), even with no room between the bounds (band 0); then the new leg is sold
    back up IOC. Days before, band 0 leaves no room: nothing is sent."""
    last_hour = EXPIRY - HOUR // 2
    (order,) = plan_roll(_view("-0.25", "-0.05", band="0", venue_ms=last_hour)).orders
    assert (order.symbol, order.side, order.amount) == (OLD, Side.BUY, D("0.25"))
    assert order.immediate_or_cancel and order.reduce_only
    (refill,) = plan_roll(_view("0", "-0.05", band="0", venue_ms=last_hour)).orders
    assert (refill.symbol, refill.side, refill.amount) == (NEW, Side.SELL, D("0.25"))
    assert refill.immediate_or_cancel
    assert plan_roll(_view(band="0")).orders == ()


def test_a_net_long_leg_stops_the_roll() -> None:
    """A leg that reads net long: nothing is placed."""
    plan = plan_roll(_view("-0.3", "0.01"))
    assert plan.orders == () and "net long" in plan.notes[0]


def test_a_roll_is_late_when_its_post_only_steps_cannot_finish_an_hour_before_expiry() -> None:
    """3 slices × 2 steps × 60 s = 6 min: late from expiry − 1 h − 6 min on, not before."""
    at = EXPIRY - HOUR - 6 * 60_000
    assert roll_late(_view(venue_ms=at))
    assert not roll_late(_view(venue_ms=at - 1))


@st.composite
def _partial_fills(draw: st.DrawFn) -> tuple[str, list[int]]:
    band = draw(st.sampled_from(["0.02", "0.05", "0.1", "0.34", "0.5"]))
    return band, draw(st.lists(st.integers(0, 100), min_size=1, max_size=12))


@settings(max_examples=150, deadline=None)
@given(_partial_fills())
def test_partial_fills_of_every_step_keep_the_combined_short_in_bounds(
    case: tuple[str, list[int]],
) -> None:
    """Each step filled by any percentage (rounded down to 0.001 BTC): after every fill
    low ≤ old + new ≤ 0.3, no leg long; with whole fills after 50 rounds the roll ends with
    the old leg flat and 0.3 on the new one."""
    band, percents = case
    view = _view(band=band)
    low = (1 - D(band)) * D("0.3")
    for i in range(400):
        plan = plan_roll(view)
        if not plan.orders:
            break
        (order,) = plan.orders
        percent = D(percents[i % len(percents)]) if i < 50 else D(100)
        filled = (order.amount * percent / 100).quantize(D("0.001"), rounding="ROUND_DOWN")
        view = _filled(view, order.symbol, filled if order.side is Side.BUY else -filled)
        legs = roll_legs(view)
        assert low <= legs.total <= D("0.3"), (legs, band)
        assert view.old.position.contracts <= 0 and view.new.position.contracts <= 0
    assert roll_legs(view).old == 0 and roll_legs(view).new == D("0.3")


def _filled(view: RollView, symbol: str, delta: D) -> RollView:
    leg = view.old if symbol == OLD else view.new
    moved = replace(leg, position=replace(leg.position, contracts=leg.position.contracts + delta))
    return replace(view, old=moved) if symbol == OLD else replace(view, new=moved)
