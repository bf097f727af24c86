"""An estimated beta remembered between cycles (`BetaMemory`, a field of `HedgeMemory`), how a
new fit moves it, and what the decision plans with.

`beta` is the beta in use (None: no trustworthy fit yet); `r2` and `samples` describe the fit
that produced it; `refused` is why the latest fit was not used ("" when it was), kept so that
`beta_unreliable` is alerted once per spell of refusals, not every refresh; `at_ms` is when
the latest fit was made (local clock). Betas are factors (1.2 = the holding moves 1.2 × the
instrument), R² 0–1.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from bot.domain.beta import BetaEstimate, choose_beta
from bot.domain.hedge import HedgePolicy
from bot.domain.numbers import plain

__all__ = [
    "BetaLimits",
    "BetaMemory",
    "BetaStep",
    "beta_data",
    "beta_from",
    "beta_policy",
    "describe_beta",
    "next_beta",
]


@dataclass(frozen=True, slots=True)
class BetaLimits:
    """The estimate's configured clamp [`low`, `high`] and the R² below which it is refused."""

    low: Decimal
    high: Decimal
    min_r2: Decimal


@dataclass(frozen=True, slots=True)
class BetaMemory:
    """See the module docstring."""

    beta: Decimal | None
    r2: Decimal
    samples: int
    at_ms: int
    refused: str = ""


@dataclass(frozen=True, slots=True)
class BetaStep:
    """The memory after a fit, and the alert detail to send ("" when none is due)."""

    memory: BetaMemory
    alert: str = ""


def next_beta(
    last: BetaMemory | None, fit: BetaEstimate, limits: BetaLimits, now_ms: int
) -> BetaStep:
    """A trustworthy fit is clamped and used; otherwise the last beta (or none) is kept with
    the refusal, alerted when the previous fit was not refused too."""
    kept = last.beta if last is not None else None
    choice = choose_beta(
        fit, kept or limits.high, low=limits.low, high=limits.high, min_r2=limits.min_r2
    )
    if not choice.alert:
        return BetaStep(BetaMemory(choice.beta, fit.r2, fit.samples, now_ms))
    held = last or BetaMemory(None, fit.r2, fit.samples, now_ms)
    memory = replace(held, at_ms=now_ms, refused=choice.alert)
    first = last is None or not last.refused
    if not first:
        return BetaStep(memory)
    keeps = (
        f"keeping beta {plain(kept)}"
        if kept is not None
        else "no beta yet: the hedge does not grow"
    )
    return BetaStep(memory, f"beta estimate refused ({choice.alert}); {keeps}")


def beta_policy(policy: HedgePolicy, memory: BetaMemory | None) -> tuple[HedgePolicy, str]:
    """The policy planned with an estimated beta, and why it may not grow ("" when it may):
    with no beta yet the policy keeps its placeholder (the clamp's high, so no existing short
    is bought back on a guess) and the short must not grow."""
    if memory is None or memory.beta is None:
        why = memory.refused if memory is not None and memory.refused else "not estimated yet"
        return policy, f"beta {why}: not adding to the short until it is estimated"
    return replace(policy, beta=memory.beta), ""


def describe_beta(memory: BetaMemory | None) -> str:
    """'beta 1.5 (R² 0.98, n=47)', with the refusal when the last fit was refused."""
    if memory is None:
        return "beta not estimated yet"
    used = f"beta {plain(memory.beta)}" if memory.beta is not None else "no beta"
    said = f"{used} (R² {plain(memory.r2)}, n={memory.samples})"
    return f"{said}; last fit refused: {memory.refused}" if memory.refused else said


def beta_data(memory: BetaMemory | None) -> list[object] | None:
    """`memory` as plain JSON values for the journal (Decimals as exact text)."""
    if memory is None:
        return None
    beta = None if memory.beta is None else str(memory.beta)
    return [beta, str(memory.r2), memory.samples, memory.at_ms, memory.refused]


def beta_from(value: object) -> BetaMemory | None:
    """The memory `beta_data` wrote; None for none. Raises TypeError/ValueError when damaged."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 5:
        raise ValueError("beta")
    beta, r2, samples, at_ms, refused = value
    if not (beta is None or isinstance(beta, str)) or not isinstance(r2, str):
        raise TypeError("beta: text expected")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (samples, at_ms)):
        raise TypeError("beta: integer expected")
    if not isinstance(refused, str):
        raise TypeError("beta.refused: text expected")
    return BetaMemory(None if beta is None else Decimal(beta), Decimal(r2), samples, at_ms, refused)
