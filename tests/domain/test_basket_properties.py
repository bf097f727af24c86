"""Basket invariants under random members and positions: the one combined plan keeps every
planner invariant for the basket as a whole. Units: BTC (the perp's base); contracts signed."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.basket import Member, attributed, basket_exposure, combined_policy, weights
from bot.domain.hedge import short_exposure
from bot.domain.model import Side
from bot.domain.planner import plan

from ._factories import linear, policy, view

MARKET = linear(step="0.001", min_amount="0.001")
PRICE = D(60_000)
# Decimal division: ratio × E may differ from the sum in the 28th digit only.
ULP = D("1e-20")


@st.composite
def members(draw: st.DrawFn) -> list[Member]:
    out = []
    for i in range(draw(st.integers(1, 4))):
        target = D(draw(st.integers(0, 100))) / 100
        cap = target + D(draw(st.integers(0, 100))) / 100
        out.append(
            Member(
                policy(
                    str(target),
                    name=f"H{i}",
                    spot_asset=f"C{i}",
                    max_ratio=min(cap, D(1)),
                    band=D(draw(st.integers(0, 10))) / 100,
                    beta=D(draw(st.integers(5, 20))) / 10,
                ),
                D(draw(st.integers(0, 10_000))) / 1000,
            )
        )
    return out


def _sum_short(group: list[Member], pick: str) -> D:
    return sum((m.short_at(getattr(m.policy, pick)) for m in group), D(0))


@settings(max_examples=300, deadline=None)
@given(members(), st.integers(-2_000, 40_000))
def test_a_fill_never_takes_the_basket_past_its_summed_cap(group: list[Member], held: int) -> None:
    """One order at most; a full fill of a sell never passes Σ max_ratio shorts, a buy is
    reduce-only and never turns the perp long, whatever the members and the position."""
    combined = combined_policy(group)
    contracts = -MARKET.amount_step * held
    hedge_plan = plan(view(str(basket_exposure(group)), str(contracts), pol=combined))
    assert len(hedge_plan.orders) <= 1
    cap = _sum_short(group, "max_ratio")
    for order in hedge_plan.orders:
        after = contracts + (order.amount if order.side is Side.BUY else -order.amount)
        if order.side is Side.BUY:
            assert order.reduce_only and after <= 0
        elif order.reduce_only:  # closing a net long: never past flat
            assert after >= 0
        else:
            assert short_exposure(MARKET, after, PRICE) <= cap + ULP


@settings(max_examples=300, deadline=None)
@given(members())
def test_combined_ratios_carry_the_members_sums(group: list[Member]) -> None:
    """Combined target, band and cap × E equal the members' sums; target ≤ cap ≤ 1."""
    combined = combined_policy(group)
    total = basket_exposure(group)
    assert combined.target_ratio <= combined.max_ratio <= 1
    if total > 0:
        for pick in ("target_ratio", "band", "max_ratio"):
            assert abs(getattr(combined, pick) * total - _sum_short(group, pick)) <= ULP


@settings(max_examples=300, deadline=None)
@given(members(), st.integers(-50_000, 50_000))
def test_shares_add_up_to_the_position_with_its_sign(group: list[Member], held: int) -> None:
    """Attributed shares sum to the position exactly and none has the opposite sign."""
    contracts = MARKET.amount_step * held
    shares = attributed(contracts, weights(group))
    assert sum(shares) == contracts
    assert all(s * contracts >= 0 for s in shares)
