"""The simulator's one clock, and the clock offsets its clients may be signing with.

Simulated time is what every stamp a client sees carries (server time, orders, fills, income,
positions, quotes, /sim/state): `now() = start + time_scale × (base() − start) + offset`, where
`base` is the wall clock (a test's frozen clock), `time_scale` simulated ms per base ms and
`offset` what `advance` added (POST /sim/time, a replay's candle times). With the default scale
of 1 and no advance, simulated time is the wall clock.

recvWindow: Binance checks a request's `timestamp` against its own clock. A client that synced
through /time (ccxt's `load_time_difference`) signs with `wall + offset`, the offset it was
told, and keeps that offset until it syncs again, even while simulated time runs faster than
the wall; a client that never synced signs with its wall clock (offset 0). So the server checks
the timestamp against `wall + k` for k = 0 and each offset it has handed out (`ClientOffsets`):
a synced client and a plain one pass, a client whose clock is off from both gets -1021.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

__all__ = ["ClientOffsets", "SimClock", "wall_clock_ms"]

_SAME_OFFSET_MS = 50  # offsets this close are one client clock (sync jitter)
_KEEP_OFFSETS = 256


def wall_clock_ms() -> int:
    """Real UTC time in epoch milliseconds."""
    return time.time_ns() // 1_000_000


class SimClock:
    """Simulated epoch ms: the base clock scaled by `time_scale`, plus what `advance` added."""

    def __init__(self, base: Callable[[], int] | None = None, *, time_scale: float = 1.0) -> None:
        if not time_scale > 0:
            raise ValueError(f"time_scale must be > 0 (simulated s per wall s), got {time_scale}")
        self._base = base or wall_clock_ms
        self.time_scale = time_scale
        self._start = self._base()
        self._offset = 0

    def now(self) -> int:
        elapsed = self._base() - self._start
        scaled = elapsed if self.time_scale == 1 else int(elapsed * self.time_scale)
        return self._start + scaled + self._offset

    def advance(self, ms: int) -> None:
        """Move simulated time forward by `ms` milliseconds (≥ 0)."""
        if ms < 0:
            raise ValueError(f"cannot move simulated time backwards (ms={ms})")
        self._offset += ms


class ClientOffsets:
    """Clock offsets (simulated − wall, ms) a client may sign with: 0, and those served."""

    def __init__(self) -> None:
        self._served: deque[int] = deque(maxlen=_KEEP_OFFSETS)

    def served(self, offset_ms: int) -> None:
        """Remember that /time just told a client `offset_ms` (the newest replaces a near one)."""
        for known in list(self._served):
            if abs(known - offset_ms) <= _SAME_OFFSET_MS:
                self._served.remove(known)
        self._served.append(offset_ms)

    def offsets(self) -> tuple[int, ...]:
        """0 (a client on its own clock) and every remembered offset, newest last."""
        return (0, *self._served)
