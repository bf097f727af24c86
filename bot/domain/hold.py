"""The risk guard's hold on increases: hysteresis between "critical" and "healthy again".

States: FREE (the planner may grow the short) and HELD (increases blocked, shrinking allowed).

| state | assessment                                            | next  |
|-------|-------------------------------------------------------|-------|
| any   | grade TOP_UP or worse                                 | HELD  |
| HELD  | below TOP_UP, distance still under `restore_distance` | HELD  |
| any   | flat (no distance) or distance ≥ `restore_distance`   | FREE  |
| FREE  | below TOP_UP                                          | FREE  |

Why: the guard tops up, delevers or cuts the short when the liquidation distance falls under
`top_up_distance`; without a hold the very next cycle, a hair above that threshold, would sell
the short back and the guard would cut again — a staircase. Growth resumes only once the
distance is back at the level a top-up restores to. The hold is updated only from readings the
data checks trusted, and it gates the NEXT cycle (this cycle's own grade already blocks).
"""

from __future__ import annotations

from decimal import Decimal

from bot.domain.risk import RiskAssessment
from bot.domain.risk_policy import RiskGrade

__all__ = ["risk_hold_after"]


def risk_hold_after(held: bool, risk: RiskAssessment | None, restore: Decimal) -> bool:
    """Whether increases stay blocked after this assessment (see the table above);
    `restore` is `risk.restore_distance` (a fraction of the mark). No assessment keeps the
    previous state."""
    if risk is None:
        return held
    if risk.grade >= RiskGrade.TOP_UP:
        return True
    if risk.distance is None or risk.distance >= restore:
        return False
    return held
