"""Candles and funding-rate history as ccxt returns them → domain values, or a BadResponse
naming the field (never a float in the core)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.candles import Candle, high_of
from bot.exchange.ccxt_history import parse_candle, parse_funding_settlement
from bot.exchange.errors import BadResponse


def test_ohlcv_row_becomes_an_exact_candle() -> None:
    """ccxt's [ms, o, h, l, c, v] floats read as the Decimals they print as."""
    row = [1_796_000_000_000, 65000.1, 65100.5, 64900.0, 65050.2, 0.0]
    assert parse_candle(row, "BTC/USDT") == Candle(
        1_796_000_000_000, D("65000.1"), D("65100.5"), D("64900.0"), D("65050.2")
    )


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ([1, 2, 3], "not an OHLCV row"),
        ([None, 1, 2, 1, 2, 0], "timestamp"),
        ([1, 1, "x", 1, 1, 0], "high"),
    ],
)
def test_a_bad_ohlcv_row_names_what_is_wrong(row: list[object], field: str) -> None:
    """A short row, a missing time or a non-number is refused, naming the field."""
    with pytest.raises(BadResponse, match=field):
        parse_candle(row, "BTC/USDT")


def test_funding_entry_keeps_its_sign() -> None:
    """A negative rate (shorts pay) stays negative; the settlement time is kept."""
    raw = {"symbol": "BTC/USDT:USDT", "timestamp": 1_796_000_000_000, "fundingRate": -0.0005}
    assert parse_funding_settlement(raw) == (1_796_000_000_000, D("-0.0005"))


def test_funding_entry_without_a_rate_is_refused() -> None:
    """No fundingRate: BadResponse naming it."""
    with pytest.raises(BadResponse, match="fundingRate"):
        parse_funding_settlement({"symbol": "BTC/USDT:USDT", "timestamp": 1})


def test_the_recent_high_includes_the_price_now() -> None:
    """The high is over the candles and the price seen this cycle; nothing seen → None."""
    candle = Candle(0, D(1), D(64000), D(1), D(1))
    assert high_of([candle], D(65000)) == D(65000)
    assert high_of([candle], None) == D(64000)
    assert high_of([], None) is None
