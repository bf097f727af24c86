"""The venue's price history keeps each minute's open, high, low and close, for a day
(`bot.sim.price_history`), so a moving listing's memory stays bounded."""

from __future__ import annotations

from collections import deque
from decimal import Decimal as D

from bot.sim.price_history import DAY_MS, Point, record

T0 = 1_704_070_800_000  # a minute boundary


def _fill(prices: list[tuple[int, str]]) -> deque[Point]:
    history: deque[Point] = deque()
    for at, price in prices:
        record(history, T0 + at, D(price))
    return history


def test_a_minute_keeps_its_open_high_low_and_close_in_time_order() -> None:
    """Many steps in one minute fold into first, highest, lowest and latest, oldest first."""
    steps = [(0, "100"), (1000, "103"), (2000, "99"), (3000, "104"), (4000, "97"), (5000, "101")]
    history = _fill(steps)
    assert list(history) == [
        (T0, D(100)),
        (T0 + 3000, D(104)),
        (T0 + 4000, D(97)),
        (T0 + 5000, D(101)),
    ]


def test_each_minute_is_folded_on_its_own() -> None:
    """A new minute starts its own points; the previous minute's stay as they were."""
    history = _fill([(0, "100"), (30_000, "105"), (60_000, "90"), (61_000, "91")])
    assert [p for _, p in history] == [D(100), D(105), D(90), D(91)]


def test_points_older_than_a_day_are_dropped() -> None:
    """A day later only the points of the last 24 h remain."""
    history = _fill([(0, "100"), (60_000, "101"), (DAY_MS + 30_000, "102")])
    assert [p for _, p in history] == [D(101), D(102)]


def test_a_day_of_one_second_steps_stays_bounded() -> None:
    """86,400 one-second steps keep at most four points a minute (5,760), not 86,400."""
    history: deque[Point] = deque()
    for second in range(86_400):
        record(history, T0 + second * 1000, D(100 + second % 7))
    assert len(history) <= 4 * 1440
