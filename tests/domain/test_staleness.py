"""Data guard: stale parts, positions contradicting our fills, and unusable quotes."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.model import Position, Quote
from bot.domain.staleness import (
    DataVerdict,
    check_fresh,
    check_position_matches_fills,
    check_quote,
    first_problem,
)

SYMBOL = "BTC/USDT:USDT"


@pytest.mark.parametrize(
    ("stamp", "ok", "words"),
    [(9_000, True, "ok"), (4_999, False, "5001 ms old"), (None, False, "no timestamp")],
)
def test_check_fresh(stamp: int | None, ok: bool, words: str) -> None:
    """A part older than the bound, or with no timestamp, is not trusted."""
    verdict = check_fresh("positions", stamp, now_ms=10_000, max_age_ms=5_000)
    assert verdict.ok is ok and words in verdict.reason


def test_flat_right_after_fills_is_inconsistent() -> None:
    """A position reported flat while our fills say short 2 pauses the hedge."""
    position = Position(SYMBOL, D(0), timestamp_ms=5_000)
    verdict = check_position_matches_fills(position, D(-2), last_fill_ms=4_000, tolerance=D(0))
    assert not verdict.ok and "our fills imply -2" in verdict.reason


def test_position_older_than_our_last_fill_is_stale() -> None:
    """A position stamped before our last fill cannot include it."""
    position = Position(SYMBOL, D(-2), timestamp_ms=3_000)
    verdict = check_position_matches_fills(position, D(-2), last_fill_ms=4_000, tolerance=D(0))
    assert not verdict.ok and "before our last fill" in verdict.reason


@pytest.mark.parametrize("reported", ["-2", "-2.0004"])
def test_agreeing_position_is_ok(reported: str) -> None:
    """A position within tolerance of our fills is trusted."""
    position = Position(SYMBOL, D(reported), timestamp_ms=5_000)
    assert check_position_matches_fills(position, D(-2), 4_000, D("0.0005")).ok


def test_nothing_to_compare_is_ok() -> None:
    """Without an expectation only the timestamp is checked."""
    assert check_position_matches_fills(Position(SYMBOL, D(0)), None, None, D(0)).ok


@pytest.mark.parametrize(
    ("bid", "ask", "mark", "ok"),
    [
        ("100", "101", "100.5", True),
        ("101", "100", None, False),
        ("0", "100", None, False),
        ("NaN", "100", None, False),
        ("100", "101", "-1", False),
    ],
)
def test_check_quote(bid: str, ask: str, mark: str | None, ok: bool) -> None:
    """Quotes must be finite, positive and uncrossed to trade on."""
    quote = Quote(SYMBOL, D(bid), D(ask), 0, mark=None if mark is None else D(mark))
    assert check_quote(quote).ok is ok


def test_first_problem() -> None:
    """The first failing verdict wins; all passing is ok."""
    bad = DataVerdict(False, "stale")
    assert first_problem([DataVerdict(True), bad, DataVerdict(False, "other")]) is bad
    assert first_problem([DataVerdict(True)]).ok
