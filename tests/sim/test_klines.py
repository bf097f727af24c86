"""Klines built from the venue's recorded prices."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.sim.errors import SimError
from bot.sim.klines import klines

MIN = 60_000


def test_candles_cover_quiet_minutes_with_the_previous_close() -> None:
    """Points in minutes 0 and 2: minute 1 is a flat candle at minute 0's close, 0 trades."""
    points = [(0, D(10)), (30_000, D(12)), (2 * MIN + 1, D(11))]
    rows = klines(points, "1m", 2 * MIN + 5, places=1)
    assert [r[1:5] for r in rows] == [
        ["10.0", "12.0", "10.0", "12.0"],
        ["12.0", "12.0", "12.0", "12.0"],
        ["11.0", "11.0", "11.0", "11.0"],
    ]
    assert [r[8] for r in rows] == [2, 0, 1] and rows[0][6] == MIN - 1


def test_window_picks_like_binance() -> None:
    """With startTime the first `limit` candles from it; without, the latest `limit`."""
    points = [(m * MIN, D(m)) for m in range(10)]
    assert [r[0] for r in klines(points, "1m", 9 * MIN, places=0, window=(3 * MIN, None, 2))] == [
        3 * MIN,
        4 * MIN,
    ]
    assert [r[0] for r in klines(points, "1m", 9 * MIN, places=0, window=(None, None, 2))] == [
        8 * MIN,
        9 * MIN,
    ]


def test_unknown_interval_is_1120() -> None:
    """An interval Binance does not have is -1120 Invalid interval."""
    with pytest.raises(SimError, match="-1120"):
        klines([(0, D(1))], "7m", 0, places=0)
