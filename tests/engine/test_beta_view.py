"""The beta figures /status gives a dashboard card: whether the beta is fitted or fixed, and
why the latest fit was refused (the `beta_unreliable` spell) as its own field."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from bot.config import HedgeSettings
from bot.domain.beta_memory import BetaMemory
from bot.domain.memory import HedgeLegs, HedgeMemory
from bot.engine.beta_view import beta_fields

MEMORY = HedgeMemory(legs=HedgeLegs("main", "BTC", "main", "ETH/USDT:USDT"))
ESTIMATE = {"estimate": "ols", "lookback_days": 2, "interval": "1h", "refresh_hours": 24}


def _hedge(beta: Any) -> HedgeSettings:
    return HedgeSettings.model_validate({
        "spot": {"account": "main", "asset": "BTC"},
        "perp": {"account": "main", "symbol": "ETH/USDT:USDT"},
        "target_ratio": 1.0,
        "beta": beta,
    })  # fmt: skip


def test_a_fixed_proxy_beta_is_shown_as_fixed() -> None:
    """`beta: 1.4` gives {"beta": "1.4", "beta_source": "fixed"}; a beta of 1 adds nothing."""
    assert beta_fields(_hedge(1.4), MEMORY, text=True) == {"beta": "1.4", "beta_source": "fixed"}
    assert beta_fields(_hedge(1), MEMORY) == {}


@pytest.mark.parametrize(
    ("refused", "expected"),
    [("", None), ("R² 0.12 below min_r2 0.3", "R² 0.12 below min_r2 0.3")],
)
def test_an_estimated_beta_says_fitted_and_why_its_fit_was_refused(
    refused: str, expected: str | None
) -> None:
    """An estimate is "fitted"; `beta_refused` carries the refusal kept in the memory (None
    while the latest fit was used), beside the beta still in use."""
    fit = BetaMemory(D("1.5"), D("0.98"), 47, 0, refused)
    fields = beta_fields(_hedge(ESTIMATE), HedgeMemory(legs=MEMORY.legs, beta=fit))
    assert fields["beta_source"] == "fitted" and fields["beta_refused"] == expected
    assert (fields["beta"], fields["beta_r2"], fields["beta_samples"]) == (D("1.5"), D("0.98"), 47)
