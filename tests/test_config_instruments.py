"""Hedge config for the instruments of issue 9: inverse perps with count_margin, a dated
future instead of a perp (exactly one of the two), and their policies."""

from __future__ import annotations

import pytest
import yaml

from bot.config import ConfigError, parse_config

KEYS = {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "key-123", "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "s-456"}
BASE = {
    "accounts": {"main": {"exchange": "binance", "mode": "demo"}},
    "hedges": {"BTC": {"spot": {"account": "main", "asset": "BTC"}, "target_ratio": 1.0}},
}


def _parse(**hedge: object) -> object:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["hedges"]["BTC"].update(hedge)
    return parse_config(yaml.safe_dump(data), source="t.yaml", env=KEYS)


def test_inverse_perp_with_count_margin_reaches_the_policy() -> None:
    """`perp: BTC/USD:BTC` with `count_margin: false` is accepted and reaches the policy."""
    settings = _parse(perp={"account": "main", "symbol": "BTC/USD:BTC"}, count_margin=False)
    policy = settings.hedges["BTC"].to_policy("BTC")  # type: ignore[attr-defined]
    assert policy.perp_symbol == "BTC/USD:BTC" and policy.count_margin is False


def test_a_dated_future_is_the_hedge_instrument() -> None:
    """`future: {symbol: BTC/USDT:USDT-261225}` replaces `perp:` as the instrument."""
    settings = _parse(future={"account": "main", "symbol": "BTC/USDT:USDT-261225"})
    hedge = settings.hedges["BTC"]  # type: ignore[attr-defined]
    assert hedge.contract.symbol == "BTC/USDT:USDT-261225"
    assert hedge.to_policy("BTC").perp_symbol == "BTC/USDT:USDT-261225"


@pytest.mark.parametrize(
    ("legs", "said"),
    [
        ({}, "neither is set"),
        (
            {
                "perp": {"account": "main", "symbol": "BTC/USDT:USDT"},
                "future": {"account": "main", "symbol": "BTC/USDT:USDT-261225"},
            },
            "both are set",
        ),
    ],
)
def test_exactly_one_of_perp_and_future(legs: dict[str, object], said: str) -> None:
    """Neither or both of perp / future is refused, naming the field."""
    with pytest.raises(ConfigError) as info:
        _parse(**legs)
    assert f"hedges.BTC.perp: exactly one of perp / future is needed ({said})" in str(info.value)


def test_a_future_symbol_needs_its_expiry_suffix() -> None:
    """A perpetual's symbol under `future:` is refused, naming the field."""
    with pytest.raises(ConfigError) as info:
        _parse(future={"account": "main", "symbol": "BTC/USDT:USDT"})
    assert "hedges.BTC.future.symbol" in str(info.value)


def test_a_future_series_reaches_the_domain_with_its_defaults() -> None:
    """`future: {series: BTC/USDT:USDT}` is accepted: expiry quarter, roll 72 h by default."""
    settings = _parse(future={"account": "main", "series": "BTC/USDT:USDT"})
    future = settings.hedges["BTC"].future  # type: ignore[attr-defined]
    series = future.dated_series()
    assert (series.series, series.expiry.value, series.roll_before_hours) == (
        "BTC/USDT:USDT",
        "quarter",
        72,
    )
    assert future.label == "BTC/USDT:USDT-quarter"  # no venue lists it: resolved at run time


@pytest.mark.parametrize(
    ("future", "said"),
    [
        ({"symbol": "BTC/USDT:USDT-261225", "series": "BTC/USDT:USDT"}, "both are set"),
        ({"expiry": "quarter"}, "neither is set"),
    ],
)
def test_exactly_one_of_symbol_and_series(future: dict[str, object], said: str) -> None:
    """A future with both or neither of symbol / series is refused, naming the field."""
    with pytest.raises(ConfigError) as info:
        _parse(future={"account": "main", **future})
    expected = f"hedges.BTC.future.symbol: exactly one of symbol / series is needed ({said})"
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [("expiry", "monthly"), ("roll_before_hours", 0), ("series", "BTC/USDT:USDT-261225")],
)
def test_a_bad_series_setting_names_its_field(key: str, value: object) -> None:
    """An unknown expiry, a roll under one hour or a dated symbol as series names the key."""
    with pytest.raises(ConfigError) as info:
        _parse(future={"account": "main", "series": "BTC/USDT:USDT", key: value})
    assert f"hedges.BTC.future.{key}" in str(info.value)
