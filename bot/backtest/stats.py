"""Streaming statistics for the metrics: memory stays flat however long the history."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["Drawdown", "HourlyReturns", "RunningVariance"]

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


class Drawdown:
    """The deepest fall of a value below its running peak (≤ 0, in the value's units)."""

    __slots__ = ("_peak", "worst")

    def __init__(self) -> None:
        self._peak: Decimal | None = None
        self.worst = ZERO

    def add(self, value: Decimal) -> None:
        if self._peak is None or value > self._peak:
            self._peak = value
        self.worst = min(self.worst, value - self._peak)


class HourlyReturns:
    """Simple returns between consecutive hour closes (the last value seen in each UTC hour
    of bar time), fed to a running variance. Candles longer than an hour give one return
    per candle."""

    __slots__ = ("_close", "_hour", "_prev", "returns")

    def __init__(self) -> None:
        self._hour: int | None = None
        self._close = ZERO
        self._prev: Decimal | None = None
        self.returns = RunningVariance()

    def add(self, ts_ms: int, value: Decimal) -> None:
        hour = ts_ms // HOUR_MS
        if self._hour is not None and hour != self._hour:
            self._close_hour()
        self._hour, self._close = hour, value

    def finish(self) -> RunningVariance:
        """Close the last hour; returns the variance of all returns."""
        if self._hour is not None:
            self._close_hour()
            self._hour = None
        return self.returns

    def _close_hour(self) -> None:
        if self._prev is not None and self._prev > 0:
            self.returns.add(self._close / self._prev - ONE)
        self._prev = self._close
