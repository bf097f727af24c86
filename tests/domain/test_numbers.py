"""Decimals in text for people: positional notation (never 1.8E+3), prices at the tick."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.model import Side
from bot.domain.numbers import at_tick, plain
from bot.domain.planner import plan

from ._factories import linear, order, view


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("1800").normalize(), "1800"),
        (D("1E+3"), "1000"),
        (D("1E-8"), "0.00000001"),
        (D("2.50"), "2.5"),
        (D("-0.000"), "0"),
        (D("0E-8"), "0"),
        (D("-12.340"), "-12.34"),
    ],
)
def test_plain_is_positional_without_trailing_zeros(value: D, text: str) -> None:
    """Round thousands and tiny amounts read as digits, never with an exponent."""
    assert plain(value) == text


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_plain_never_shows_an_exponent_and_keeps_the_value(value: D) -> None:
    """Whatever the Decimal, the text has no exponent and parses back to the same number."""
    text = plain(value)
    assert "E" not in text.upper()
    assert D(text) == value


@pytest.mark.parametrize(
    ("value", "tick", "text"),
    [
        ("97039.95024875621890547263682", "0.10", "97040.0"),
        ("97039.95024875621890547263682", "0.01", "97039.95"),
        ("97039.94", "0.1", "97039.9"),
        ("97038", "5", "97040"),
        ("0.000012345", "0.0000001", "0.0000123"),
        ("60000", "0.1", "60000.0"),
        ("-0.01", "0.1", "0.0"),
        ("1.5", "0", "1.5"),  # no usable tick: shown plain
    ],
)
def test_at_tick_rounds_and_shows_the_tick_decimals(value: str, tick: str, text: str) -> None:
    """A computed price is shown at the market's tick, with as many decimals as the tick."""
    assert at_tick(D(value), D(tick)) == text


def test_reprice_note_counts_ticks_in_digits() -> None:
    """A resting sell 1800 ticks behind the touch is cancelled with '1800 ticks', not 1.8E+3."""
    market = linear(tick="0.1", min_amount="0.001")
    live = (order(Side.SELL, "2", "60180"),)  # ask 60000: 180 USDT = 1800 ticks away
    result = plan(view("2", "0", market=market, live=live))
    (cancel,) = result.cancels
    assert "touch moved 1800 ticks away" in cancel.reason
    assert "E+" not in cancel.reason
