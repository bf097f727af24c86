"""After the venue says "too much request weight" (429/418 with Retry-After), hold every
request of that account until the wait is over instead of sending more: on Binance each
request sent during a Retry-After is a strike, and a few strikes turn into an IP ban (418)
of minutes to days. A short hold is waited out; a longer one (a ban) refuses the request at
once without sending it, so nothing queues for minutes behind it."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from bot.exchange.errors import RateLimited

__all__ = ["DEFAULT_HOLD_S", "MAX_WAIT_S", "RateHold"]

DEFAULT_HOLD_S = 1.0  # a 429 without Retry-After
MAX_WAIT_S = 15.0  # longer holds refuse requests instead of waiting


class RateHold:
    """The end of the current hold, on a monotonic clock (seconds)."""

    def __init__(self, account: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.account = account
        self._clock = clock
        self._until = 0.0

    def note(self, error: RateLimited) -> None:
        """Start (or extend) a hold for the Retry-After `error` carries."""
        wait = error.retry_after_s if error.retry_after_s is not None else DEFAULT_HOLD_S
        self._until = max(self._until, self._clock() + wait)

    def remaining_s(self) -> float:
        return max(0.0, self._until - self._clock())

    async def wait_out(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        """Wait for a short hold to end; refuse (RateLimited, nothing sent) during a long one."""
        left = self.remaining_s()
        if left <= 0:
            return
        if left > MAX_WAIT_S:
            raise RateLimited(
                f"[{self.account}] holding requests for {left:.0f} s more after the venue's "
                "rate limit (not sent)",
                retry_after_s=left,
                account=self.account,
            )
        await sleep(left)
