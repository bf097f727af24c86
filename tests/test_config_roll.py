"""`future.at_expiry` (issue 9, the roll): `close` by default, `deliver` accepted, anything
else refused naming the key."""

from __future__ import annotations

import pytest
import yaml

from bot.config import ConfigError, Settings, parse_config
from bot.domain.dated_series import AtExpiry
from bot.engine.roll_inputs import delivers

KEYS = {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "key-123", "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "s-456"}


def _parse(future: dict[str, object]) -> Settings:
    data = {
        "accounts": {"main": {"exchange": "binance", "mode": "demo"}},
        "hedges": {"BTC": {"spot": {"account": "main", "asset": "BTC"}, "target_ratio": 1.0,
                           "future": future}},
    }  # fmt: skip
    return parse_config(yaml.safe_dump(data), source="t.yaml", env=KEYS)


def test_at_expiry_defaults_to_close_and_takes_deliver() -> None:
    """Without the key the contract is closed before delivery; `deliver` leaves it to
    deliver (for a series and for a fixed contract)."""
    closed = _parse(future={"account": "main", "series": "BTC/USDT:USDT"})
    assert closed.hedges["BTC"].future is not None
    assert closed.hedges["BTC"].future.at_expiry is AtExpiry.CLOSE
    assert not delivers(closed.hedges["BTC"])
    fixed = {"account": "main", "symbol": "BTC/USDT:USDT-261225", "at_expiry": "deliver"}
    assert delivers(_parse(future=fixed).hedges["BTC"])


def test_a_bad_at_expiry_names_the_key() -> None:
    """`at_expiry: settle` is refused with the key's full path."""
    with pytest.raises(ConfigError) as info:
        _parse(future={"account": "main", "series": "BTC/USDT:USDT", "at_expiry": "settle"})
    assert "hedges.BTC.future.at_expiry" in str(info.value)
