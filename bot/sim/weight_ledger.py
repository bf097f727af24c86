"""Request weight used per API key in a rolling one-minute window, and Binance's answers to
a client over its budget: 429 with Retry-After, then, for a client that keeps sending over
budget before its Retry-After passed, an IP ban answered with 418.

Time is the host's monotonic clock in seconds (wall time, never the simulated clock: a
budget is spent by real requests). A key's used weight is the sum of the weights it was
served in the last 60 s; a request that would take it over its family's limit is refused
(429) and weighs nothing; refused requests sent while the last Retry-After is still running
are strikes, and the `STRIKES_TO_BAN`-th turns into a ban of 2 minutes, doubling per ban up
to 3 days (Binance: "from 2 minutes to 3 days"). A limit of 0 turns enforcement off (use
is still counted and reported).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.sim.weights import DEFAULT_LIMITS, FAMILIES

__all__ = ["BAN_S", "STRIKES_TO_BAN", "WINDOW_S", "Verdict", "WeightLedger"]

WINDOW_S = 60.0
STRIKES_TO_BAN = 3
BAN_S = 120.0
MAX_BAN_S = 3 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to answer: `status` 200 (served), 429 (over budget) or 418 (banned); `used` the
    key's weight in the window after this request; `retry_after_s` whole seconds to wait."""

    status: int
    used: int
    retry_after_s: int = 0


@dataclass
class _Window:
    served: deque[tuple[float, int]] = field(default_factory=deque)  # (time, weight)
    used: int = 0
    retry_until: float = 0.0
    strikes: int = 0
    bans: int = 0
    banned_until: float = 0.0

    def expire(self, now: float) -> None:
        while self.served and self.served[0][0] <= now - WINDOW_S:
            self.used -= self.served.popleft()[1]

    def wait_for(self, weight: int, limit: int, now: float) -> float:
        """Seconds until `weight` more fits under `limit` as older requests leave the window."""
        left = self.used
        for at, w in self.served:
            left -= w
            if left + weight <= limit:
                return at + WINDOW_S - now
        return WINDOW_S


class WeightLedger:
    """Used weight per (API key, family); `limits` per family ("api", "fapi", "dapi"; 0 =
    not enforced); `clock` monotonic seconds (tests pass their own)."""

    def __init__(
        self, limits: dict[str, int] | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = dict.fromkeys(FAMILIES, 0) | (limits or {})
        self._clock = clock
        self._windows: dict[tuple[str, str], _Window] = {}

    def admit(self, key: str, family: str, weight: int) -> Verdict:
        """Serve (and count) or refuse a request of `weight` by `key` on `family`."""
        now = self._clock()
        window = self._windows.setdefault((key, family), _Window())
        window.expire(now)
        if window.banned_until > now:
            return Verdict(418, window.used, math.ceil(window.banned_until - now))
        limit = self.limits[family]
        if limit and window.used + weight > limit:
            return self._refuse(window, weight, limit, now)
        window.served.append((now, weight))
        window.used += weight
        return Verdict(200, window.used)

    def _refuse(self, window: _Window, weight: int, limit: int, now: float) -> Verdict:
        if now < window.retry_until:
            window.strikes += 1
            if window.strikes >= STRIKES_TO_BAN:
                window.bans += 1
                window.strikes = 0
                window.banned_until = now + min(BAN_S * 2 ** (window.bans - 1), MAX_BAN_S)
                return Verdict(418, window.used, math.ceil(window.banned_until - now))
        else:
            window.strikes = 0
        wait = max(1, math.ceil(window.wait_for(weight, limit, now)))
        window.retry_until = now + wait
        return Verdict(429, window.used, wait)

    def used(self) -> dict[str, dict[str, int]]:
        """{key: {family: weight used in the last minute}} for every key seen."""
        now = self._clock()
        out: dict[str, dict[str, int]] = {}
        for (key, family), window in self._windows.items():
            window.expire(now)
            out.setdefault(key, {})[family] = window.used
        return out

    def banned(self) -> dict[str, dict[str, int]]:
        """{key: {family: seconds of ban left}} for the keys banned now."""
        now = self._clock()
        out: dict[str, dict[str, int]] = {}
        for (key, family), window in self._windows.items():
            if window.banned_until > now:
                out.setdefault(key, {})[family] = math.ceil(window.banned_until - now)
        return out

    def reset(self) -> None:
        """Forget every key's use, strikes and bans."""
        self._windows.clear()


def binance_limits(futures: int, spot: int | None = None) -> dict[str, int]:
    """Limits for a futures budget `futures` (0 = off) and a spot one (None: Binance's 6,000
    when futures are enforced, else off)."""
    if spot is None:
        spot = DEFAULT_LIMITS["api"] if futures else 0
    return {"api": spot, "fapi": futures, "dapi": futures}
