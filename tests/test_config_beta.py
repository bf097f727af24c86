"""Configuration of `beta:`: a fixed number, or an OLS estimate with its keys exactly as the
issue spells them — defaults, and every refusal naming its field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml

from bot.config import ConfigError, parse_config
from bot.config.beta import BetaEstimateSettings

FULL = {
    "estimate": "ols",
    "lookback_days": 30,
    "interval": "1h",
    "refresh_hours": 24,
    "min": 0.2,
    "max": 3,
    "min_r2": 0.3,
}


def _doc(beta: Any, symbol: str = "ETH/USDT:USDT") -> str:
    return yaml.safe_dump(
        {
            "accounts": {"main": {"exchange": "binance", "mode": "sim"}},
            "hedges": {
                "SOL": {
                    "spot": {"account": "main", "asset": "SOL"},
                    "perp": {"account": "main", "symbol": symbol},
                    "target_ratio": 1,
                    "beta": beta,
                }
            },
        }
    )


def _problems(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="bad.yaml", env={})
    return str(info.value)


def test_a_fixed_beta_stays_a_number() -> None:
    """`beta: 1.25` is the policy's beta and no estimate."""
    hedge = parse_config(_doc(1.25), env={}).hedges["SOL"]
    assert hedge.beta_estimate is None and hedge.to_policy("SOL").beta == Decimal("1.25")


def test_the_issues_estimate_loads_and_only_estimate_is_required() -> None:
    """Every key of the issue's example loads; `{estimate: ols}` alone gets the same values
    (min_r2 defaults to 0.3), 720 hourly candles."""
    full = parse_config(_doc(FULL), env={}).hedges["SOL"].beta_estimate
    short = parse_config(_doc({"estimate": "ols"}), env={}).hedges["SOL"].beta_estimate
    assert isinstance(full, BetaEstimateSettings) and full == short
    assert full.min_r2 == Decimal("0.3") and full.candles == 720
    assert full.refresh_ms == 24 * 3_600_000


@pytest.mark.parametrize(
    ("beta", "symbol", "problem"),
    [
        (-1, None, "hedges.SOL.beta: -1 is not above 0"),
        ("lots", None, "hedges.SOL.beta: 'lots' is not a number"),
        ({"estimate": "ls"}, None, "hedges.SOL.beta.estimate: 'ls' is not one of 'ols'"),
        ({"estimate": "ols", "min": 4}, None, "hedges.SOL.beta.min: 4 is above max 3"),
        ({"estimate": "ols", "min_r2": 2}, None, "hedges.SOL.beta.min_r2: 2 is above 1"),
        ({"estimate": "ols", "lookback": 3}, None, "hedges.SOL.beta.lookback: unknown key"),
        ({"estimate": "ols", "interval": "1m"}, None,
         "hedges.SOL.beta.interval: 30 days of 1m candles is 43,200 candles"),
        ({"estimate": "ols"}, "SOL/USDT:USDT",
         "hedges.SOL.beta: an estimate needs a perp on another asset"),
    ],
)  # fmt: skip
def test_beta_refusals_name_the_field(beta: Any, symbol: str | None, problem: str) -> None:
    """Bad fixed betas, bad estimate keys and an estimate on a same-coin hedge are refused
    naming the field (no union member names in the path)."""
    assert problem in _problems(_doc(beta, symbol or "ETH/USDT:USDT"))
