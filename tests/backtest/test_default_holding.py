"""The holding a backtest replays without `--holdings`: a hedge's wallet accounts' YAML
holdings (coins), else 1 unit of the hedged asset; and the refusal of an estimated beta."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
import yaml

from bot.backtest.default_holding import default_holding
from bot.backtest.errors import BacktestError
from bot.backtest.fills import FeeSchedule
from bot.backtest.run import _setups
from bot.config import parse_config


def _settings(spot: Any, holdings: dict[str, Any]) -> Any:
    doc = {
        "accounts": {
            "main": {"exchange": "binance", "mode": "sim"},
            "cold": {"exchange": "wallet", "holdings": holdings},
        },
        "hedges": {
            "BTC": {
                "spot": spot,
                "perp": {"account": "main", "symbol": "BTC/USDT:USDT"},
                "target_ratio": 1,
            }
        },
    }
    return parse_config(yaml.safe_dump(doc), env={})


def test_a_wallet_source_holds_what_the_yaml_says() -> None:
    """A hedge of the wallet's 2.5 BTC replays 2.5 BTC (the exchange part is not known)."""
    both = [{"account": "main", "asset": "BTC"}, {"account": "cold", "asset": "BTC"}]
    settings = _settings(both, {"BTC": "2.5"})
    assert default_holding(settings, settings.hedges["BTC"]) == D("2.5")


def test_without_wallet_coins_the_default_is_one_unit() -> None:
    """An exchange-only hedge, or a wallet holding none of the asset, replays 1 unit."""
    exchange = _settings({"account": "main", "asset": "BTC"}, {"BTC": "2.5"})
    empty = _settings({"account": "cold", "asset": "BTC"}, {"ETH": 3})
    assert default_holding(exchange, exchange.hedges["BTC"]) == 1
    assert default_holding(empty, empty.hedges["BTC"]) == 1


def test_an_estimated_beta_is_refused_by_the_backtest_naming_the_field() -> None:
    """A backtest of a hedge whose beta is estimated stops with one line naming the field
    instead of sizing every step with the clamp's placeholder."""
    doc = {
        "accounts": {"main": {"exchange": "binance", "mode": "sim"}},
        "hedges": {
            "SOL": {
                "spot": {"account": "main", "asset": "SOL"},
                "perp": {"account": "main", "symbol": "ETH/USDT:USDT"},
                "target_ratio": 1,
                "beta": {"estimate": "ols"},
            }
        },
    }
    settings = parse_config(yaml.safe_dump(doc), env={})
    with pytest.raises(BacktestError, match=r"hedges\.SOL\.beta: an estimated beta is not"):
        _setups(settings, None, FeeSchedule())
