"""An estimated beta where the cycle uses and shows it: the policy planned with the beta in
the hedge's memory, and the beta, R² and sample count for /status, the journal and the log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.config import HedgeSettings
from bot.domain.beta_memory import beta_policy, describe_beta
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeMemory

__all__ = ["beta_fields", "planned_policy"]


def planned_policy(
    hedge: HedgeSettings, policy: HedgePolicy, memory: HedgeMemory
) -> tuple[HedgePolicy, str]:
    """`policy` with the estimated beta for an estimated hedge, and why it may not grow ("":
    it may); a fixed beta's policy as it is."""
    if hedge.beta_estimate is None:
        return policy, ""
    return beta_policy(policy, memory.beta)


def beta_fields(hedge: HedgeSettings, memory: HedgeMemory, *, text: bool = False) -> dict[str, Any]:
    """{"beta": in use, "beta_r2": 0–1, "beta_samples": returns fitted, "beta_text": one line,
    "beta_source": "fitted", "beta_refused": why the latest fit was refused or None} for an
    estimated hedge (amounts as strings when `text`); {"beta", "beta_source": "fixed"} for a
    fixed beta other than 1; {} for beta 1 (a hedge on its own coin)."""
    fixed = hedge.beta
    if isinstance(fixed, Decimal):
        if fixed == 1:
            return {}
        return {"beta": str(fixed) if text else fixed, "beta_source": "fixed"}
    fit = memory.beta
    beta = fit.beta if fit is not None else None
    r2 = fit.r2 if fit is not None else None
    return {
        "beta": str(beta) if text and beta is not None else beta,
        "beta_r2": str(r2) if text and r2 is not None else r2,
        "beta_samples": fit.samples if fit is not None else None,
        "beta_text": describe_beta(fit),
        "beta_source": "fitted",
        "beta_refused": (fit.refused or None) if fit is not None else None,
    }
