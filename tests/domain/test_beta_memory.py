"""An estimated beta across refreshes: a trustworthy fit is clamped and used, a refused one
keeps the last beta and alerts once per spell, no beta yet means the short may not grow, and
the memory survives the journal. Betas are factors; R² 0–1; times local ms."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from bot.domain.beta import BetaEstimate
from bot.domain.beta_memory import (
    BetaLimits,
    BetaMemory,
    beta_policy,
    describe_beta,
    next_beta,
)
from bot.domain.memory import HedgeLegs, HedgeMemory, from_data, to_data

from ._factories import policy

LIMITS = BetaLimits(D("0.2"), D(3), D("0.3"))
GOOD = BetaEstimate(D("1.5"), D("0.9"), 47)
WEAK = BetaEstimate(D("1.1"), D("0.1"), 47)
SHORT = BetaEstimate(D("1.5"), D("0.9"), 5)
USED = BetaMemory(D("1.2"), D("0.8"), 40, 1_000)


@pytest.mark.parametrize(
    ("last", "fit", "beta", "alerted"),
    [
        (None, GOOD, D("1.5"), False),  # first fit, trustworthy: used
        (USED, GOOD, D("1.5"), False),  # a newer fit replaces the last
        (None, BetaEstimate(D("4.2"), D("0.9"), 47), D(3), False),  # clamped to max
        (None, BetaEstimate(D("0.05"), D("0.9"), 47), D("0.2"), False),  # clamped to min
        (USED, WEAK, D("1.2"), True),  # R² below min_r2: the last beta is kept, alerted
        (USED, SHORT, D("1.2"), True),  # too little data: kept, alerted
        (None, WEAK, None, True),  # refused with no beta yet: none, alerted
        (replace(USED, refused="R² low"), WEAK, D("1.2"), False),  # still refused: no new alert
    ],
)
def test_next_beta_table(
    last: BetaMemory | None, fit: BetaEstimate, beta: D | None, alerted: bool
) -> None:
    """Which beta a refresh leaves in use, and whether `beta_unreliable` is due."""
    step = next_beta(last, fit, LIMITS, 9_000)
    assert step.memory.beta == beta
    assert bool(step.alert) is alerted
    assert step.memory.at_ms == 9_000


def test_a_refusal_keeps_the_last_fit_and_says_why() -> None:
    """A refused fit keeps the last beta's R² and n and records the refusal it is shown with."""
    step = next_beta(USED, WEAK, LIMITS, 9_000)
    assert (step.memory.r2, step.memory.samples) == (D("0.8"), 40)
    assert "below min_r2" in step.memory.refused and "keeping beta 1.2" in step.alert
    assert describe_beta(step.memory).startswith("beta 1.2 (R² 0.8, n=40); last fit refused")


def test_a_trustworthy_fit_after_refusals_clears_the_refusal() -> None:
    """Once a fit is used again the refusal is gone, so the next refusal alerts again."""
    refused = next_beta(USED, WEAK, LIMITS, 9_000).memory
    step = next_beta(refused, GOOD, LIMITS, 10_000)
    assert step.memory.refused == "" and step.memory.beta == D("1.5")
    assert next_beta(step.memory, WEAK, LIMITS, 11_000).alert


def test_the_policy_plans_with_the_estimate_or_may_not_grow() -> None:
    """With a beta the policy uses it; without one it keeps its placeholder and may not grow."""
    base = policy("1", beta=D(3))
    used, blocked = beta_policy(base, USED)
    assert used.beta == D("1.2") and blocked == ""
    kept, why = beta_policy(base, None)
    assert kept.beta == D(3) and "not adding to the short" in why


def test_the_beta_survives_the_journal() -> None:
    """A hedge memory with an estimated beta reads back equal from its journal form."""
    memory = HedgeMemory(HedgeLegs("main", "SOL", "main", "ETH/USDT:USDT"), beta=USED)
    assert from_data(to_data(memory)) == memory
    refused = replace(memory, beta=BetaMemory(None, D("0.1"), 5, 7, "too little data"))
    assert from_data(to_data(refused)) == refused
