"""The roll figures a hedge's status and journal row show while it rolls: the status line
("rolling A → B (x of y moved)"), both legs' positions (signed contracts) and the roll
cost so far (quote: basis paid > 0, earned < 0)."""

from __future__ import annotations

from typing import Any

from bot.domain.model import AccountSnapshot
from bot.domain.roll_state import RollState, roll_line

__all__ = ["roll_fields"]


def roll_fields(
    roll: RollState | None, perp: AccountSnapshot, *, text: bool = False
) -> dict[str, Any]:
    """{"roll": line or None, "roll_legs": {symbol: contracts}, "roll_cost": quote};
    amounts as strings when `text` (for the journal's JSON)."""
    if roll is None:
        return {"roll": None}

    def value(amount: Any) -> Any:
        return str(amount) if text else amount

    legs = {s: value(perp.position(s).contracts) for s in (roll.from_symbol, roll.to_symbol)}
    return {"roll": roll_line(roll), "roll_legs": legs, "roll_cost": value(roll.progress.cost)}
