"""Simulated time: an injectable wall clock plus an offset that `advance` moves forward."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["SimClock", "wall_clock_ms"]


def wall_clock_ms() -> int:
    """Real UTC time in epoch milliseconds."""
    return time.time_ns() // 1_000_000


class SimClock:
    """`now()` = base clock + simulated offset (ms). The offset only grows."""

    def __init__(self, base: Callable[[], int] | None = None) -> None:
        self._base = base or wall_clock_ms
        self._offset = 0

    def now(self) -> int:
        return self._base() + self._offset

    def advance(self, ms: int) -> None:
        """Move simulated time forward by `ms` milliseconds (≥ 0)."""
        if ms < 0:
            raise ValueError(f"cannot move simulated time backwards (ms={ms})")
        self._offset += ms
