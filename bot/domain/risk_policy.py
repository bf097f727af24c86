"""The risk guard's thresholds and grades, shared by the assessor (`risk`) and the planner.

Kept apart from `risk` so the planner depends on the verdict, not on how it is reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum

__all__ = ["RiskGate", "RiskGrade", "RiskPolicy", "grade_for"]

ZERO = Decimal(0)


class RiskGrade(IntEnum):
    """How close a hedge leg is to liquidation, in escalating order (compare with < / >)."""

    OK = 0
    WARN = 1  # log and alert
    TOP_UP = 2  # critical: add collateral; hedge increases are blocked from here up
    DELEVER = 3  # also lower leverage where the venue allows
    REDUCE = 4  # last resort: buy back part of the short

    @property
    def gate(self) -> RiskGate:
        """What the planner may do at this grade."""
        if self is RiskGrade.REDUCE:
            return RiskGate.REDUCE
        if self >= RiskGrade.TOP_UP:
            return RiskGate.BLOCK_INCREASE
        return RiskGate.ALLOW


class RiskGate(StrEnum):
    """What the planner may do for one hedge."""

    ALLOW = "allow"  # normal rebalancing
    BLOCK_INCREASE = "block-increase"  # never add to the short; shrinking is fine
    REDUCE = "reduce"  # buy back the amount the risk guard names, aggressively if needed


@dataclass(frozen=True, slots=True)
class RiskPolicy:
    """Thresholds (the YAML `risk` slice). Distances are fractions of the mark (0.30 = the
    liquidation price is 30 % above the mark for a short); margin ratios are maintenance
    margin / margin balance. `max_top_up` caps one action (quote, None = no cap);
    `liq_price_tolerance` is the relative disagreement between the venue's liquidation price
    and ours that is flagged."""

    warn_distance: Decimal = Decimal("0.30")
    top_up_distance: Decimal = Decimal("0.20")
    delever_distance: Decimal = Decimal("0.15")
    reduce_distance: Decimal = Decimal("0.10")
    restore_distance: Decimal = Decimal("0.35")
    auto_top_up: bool = False
    max_top_up: Decimal | None = None
    warn_margin_ratio: Decimal = Decimal("0.5")
    critical_margin_ratio: Decimal = Decimal("0.8")
    liq_price_tolerance: Decimal = Decimal("0.01")

    def __post_init__(self) -> None:
        ladder = (self.reduce_distance, self.delever_distance, self.top_up_distance)
        if not (ZERO <= ladder[0] <= ladder[1] <= ladder[2] <= self.warn_distance):
            raise ValueError(
                "risk: distances must satisfy 0 <= reduce_distance <= delever_distance"
                f" <= top_up_distance <= warn_distance, got {(*ladder, self.warn_distance)}"
            )
        if self.restore_distance <= self.top_up_distance:
            raise ValueError(
                f"risk.restore_distance: {self.restore_distance} must be above"
                f" top_up_distance {self.top_up_distance}"
            )
        if not ZERO < self.warn_margin_ratio <= self.critical_margin_ratio:
            raise ValueError("risk: need 0 < warn_margin_ratio <= critical_margin_ratio")
        if self.max_top_up is not None and self.max_top_up <= 0:
            raise ValueError(f"risk.max_top_up: {self.max_top_up} must be positive")


def grade_for(policy: RiskPolicy, distance: Decimal | None, ratio: Decimal | None) -> RiskGrade:
    """The grade from the distance ladder and the margin-ratio ladder, whichever is worse.

    A margin ratio of 1 or more (maintenance margin ≥ margin balance, Infinity when the
    balance is gone) is at or through liquidation: REDUCE, even when no liquidation price
    can be computed (negative equity)."""
    by_distance = RiskGrade.OK
    if distance is not None:
        steps = (
            (policy.reduce_distance, RiskGrade.REDUCE),
            (policy.delever_distance, RiskGrade.DELEVER),
            (policy.top_up_distance, RiskGrade.TOP_UP),
            (policy.warn_distance, RiskGrade.WARN),
        )
        by_distance = next((g for limit, g in steps if distance < limit), RiskGrade.OK)
    by_ratio = RiskGrade.OK
    if ratio is not None and ratio >= 1:
        by_ratio = RiskGrade.REDUCE
    elif ratio is not None and ratio >= policy.critical_margin_ratio:
        by_ratio = RiskGrade.TOP_UP
    elif ratio is not None and ratio >= policy.warn_margin_ratio:
        by_ratio = RiskGrade.WARN
    return max(by_distance, by_ratio)
