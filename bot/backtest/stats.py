"""Streaming statistics for the metrics: memory stays flat however long the history."""

from __future__ import annotations

from copy import copy
from decimal import Decimal

__all__ = ["EquityTrack", "RunningVariance"]

HOUR_MS = 3_600_000
ZERO = Decimal(0)
ONE = Decimal(1)


class RunningVariance:
    """Welford's algorithm in Decimal: sample variance of the values added."""

    __slots__ = ("_m2", "_mean", "n")

    def __init__(self) -> None:
        self.n, self._mean, self._m2 = 0, ZERO, ZERO

    def add(self, value: Decimal) -> None:
        self.n += 1
        delta = value - self._mean
        self._mean += delta / self.n
        self._m2 += delta * (value - self._mean)

    @property
    def variance(self) -> Decimal | None:
        """Sample variance (n − 1); None with fewer than two values."""
        return self._m2 / (self.n - 1) if self.n > 1 else None


class EquityTrack:
    """One equity series, streamed: its first and last value, the deepest fall below its
    running peak (`worst`, ≤ 0, in the value's units), and the variance of its simple returns
    between consecutive hour closes (the last value seen in each UTC hour of bar time;
    candles longer than an hour give one return per candle). One method call per step: this
    runs for every hedge at every candle."""

    __slots__ = ("_hour", "_peak", "_prev", "first", "last", "returns", "worst")

    def __init__(self) -> None:
        self.first: Decimal | None = None
        self.last = self._peak = self.worst = ZERO
        self._hour = -1
        self._prev: Decimal | None = None
        self.returns = RunningVariance()

    def add(self, ts_ms: int, value: Decimal) -> None:
        hour = ts_ms // HOUR_MS
        if self.first is None:
            self.first = self._peak = value
        elif hour != self._hour:
            self._close_hour()
        self._hour, self.last = hour, value
        if value > self._peak:
            self._peak = value
        elif value - self._peak < self.worst:
            self.worst = value - self._peak

    def hourly_variance(self) -> Decimal | None:
        """Sample variance of the hourly returns, the last (maybe partial) hour included."""
        if self.first is None:
            return None
        returns, prev = copy(self.returns), self._prev
        if prev is not None and prev > 0:
            returns.add(self.last / prev - ONE)
        return returns.variance

    def _close_hour(self) -> None:
        if self._prev is not None and self._prev > 0:
            self.returns.add(self.last / self._prev - ONE)
        self._prev = self.last
