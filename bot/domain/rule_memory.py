"""What a hedge's target rules remember between cycles (`RuleMemory`), and its journal form.

`armed`: the indices (0-based, in the YAML order) of the tranches armed so far, in the order
they were armed; `take_profit_at`: the price at which the take-profit was hit, None while it is
not (the hedge waits for `rearm_above` while it is set); `funding_streak`: settlements in a row
below the funding rule's threshold; `funding_seen_ms`: the newest settlement already counted
(venue clock), so a settlement is counted once whatever the poll interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["RuleMemory", "rule_memory_data", "rule_memory_from"]


@dataclass(frozen=True, slots=True)
class RuleMemory:
    """One hedge's rule state (see the module docstring)."""

    armed: tuple[int, ...] = ()
    take_profit_at: Decimal | None = None
    funding_streak: int = 0
    funding_seen_ms: int | None = None


def rule_memory_data(memory: RuleMemory) -> dict[str, object]:
    """`memory` as plain JSON values (Decimals as exact text)."""
    tp = memory.take_profit_at
    return {
        "armed": list(memory.armed),
        "take_profit_at": None if tp is None else str(tp),
        "funding_streak": memory.funding_streak,
        "funding_seen_ms": memory.funding_seen_ms,
    }


def rule_memory_from(data: object) -> RuleMemory:
    """The memory `rule_memory_data` wrote; absent (an older journal) is a fresh memory.
    Raises TypeError/ValueError for a damaged value."""
    if data is None:
        return RuleMemory()
    if not isinstance(data, Mapping):
        raise TypeError("rules: mapping expected")
    armed = data.get("armed", [])
    if not isinstance(armed, list):
        raise TypeError("rules.armed: list expected")
    tp = data.get("take_profit_at")
    if tp is not None and not isinstance(tp, str):
        raise TypeError("rules.take_profit_at: text expected")
    seen = data.get("funding_seen_ms")
    return RuleMemory(
        armed=tuple(_int(a) for a in armed),
        take_profit_at=None if tp is None else Decimal(tp),
        funding_streak=_int(data.get("funding_streak", 0)),
        funding_seen_ms=None if seen is None else _int(seen),
    )


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("integer expected")
    return value
