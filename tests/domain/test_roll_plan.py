"""The paired roll plan: after any fill (whole or partial) the combined short stays within
[target − band, max_ratio] of the exposure, neither leg goes net long, and the old leg ends
flat. Sizes in BTC (base units, positive shorts)."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.roll_plan import (
    RollBounds,
    RollLegs,
    RollMove,
    RollStep,
    after_fill,
    next_roll_step,
    roll_due,
)

STEP = D("0.001")
HOUR = 3_600_000


def _btc(low: int, high: int) -> st.SearchStrategy[D]:
    return st.integers(low, high).map(lambda n: D(n) * STEP)


@st.composite
def rolls(draw: st.DrawFn) -> tuple[RollLegs, RollBounds, list[float]]:
    low = draw(_btc(0, 5_000))
    high = low + draw(_btc(1, 2_000))
    total = draw(st.integers(int(low / STEP), int(high / STEP))) * STEP
    new = draw(st.integers(0, int(total / STEP))) * STEP
    bounds = RollBounds(low, high, max_slice=draw(_btc(1, 3_000)), step=STEP)
    fills = draw(st.lists(st.floats(0, 1), min_size=1, max_size=20))
    return RollLegs(total - new, new), bounds, fills


@settings(max_examples=300, deadline=None)
@given(rolls())
def test_every_fill_keeps_the_combined_short_in_bounds_and_the_old_leg_ends_flat(
    case: tuple[RollLegs, RollBounds, list[float]],
) -> None:
    """Partial fills of any size keep low ≤ old + new ≤ high, no leg net long; whole fills
    finish the roll with the old contract flat."""
    legs, bounds, fractions = case
    # 200 partial rounds, then whole fills: two steps per slice (at most the room) at most
    slice_ = min(bounds.max_slice, bounds.high - bounds.low)
    for i in range(200 + 2 * int(legs.total / slice_) + 4):
        step = next_roll_step(legs, bounds)
        if step is None:
            break
        assert step.amount > 0
        fraction = D(str(fractions[i % len(fractions)])) if i < 200 else D(1)
        filled = (step.amount * fraction / STEP).to_integral_value() * STEP
        legs = after_fill(legs, step, min(filled, step.amount))
        assert bounds.low <= legs.total <= bounds.high, (legs, bounds)
        assert legs.old >= 0 and legs.new >= 0
    assert legs.old == 0, (legs, bounds)


def test_a_step_buys_the_old_leg_first_while_the_floor_allows() -> None:
    """At 1.0 BTC old with a floor of 0.98: buy back 0.02 of the old leg reduce-only first."""
    bounds = RollBounds(D("0.98"), D("1.0"), max_slice=D("0.5"), step=STEP)
    step = next_roll_step(RollLegs(D("1.0"), D(0)), bounds)
    assert step == RollStep(RollMove.BUY_OLD, D("0.02"))
    after = after_fill(RollLegs(D("1.0"), D(0)), step, step.amount)
    assert next_roll_step(after, bounds) == RollStep(RollMove.SELL_NEW, D("0.02"))


def test_no_room_between_the_bounds_is_no_step() -> None:
    """target = max with no band: no slice fits, the caller must escalate."""
    bounds = RollBounds(D(1), D(1), max_slice=D("0.5"), step=STEP)
    assert next_roll_step(RollLegs(D(1), D(0)), bounds) is None


def test_the_roll_is_due_roll_before_hours_ahead_of_expiry() -> None:
    """72 h before expiry the roll starts, not a millisecond earlier."""
    expiry = 1_798_185_600_000
    assert roll_due(expiry - 72 * HOUR, expiry, 72 * HOUR)
    assert not roll_due(expiry - 72 * HOUR - 1, expiry, 72 * HOUR)
