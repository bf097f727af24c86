"""Planner invariants under random snapshots, policies, live orders and risk gates."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.contracts import order_size_problem
from bot.domain.hedge import HedgePolicy, contracts_after_fills, measure, short_exposure
from bot.domain.model import Market, Order, OrderStatus, Position, Quote, Side
from bot.domain.planner import HedgePlan, HedgeView, plan, reference_price
from bot.domain.risk_policy import RiskGate

from ._factories import SYMBOL, inverse, linear

MARKETS = [
    linear(contract_size="1", step="0.001", tick="0.1", min_amount="0.001", min_notional="100"),
    linear(contract_size="0.001", step="1", tick="0.5", min_amount="1", min_notional="5"),
    linear(contract_size="0.01", step="1", tick="0.1", min_amount="1"),
    inverse(contract_size="100", symbol=SYMBOL),
    replace(linear(step="0.001", min_amount="0.001", min_notional="100"), max_amount=D(3)),
]


@st.composite
def views(draw: st.DrawFn) -> HedgeView:
    market = draw(st.sampled_from(MARKETS))
    tick = market.price_tick
    bid = tick * draw(st.integers(2_000, 200_000))
    ask = bid + tick * draw(st.integers(1, 20))
    mark = bid + tick * draw(st.integers(-30, 30))
    quote = Quote(SYMBOL, bid, ask, 0, mark=mark if mark > 0 else None)
    price = reference_price(quote)
    spot = D(draw(st.one_of(st.just(0), st.integers(0, 10_000)))) / 1000
    held_ratio = D(draw(st.integers(-40, 180))) / 100
    per_contract = (
        market.contract_size / price if market.kind.value == "inverse" else (market.contract_size)
    )
    contracts = (spot * held_ratio / per_contract / market.amount_step).to_integral_value()
    contracts = -contracts * market.amount_step
    if draw(st.booleans()):
        contracts = -market.amount_step * draw(st.integers(0, 50))
    view = HedgeView(
        policy=draw(policies()),
        market=market,
        spot=spot,
        position=Position(SYMBOL, contracts),
        quote=quote,
        now_ms=100_000,
        live_orders=tuple(draw(st.lists(orders(market, bid, ask), max_size=2, unique_by=id_of))),
        turnover_today=D(draw(st.one_of(st.just(0), st.integers(0, 2_000_000)))),
        risk_gate=draw(st.sampled_from(list(RiskGate))),
        risk_reduce_contracts=market.amount_step * draw(st.integers(0, 5_000)),
        paused=draw(st.integers(0, 9)) == 9,
        data_ok=draw(st.integers(0, 9)) != 9,
    )
    if draw(st.booleans()):
        view = _with_own_order(view, draw)
    return view


def _with_own_order(view: HedgeView, draw: st.DrawFn) -> HedgeView:
    """Rest what the planner would place now, partly filled and aged, as the live order."""
    wanted = plan(replace(view, live_orders=())).orders
    if not wanted:
        return view
    new = wanted[0]
    step = view.market.amount_step
    filled = (new.amount * D(draw(st.integers(0, 9))) / 10 / step).to_integral_value() * step
    live = Order(
        "own",
        new.intent,
        new.symbol,
        new.side,
        new.amount,
        filled,
        new.price,
        OrderStatus.OPEN,
        new.reduce_only,
        new.post_only,
        timestamp_ms=view.now_ms - draw(st.integers(0, 100_000)),
    )
    return replace(view, live_orders=(live,))


def id_of(o: Order) -> str:
    return o.id


@st.composite
def policies(draw: st.DrawFn) -> HedgePolicy:
    over = draw(st.booleans())
    target = D(draw(st.integers(0, 150 if over else 100))) / 100
    max_ratio = target + D(draw(st.integers(0, 20))) / 100
    if not over:
        max_ratio = min(max(max_ratio, target), D(1))
    band = D(draw(st.integers(0, 10))) / 100
    emergency = draw(st.one_of(st.none(), st.integers(11, 80)))
    return HedgePolicy(
        name="BTC",
        spot_asset="BTC",
        perp_symbol=SYMBOL,
        target_ratio=target,
        band=band,
        max_ratio=max_ratio,
        allow_over_hedge=over,
        post_only=draw(st.booleans()),
        max_order_notional=draw(st.one_of(st.none(), st.integers(50, 500_000).map(D))),
        reprice_after_ms=draw(st.integers(1, 100_000)),
        reprice_ticks=draw(st.integers(0, 10)),
        emergency_band=None if emergency is None else band + D(emergency) / 100,
        max_daily_turnover=draw(st.one_of(st.none(), st.integers(1, 3_000_000).map(D))),
    )


def orders(market: Market, bid: D, ask: D) -> st.SearchStrategy[Order]:
    tick = market.price_tick

    @st.composite
    def build(draw: st.DrawFn) -> Order:
        side = draw(st.sampled_from([Side.BUY, Side.SELL]))
        touch = bid if side is Side.BUY else ask
        amount = market.amount_step * draw(st.integers(1, 5_000))
        filled = (amount * D(draw(st.integers(0, 9))) / 10 / market.amount_step).to_integral_value()
        return Order(
            id=f"o{draw(st.integers(0, 5))}",
            client_id=None,
            symbol=SYMBOL,
            side=side,
            amount=amount,
            filled=filled * market.amount_step,
            price=touch + tick * draw(st.integers(-15, 15)),
            status=OrderStatus.OPEN,
            reduce_only=draw(st.booleans()),
            post_only=draw(st.booleans()),
            timestamp_ms=draw(st.one_of(st.none(), st.integers(0, 100_000))),
        )

    return build()


def _after(view: HedgeView, result: HedgePlan) -> tuple[list[Order], list[Order]]:
    cancelled = {c.order_id for c in result.cancels}
    kept = [o for o in view.live_orders if o.id not in cancelled and o.remaining > 0]
    new = [
        Order(
            o.intent,
            o.intent,
            o.symbol,
            o.side,
            o.amount,
            D(0),
            o.price,
            OrderStatus.OPEN,
            o.reduce_only,
            o.post_only,
        )
        for o in result.orders
    ]
    return kept, new


@settings(max_examples=200, deadline=None)
@given(views())
def test_at_most_one_live_order_after_the_plan(view: HedgeView) -> None:
    """(a) After applying a plan at most one order per hedge is live; cancels come alone."""
    result = plan(view)
    kept, new = _after(view, result)
    assert len(kept) + len(new) <= 1
    assert not (result.cancels and result.orders)


@settings(max_examples=200, deadline=None)
@given(views())
def test_full_fills_never_pass_max_ratio_or_turn_long(view: HedgeView) -> None:
    """(b) If every kept and new order filled, the short stays ≤ max_ratio (or does not grow)
    and the perp does not turn (or grow) net long."""
    result = plan(view)
    kept, new = _after(view, result)
    before = view.position.contracts
    after = contracts_after_fills(before, kept + new)
    price = reference_price(view.quote)
    state = measure(view.policy, view.market, view.spot, before, price)
    if before <= 0:
        assert after <= 0
    else:
        assert D(0) <= after <= before
    short_after = short_exposure(view.market, after, price)
    assert short_after <= max(state.max_short, state.short)


@settings(max_examples=200, deadline=None)
@given(views())
def test_shrinking_orders_are_reduce_only(view: HedgeView) -> None:
    """(c) Every buy, and every sell against a net long, is reduce-only."""
    for new in plan(view).orders:
        if new.side is Side.BUY or view.position.contracts > 0:
            assert new.reduce_only


@settings(max_examples=200, deadline=None)
@given(views())
def test_orders_clear_venue_minimums_and_grid(view: HedgeView) -> None:
    """(d) No order is below min amount or above max amount, none but reduce-only ones is
    below min notional, and all sit on the step and tick."""
    market = view.market
    for new in plan(view).orders:
        problem = order_size_problem(market, new.amount, new.price, reduce_only=new.reduce_only)
        assert problem is None
        assert new.amount % market.amount_step == 0
        assert new.price % market.price_tick == 0


@settings(max_examples=200, deadline=None)
@given(views())
def test_post_only_prices_stay_on_our_side(view: HedgeView) -> None:
    """(e) Post-only sells are at or above the ask, post-only buys at or below the bid."""
    for new in plan(view).orders:
        if new.post_only:
            if new.side is Side.SELL:
                assert new.price >= view.quote.ask
            else:
                assert new.price <= view.quote.bid


@settings(max_examples=200, deadline=None)
@given(views())
def test_blocked_gates_never_grow_the_short(view: HedgeView) -> None:
    """Under a risk gate, on pause or bad data, no order adds to the short."""
    result = plan(view)
    if view.risk_gate is not RiskGate.ALLOW or view.paused or not view.data_ok:
        assert all(o.reduce_only for o in result.orders)
    if view.paused or not view.data_ok:
        assert result.orders == ()
