"""Properties of the effective target: always within [0, max_ratio], and the planner's
invariants (one live order, no fill past max_ratio or net long, reduce-only shrinking) hold
whatever target the rules set."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.hedge import contracts_after_fills, measure, short_exposure
from bot.domain.model import Side
from bot.domain.planner import HedgeView, plan, reference_price
from bot.domain.rule_memory import RuleMemory
from bot.domain.target_rules import (
    FundingRule,
    LadderStep,
    Observation,
    Rules,
    TakeProfit,
    Tranche,
    Window,
)
from bot.domain.targets import effective_target

from .test_planner_properties import _after, views

RATIOS = st.integers(0, 150).map(lambda n: D(n) / 100)
PRICES = st.integers(1, 100_000).map(D)
HOUR = 3_600_000


@st.composite
def rules(draw: st.DrawFn, max_ratio: D | None = None) -> Rules:
    top = max_ratio if max_ratio is not None else draw(RATIOS)
    windows = tuple(
        Window(f"w{i}", i * 10 * HOUR, i * 10 * HOUR + draw(st.integers(1, 9)) * HOUR, draw(RATIOS))
        for i in range(draw(st.integers(0, 2)))
    )
    tranches = tuple(
        Tranche(
            draw(RATIOS) + D("0.01"),
            *draw(st.sampled_from([(None, True)]) | st.tuples(PRICES, st.just(False))),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    tp = draw(
        st.none()
        | st.builds(
            lambda p, up, r, pct: TakeProfit(
                r, p + up, price_below=p if pct is None else None, pnl_pct=pct
            ),
            PRICES,
            PRICES,
            RATIOS,
            st.none() | st.integers(1, 50).map(D),
        )
    )
    funding = draw(
        st.none()
        | st.builds(
            FundingRule,
            st.integers(-10, 10).map(lambda n: D(n) / 10_000),
            st.integers(1, 4),
            RATIOS,
        )
    )
    ladder = tuple(
        LadderStep(D(i + 1) / 10, draw(st.sampled_from([1, 30])), draw(RATIOS))
        for i in range(draw(st.integers(0, 3)))
    )
    return Rules(draw(RATIOS), top, windows, tranches, tp, funding, ladder)


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    rates = draw(st.lists(st.integers(-10, 10).map(lambda n: D(n) / 10_000), max_size=5))
    return Observation(
        now_ms=draw(st.integers(0, 40)) * HOUR,
        price=draw(st.none() | PRICES),
        short_gain_pct=draw(st.none() | st.integers(-50, 50).map(D)),
        settlements=tuple((i * 8 * HOUR, r) for i, r in enumerate(rates)),
        highs=draw(st.dictionaries(st.sampled_from([1, 30]), PRICES, max_size=2)),
    )


@st.composite
def memories(draw: st.DrawFn) -> RuleMemory:
    return RuleMemory(
        armed=tuple(draw(st.lists(st.integers(0, 4), unique=True, max_size=3))),
        take_profit_at=draw(st.none() | PRICES),
        funding_streak=draw(st.integers(0, 6)),
        funding_seen_ms=draw(st.none() | st.integers(0, 40).map(lambda n: n * HOUR)),
    )


@settings(max_examples=300, deadline=None)
@given(rules(), memories(), st.lists(observations(), min_size=1, max_size=4))
def test_effective_target_stays_within_zero_and_max_ratio(
    r: Rules, memory: RuleMemory, seen: list[Observation]
) -> None:
    """Whatever the rules, memory and observations, cycle after cycle: 0 ≤ target ≤ max_ratio,
    with a reason."""
    for obs in seen:
        target = effective_target(r, memory, obs)
        assert D(0) <= target.ratio <= r.max_ratio
        assert target.reason
        memory = target.memory


def _ruled(view: HedgeView, r: Rules, memory: RuleMemory, obs: Observation) -> HedgeView:
    """The view as `decide` builds it: the policy with the effective target in place."""
    target = effective_target(replace(r, max_ratio=view.policy.max_ratio), memory, obs)
    return replace(view, policy=replace(view.policy, target_ratio=target.ratio))


@settings(max_examples=200, deadline=None)
@given(views(), rules(max_ratio=D(0)), memories(), observations())
def test_planner_invariants_hold_under_every_rule(
    base: HedgeView, r: Rules, memory: RuleMemory, obs: Observation
) -> None:
    """Under any rule's target: at most one live order, no full fill past max_ratio or net
    long, every buy reduce-only."""
    view = _ruled(base, r, memory, obs)
    result = plan(view)
    kept, new = _after(view, result)
    assert len(kept) + len(new) <= 1
    assert not (result.cancels and result.orders)
    before = view.position.contracts
    after = contracts_after_fills(before, kept + new)
    price = reference_price(view.quote)
    state = measure(view.policy, view.market, view.spot, before, price)
    assert after <= 0 if before <= 0 else D(0) <= after <= before
    assert short_exposure(view.market, after, price) <= max(state.max_short, state.short)
    assert all(o.reduce_only for o in result.orders if o.side is Side.BUY)
