"""What a hedge's target rules see in a backtest, from the candles instead of requests: the
same `Observation` the daemon's `bot.engine.rule_inputs.observe` gathers, built per bar. Pure.

- the watched price: the spot close, or the perp close with `price: perp`;
- the ladder's highs: per lookback, the high of hourly buckets of candle highs over the last
  `lookback_days × 24` hours, the current hour included (the daemon asks the venue for that
  many hourly candles), kept as a monotonic window so the memory is bounded by the lookback
  (at most one peak per hour), not by the history;
- funding settlements: the bars' funding rates as (the bar's open ms, rate), the last few
  only (the rule memory counts streaks across bars, like the daemon's across cycles);
- the short's gain: `pnl.short_gain_pct` of the position the bar's snapshot shows.

A hedge whose rules watch nothing (`start_watch` → None) builds nothing per bar.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from bot.backtest.bars import Bar, Ohlc
from bot.domain.model import Market, Position
from bot.domain.pnl import short_gain_pct
from bot.domain.target_rules import Observation, Rules

__all__ = ["RollingHigh", "RuleWatch", "observation", "roll_high", "start_watch", "watch_bar"]

HOUR_MS = 3_600_000
SETTLEMENTS_KEPT = 3  # one settlement per bar at most: the memory de-duplicates by time


@dataclass(frozen=True, slots=True)
class RollingHigh:
    """The high over the last `hours` hourly buckets: `peaks` are (hour start ms, high) with
    strictly falling highs, oldest first, so the first is the window's high."""

    hours: int
    peaks: tuple[tuple[int, Decimal], ...] = ()

    @property
    def high(self) -> Decimal | None:
        """The window's high; None before the first candle."""
        return self.peaks[0][1] if self.peaks else None


def roll_high(window: RollingHigh, ts_ms: int, high: Decimal) -> RollingHigh:
    """`window` after a candle opened at `ts_ms` reached `high`."""
    hour = ts_ms - ts_ms % HOUR_MS
    peaks = window.peaks
    first = hour - (window.hours - 1) * HOUR_MS
    if peaks and peaks[-1][0] == hour and peaks[-1][1] >= high and peaks[0][0] >= first:
        return window  # the common case: nothing new, nothing expired
    start = 0
    while start < len(peaks) and peaks[start][0] < first:
        start += 1
    end = len(peaks)
    while end > start and peaks[end - 1][1] <= high:
        end -= 1
    kept = peaks[start:end]
    if kept and kept[-1][0] == hour:  # this hour already holds a higher peak
        return replace(window, peaks=kept)
    return replace(window, peaks=(*kept, (hour, high)))


@dataclass(frozen=True, slots=True)
class RuleWatch:
    """The rolling state one hedge's rules need from the bars: one `RollingHigh` per ladder
    lookback (days → window) and the latest funding settlements (ms, rate), oldest first."""

    highs: tuple[tuple[int, RollingHigh], ...] = ()
    settlements: tuple[tuple[int, Decimal], ...] = ()


def start_watch(rules: Rules | None) -> RuleWatch | None:
    """An empty watch for `rules`; None when they watch no price, high or funding."""
    if rules is None or not (rules.needs_price or rules.lookbacks or rules.funding):
        return None
    return RuleWatch(highs=tuple((d, RollingHigh(d * 24)) for d in sorted(rules.lookbacks)))


def _leg(rules: Rules, bar: Bar) -> Ohlc:
    return bar.perp if rules.perp_price else bar.spot


def watch_bar(rules: Rules, watch: RuleWatch, bar: Bar) -> RuleWatch:
    """`watch` after `bar`: its high in every lookback window, its funding settlement."""
    high = _leg(rules, bar).high
    highs = tuple((d, roll_high(w, bar.ts_ms, high)) for d, w in watch.highs)
    settlements = watch.settlements
    if rules.funding is not None and bar.funding_rate is not None:
        settlements = (*settlements[1 - SETTLEMENTS_KEPT :], (bar.ts_ms, bar.funding_rate))
    return RuleWatch(highs, settlements)


def observation(
    rules: Rules, watch: RuleWatch, bar: Bar, now_ms: int, position: Position, market: Market
) -> Observation:
    """What the rules see at the bar's close (`now_ms`), as the daemon's `observe` would."""
    price = _leg(rules, bar).close if rules.needs_price else None
    highs = {d: _with_price(w.high, price) for d, w in watch.highs if w.high is not None}
    gain = short_gain_pct(position, market) if rules.take_profit is not None else None
    return Observation(
        now_ms=now_ms,
        price=price,
        short_gain_pct=gain,
        settlements=watch.settlements,
        highs=highs,
    )


def _with_price(high: Decimal, price: Decimal | None) -> Decimal:
    """The window's high and the price seen now (`candles.high_of` of the daemon)."""
    return high if price is None or price <= high else price
