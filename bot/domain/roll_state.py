"""A roll in progress, as part of the hedge's memory: which contract the short moves from and
to, when it started (venue clock), how big the old leg was then, and what has moved so far.

Progress is recomputed every cycle from OUR fills since the start (`roll_progress`), read
back from the journal, so a restart in the middle of a roll (or a crash between journaling a
fill and journaling the memory) neither loses nor double-counts a leg fill.

Units: sizes are base units (BTC), positive; prices and values in the quote currency.
`cost` is the basis paid (positive) or earned (negative) on what has moved: the price
difference between the legs × the amount moved both ways,
`matched × (average old buy − average new sell)`; rolling a short into a dearer contract
(contango) earns it, into a cheaper one (backwardation) pays it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from bot.domain.model import Fill, Side

__all__ = [
    "RollProgress",
    "RollState",
    "roll_data",
    "roll_from",
    "roll_line",
    "roll_progress",
    "start_roll",
]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class RollProgress:
    """What has traded since the roll started: `bought` base of the old leg (reduce-only
    buys) for `bought_value` quote, `sold` base of the new leg for `sold_value` quote."""

    bought: Decimal = ZERO
    bought_value: Decimal = ZERO
    sold: Decimal = ZERO
    sold_value: Decimal = ZERO

    @property
    def moved(self) -> Decimal:
        """Base moved both ways (bought back on the old leg AND sold on the new)."""
        return min(self.bought, self.sold)

    @property
    def cost(self) -> Decimal:
        """Basis paid (> 0) or earned (< 0) on `moved`, in quote (see the module docstring)."""
        if self.bought <= 0 or self.sold <= 0:
            return ZERO
        return self.moved * (self.bought_value / self.bought - self.sold_value / self.sold)


@dataclass(frozen=True, slots=True)
class RollState:
    """A roll from `from_symbol` to `to_symbol`, started at `started_ms` (venue clock) with
    `size` base short on the old leg; `late`: the `roll_late` alert was raised and the
    remaining steps are IOC; `risk_hold`: the new contract's risk hold (`hold.py`: no sells
    of it from a grade of TOP_UP until its distance is back at `restore_distance`)."""

    from_symbol: str
    to_symbol: str
    started_ms: int
    size: Decimal
    progress: RollProgress = RollProgress()
    late: bool = False
    risk_hold: bool = False


def start_roll(from_symbol: str, to_symbol: str, started_ms: int, size: Decimal) -> RollState:
    """A roll that has moved nothing yet; `size` is the old leg's short (base, ≥ 0)."""
    return RollState(from_symbol, to_symbol, started_ms, max(size, ZERO))


BaseOf = Callable[[Fill], Decimal]


def roll_progress(state: RollState, fills: Iterable[Fill], base_of: BaseOf) -> RollState:
    """`state` with its progress recomputed from our fills (`base_of` turns a fill's
    contracts into base units): old-leg buys and new-leg sells at or after the start."""
    bought = bought_value = sold = sold_value = ZERO
    for fill in fills:
        if fill.timestamp_ms < state.started_ms:
            continue
        base = base_of(fill)
        if fill.symbol == state.from_symbol and fill.side is Side.BUY:
            bought, bought_value = bought + base, bought_value + base * fill.price
        elif fill.symbol == state.to_symbol and fill.side is Side.SELL:
            sold, sold_value = sold + base, sold_value + base * fill.price
    progress = RollProgress(bought, bought_value, sold, sold_value)
    return state if progress == state.progress else replace(state, progress=progress)


def roll_line(state: RollState) -> str:
    """The status line: "rolling A → B (x of y moved)"."""
    moved, size = state.progress.moved.normalize(), state.size.normalize()
    return f"rolling {state.from_symbol} → {state.to_symbol} ({moved:f} of {size:f} moved)"


# --- journal form --------------------------------------------------------------------------


def roll_data(state: RollState | None) -> dict[str, object] | None:
    """`state` as plain JSON values (Decimals as exact text)."""
    if state is None:
        return None
    p = state.progress
    return {
        "from": state.from_symbol,
        "to": state.to_symbol,
        "started_ms": state.started_ms,
        "size": str(state.size),
        "progress": [str(p.bought), str(p.bought_value), str(p.sold), str(p.sold_value)],
        "late": state.late,
        "risk_hold": state.risk_hold,
    }


def roll_from(value: object) -> RollState | None:
    """The state `roll_data` wrote; raises ValueError/TypeError for a damaged one (the
    memory parser then ignores the whole row rather than trusting half of it)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError("roll")
    progress = value["progress"]
    if not isinstance(progress, list) or len(progress) != 4:
        raise ValueError("roll progress")
    started, late = value["started_ms"], value.get("late", False)
    held = value.get("risk_hold", False)
    if isinstance(started, bool) or not isinstance(started, int) or not isinstance(late, bool):
        raise TypeError("roll")
    if not isinstance(held, bool):
        raise TypeError("roll risk_hold")
    try:
        amounts = [Decimal(str(x)) for x in progress]
        size = Decimal(str(value["size"]))
    except InvalidOperation as exc:
        raise ValueError("roll amounts") from exc
    return RollState(
        _text(value["from"]), _text(value["to"]), started, size, RollProgress(*amounts), late, held
    )


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError("roll symbol")
    return value
