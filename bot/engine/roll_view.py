"""The roll figures a hedge's status and journal row show while it rolls: the status line
("rolling A → B (x of y moved)"), both legs' positions (signed contracts), the roll
cost so far (quote: basis paid > 0, earned < 0) and the risk guard's grade and liquidation
distance (a fraction of the mark) of the contract rolled into."""

from __future__ import annotations

from typing import Any

from bot.domain.model import AccountSnapshot
from bot.domain.risk import RiskAssessment
from bot.domain.roll_state import RollState, roll_line

__all__ = ["roll_fields"]


def roll_fields(
    roll: RollState | None,
    perp: AccountSnapshot,
    new_risk: RiskAssessment | None = None,
    *,
    text: bool = False,
) -> dict[str, Any]:
    """{"roll": line or None, "roll_legs": {symbol: contracts}, "roll_cost": quote,
    "roll_new_risk_grade": the new contract's grade (None: not graded this cycle),
    "roll_new_liquidation_distance": its distance (None: none), "roll_new_risk_hold": its
    sells blocked until the distance is restored}; amounts as strings when
    `text` (for the journal's JSON)."""
    if roll is None:
        return {"roll": None}

    def value(amount: Any) -> Any:
        return str(amount) if text else amount

    legs = {s: value(perp.position(s).contracts) for s in (roll.from_symbol, roll.to_symbol)}
    distance = new_risk.distance if new_risk is not None else None
    return {
        "roll": roll_line(roll),
        "roll_legs": legs,
        "roll_cost": value(roll.progress.cost),
        "roll_new_risk_grade": new_risk.grade.name.lower() if new_risk is not None else None,
        "roll_new_liquidation_distance": None if distance is None else value(distance),
        "roll_new_risk_hold": roll.risk_hold,
    }
