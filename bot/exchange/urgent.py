"""Risk actions skip the client-side request limiter's queue.

ccxt's limiter (a rolling window per ccxt instance) queues requests first come, first served:
a risk reduction or a margin top-up sent while a burst of reads waits would wait behind them.
Code inside `urgent()` (a context variable, so it covers exactly the coroutine that set it and
the tasks it starts) has its requests pass the limiter at once; their cost is still booked in
the window, so the reads after them are spaced as if they had queued. The venue's own budget
is protected by the engine deferring non-urgent reads when little weight is left.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

__all__ = ["bypass_limiter_when_urgent", "is_urgent", "urgent"]

_URGENT: ContextVar[bool] = ContextVar("hedgebot_urgent", default=False)


@contextlib.contextmanager
def urgent(on: bool = True) -> Iterator[None]:
    """Mark the requests sent inside as risk actions (no-op when `on` is False)."""
    token = _URGENT.set(on or _URGENT.get())
    try:
        yield
    finally:
        _URGENT.reset(token)


def is_urgent() -> bool:
    return _URGENT.get()


def _book(throttler: Any, cost: float | None, now_ms: float) -> None:
    """Record an urgent request's cost in a rolling window (a leaky bucket has no record)."""
    stamps = getattr(throttler, "timestamps", None)
    config = getattr(throttler, "config", {})
    if isinstance(stamps, list) and config.get("algorithm") != "leakyBucket":
        stamps.append(
            {"timestamp": now_ms, "cost": config.get("cost", 1) if cost is None else cost}
        )


def bypass_limiter_when_urgent(client: Any) -> None:
    """Wrap `client.throttle` (per instance) so urgent requests do not wait in its queue."""
    original = client.throttle

    async def throttle(cost: float | None = None) -> Any:
        if not _URGENT.get():
            return await original(cost)
        throttler = getattr(client, "throttler", None)
        if throttler is not None:
            _book(throttler, cost, time.time() * 1000)  # ccxt's window is on wall time
        return None

    client.throttle = throttle
