"""What the rules watch from the bars: rolling highs bounded by the lookback, the latest
funding settlements, nothing at all for a hedge whose rules watch nothing."""

from __future__ import annotations

import random
from decimal import Decimal as D

from bot.backtest.bars import Bar, Ohlc
from bot.backtest.rule_watch import RollingHigh, roll_high, start_watch, watch_bar
from bot.domain.target_rules import FundingRule, LadderStep, Rules

HOUR = 3_600_000
FIVE_MIN = 300_000


def test_the_rolling_high_is_the_max_of_the_last_hours_and_stays_bounded() -> None:
    """Over random 5-minute highs, the window's high is the max of the candles in the last
    24 hourly buckets, and it never keeps more than 24 peaks (a falling market included)."""
    rng = random.Random(7)
    highs = [D(rng.randint(50_000, 70_000)) for _ in range(1500)] + [
        D(80_000 - i) for i in range(1500)
    ]
    window, seen = RollingHigh(24), []
    for i, high in enumerate(highs):
        ts = i * FIVE_MIN
        window, seen = roll_high(window, ts, high), [*seen, (ts, high)]
        first_hour = ts - ts % HOUR - 23 * HOUR
        assert window.high == max(h for t, h in seen if t >= first_hour)
        assert len(window.peaks) <= 24


def test_rules_that_watch_nothing_build_no_watch() -> None:
    """A hedge with only a target_ratio builds nothing per bar (it pays nothing for rules)."""
    assert start_watch(Rules(base_ratio=D(1), max_ratio=D(1))) is None
    assert start_watch(None) is None


def test_the_watch_keeps_the_last_few_settlements_and_a_window_per_lookback() -> None:
    """Funding rates become (bar open ms, rate) settlements, the last three kept; each ladder
    lookback has its own window of the spot highs."""
    rules = Rules(
        base_ratio=D(1),
        max_ratio=D(1),
        funding=FundingRule(D(0), 2, D("0.5")),
        ladder=(LadderStep(D("0.1"), 1, D(1)), LadderStep(D("0.2"), 7, D(1))),
    )
    watch = start_watch(rules)
    assert watch is not None
    for i in range(5):
        spot, perp = Ohlc(D(100), D(110 + i), D(90), D(100)), Ohlc.flat(D(999))
        watch = watch_bar(rules, watch, Bar(i * HOUR, spot, perp, perp, D(i)))
    assert watch.settlements == ((2 * HOUR, D(2)), (3 * HOUR, D(3)), (4 * HOUR, D(4)))
    assert [(days, w.high) for days, w in watch.highs] == [(1, D(114)), (7, D(114))]
