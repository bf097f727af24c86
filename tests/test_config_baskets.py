"""Config of baskets: several hedges may name one perp (account + symbol) when what belongs
to the perp and its one order agrees; otherwise one error naming the member's field."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.config import ConfigError, parse_config

KEYS = {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "key-123", "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "s-456"}
PERP = {"account": "main", "symbol": "BTC/USDT:USDT"}


def _config(**second: Any) -> str:
    """SOL and AVAX hedged with one BTC perp; `second` edits AVAX's entry."""
    sol = {"spot": {"account": "main", "asset": "SOL"}, "perp": PERP, "target_ratio": 1}
    avax = {**sol, "spot": {"account": "main", "asset": "AVAX"}, "target_ratio": 0.5, **second}
    data = {
        "accounts": {"main": {"exchange": "binance", "mode": "demo"}},
        "hedges": {"SOL": sol, "AVAX": avax},
    }
    return yaml.safe_dump(data, sort_keys=False)


def _problems(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="bad.yaml", env=KEYS)
    return str(info.value)


def test_two_hedges_may_share_one_perp() -> None:
    """SOL and AVAX on one BTC/USDT:USDT: accepted, each keeps its own target."""
    settings = parse_config(_config(), source="ok.yaml", env=KEYS)
    policies = settings.hedge_policies()
    assert {n: str(p.target_ratio) for n, p in policies.items()} == {"SOL": "1", "AVAX": "0.5"}
    assert {p.perp_symbol for p in policies.values()} == {"BTC/USDT:USDT"}


@pytest.mark.parametrize(
    ("edit", "path", "said"),
    [
        ({"leverage": 5}, "hedges.AVAX.leverage", "5 differs from hedge SOL's 2"),
        ({"margin_mode": "cross"}, "hedges.AVAX.margin_mode", "cross differs from hedge SOL's"),
        (
            {"execution": {"max_order_notional": 500}},
            "hedges.AVAX.execution.max_order_notional",
            "500 differs from hedge SOL's unset",
        ),
        (
            {"execution": {"post_only": False}},
            "hedges.AVAX.execution.post_only",
            "False differs from hedge SOL's True",
        ),
    ],
)
def test_a_basket_member_that_differs_on_the_perp_is_refused(
    edit: dict[str, Any], path: str, said: str
) -> None:
    """Leverage, margin mode and execution are the perp's: a differing member is named."""
    message = _problems(_config(**edit))
    assert f"{path}: {said}" in message
    assert "same value in each" in message


def test_a_dated_future_cannot_be_shared() -> None:
    """Two hedges on one dated future: refused (its roll belongs to one hedge)."""
    future = {"account": "main", "symbol": "BTC/USDT:USDT-261225"}
    text = yaml.safe_load(_config())
    for hedge in text["hedges"].values():
        hedge.pop("perp")
        hedge["future"] = future
    message = _problems(yaml.safe_dump(text, sort_keys=False))
    assert (
        "hedges.AVAX.future: BTC/USDT:USDT-261225 on account main is already hedge SOL's" in message
    )
