"""`hedgebot tranche HEDGE [N]`: the operator arms a manual tranche of a hedge's scale-in.

Without N the first manual tranche not yet armed is armed; with N, tranche N (1-based, as
the reason `tranche N of M armed by operator` counts them). The arming is a change of the
hedge's rule memory: the next cycle plans on it and journals it with the hedge's snapshot,
so it survives a restart from then on. The operator event is journaled at once.
"""

from __future__ import annotations

from dataclasses import replace

import structlog

from bot.domain.targets import arm_manual

from .inputs import ensure_memories
from .runtime import Runtime

__all__ = ["arm_tranche"]

log = structlog.get_logger(__name__)


def arm_tranche(rt: Runtime, hedge: str, number: int | None) -> str:
    """Arm a manual tranche of `hedge` (see the module docstring); returns what was armed.
    KeyError for an unknown hedge; ValueError saying why nothing can be armed."""
    settings = rt.settings.hedges[hedge]
    ensure_memories(rt)
    memory = rt.memory[hedge]
    rules = settings.rules()
    try:
        armed = arm_manual(rules, memory.rules, number)
    except ValueError as exc:
        raise ValueError(f"hedge {hedge} {exc}") from None
    rt.memory[hedge] = replace(memory, rules=armed)
    text = f"tranche {armed.armed[-1] + 1} of {len(rules.tranches)} armed by operator"
    rt.journal.record_operator_event("tranche", source="api", hedge=hedge, reason=text)
    log.info("hedge.tranche_armed", hedge=hedge, detail=text)
    return text
