"""Hysteresis of the risk guard: after TOP_UP or worse, the hedge is not grown back until the
liquidation distance is restored."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.hold import risk_hold_after
from bot.domain.risk import RiskAssessment
from bot.domain.risk_policy import RiskGrade

RESTORE = D("0.35")


def _risk(grade: RiskGrade, distance: str | None) -> RiskAssessment:
    return RiskAssessment("BTC", grade, distance=None if distance is None else D(distance))


@pytest.mark.parametrize(
    ("held", "grade", "distance", "expected"),
    [
        (False, RiskGrade.OK, "0.50", False),  # healthy: nothing held
        (False, RiskGrade.WARN, "0.25", False),  # a warning alone does not hold increases
        (False, RiskGrade.TOP_UP, "0.18", True),  # critical: hold
        (False, RiskGrade.REDUCE, "0.05", True),
        (True, RiskGrade.OK, "0.31", True),  # back to OK but not restored: still held
        (True, RiskGrade.WARN, "0.29", True),
        (True, RiskGrade.OK, "0.35", False),  # restored: released
        (True, RiskGrade.OK, None, False),  # flat: nothing to protect
    ],
)
def test_increase_hold_is_released_only_at_restore_distance(
    held: bool, grade: RiskGrade, distance: str | None, expected: bool
) -> None:
    """Holds from TOP_UP up; releases at restore_distance or when flat, not before."""
    assert risk_hold_after(held, _risk(grade, distance), RESTORE) is expected


def test_no_assessment_keeps_the_previous_hold() -> None:
    """Without brackets (no assessment) the previous decision stands."""
    assert risk_hold_after(True, None, RESTORE) is True
    assert risk_hold_after(False, None, RESTORE) is False
