"""Which hedges act first: those with a risk action (a reduction, a margin top-up, a lower
leverage) take the free act slots before the others, and send through `urgent()` so the
client-side request limiter never queues them behind routine traffic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from bot.domain.decision import Decision
from bot.domain.risk_policy import RiskGrade
from bot.domain.sizing import Purpose

__all__ = ["is_risk_action", "urgent_first"]


class _HasDecision(Protocol):
    @property
    def decision(self) -> Decision: ...


T = TypeVar("T", bound=_HasDecision)


def is_risk_action(d: Decision) -> bool:
    """The decision reduces the hedge for safety or the risk guard will act on it."""
    reduces = any(o.purpose is Purpose.RISK_REDUCE for o in d.plan.orders)
    return reduces or (d.verdict.ok and d.risk.grade is not RiskGrade.OK)


def urgent_first(items: Sequence[T]) -> list[T]:
    """`items` with the risk actions first, each group in its given order."""
    return sorted(items, key=lambda item: not is_risk_action(item.decision))
