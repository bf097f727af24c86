"""Retries for reads and a per-account circuit breaker.

Reads (and idempotent writes such as cancel or set-leverage) are retried on `TemporaryError`
— which covers `RateLimited` and `ClockSkew` — with exponential backoff plus jitter, bounded
both by attempts and by total time. `RateLimited.retry_after_s` is a floor on the wait.
`ClockSkew` resyncs the clock before the next attempt. Order placement never comes here.

The breaker counts consecutive failed *operations* (after their retries): the venue being down
is what it detects, so an answer that says "no" (rejected order, unknown order) counts as the
venue being up.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

import structlog
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)

from bot.exchange.errors import (
    AmbiguousOrderError,
    CircuitOpen,
    ClockSkew,
    RateLimited,
    TemporaryError,
)

__all__ = ["BreakerState", "CircuitBreaker", "RetryPolicy", "backoff_s", "call_with_retry"]

log = structlog.get_logger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounds for retried reads. Times in seconds; `attempts` counts the first try."""

    attempts: int = 4
    total_s: float = 10.0
    initial_s: float = 0.25
    max_backoff_s: float = 4.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"RetryPolicy.attempts must be >= 1, got {self.attempts}")
        if self.total_s <= 0 or self.initial_s < 0 or self.max_backoff_s < self.initial_s:
            raise ValueError(f"RetryPolicy times are inconsistent: {self}")


def backoff_s(
    policy: RetryPolicy,
    attempt: int,
    error: BaseException | None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after failed `attempt` (1-based): full jitter over an exponential cap
    (initial · 2^(attempt-1), at most `max_backoff_s`), never less than a RateLimited
    `retry_after_s`."""
    cap = min(policy.max_backoff_s, policy.initial_s * 2.0 ** (attempt - 1))
    wait = cap * rand()
    if isinstance(error, RateLimited) and error.retry_after_s is not None:
        wait = max(wait, error.retry_after_s)
    return wait


def _retryable(error: BaseException) -> bool:
    return isinstance(error, TemporaryError) and not isinstance(
        error, AmbiguousOrderError | CircuitOpen
    )


async def call_with_retry(
    fn: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    op: str,
    resync_clock: Callable[[], Awaitable[None]] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    rand: Callable[[], float] = random.random,
) -> T:
    """`await fn()`, retried per `policy` on TemporaryError; the last error is re-raised.
    Never use this for order placement (the port forbids retrying it)."""

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        return backoff_s(policy, state.attempt_number, error, rand)

    async def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "exchange.retry",
            op=op,
            attempt=state.attempt_number,
            wait_s=round(state.upcoming_sleep, 3),
            error=type(error).__name__,
            detail=str(error),
        )
        if isinstance(error, ClockSkew) and resync_clock is not None:
            try:
                await resync_clock()
            except TemporaryError as resync_error:  # the next attempt will tell
                log.warning("exchange.clock_resync_failed", op=op, detail=str(resync_error))

    async def attempt() -> T:
        # tenacity only awaits what it recognises as a coroutine function; a lambda returning
        # a coroutine is not one, so always hand it a real one.
        return await fn()

    retrying = AsyncRetrying(
        retry=retry_if_exception(_retryable),
        stop=stop_after_attempt(policy.attempts) | stop_before_delay(policy.total_s),
        wait=wait,
        before_sleep=before_sleep,
        sleep=sleep,
        reraise=True,
    )
    return await retrying(attempt)


class BreakerState(StrEnum):
    CLOSED = "closed"  # requests flow
    OPEN = "open"  # requests refused (CircuitOpen) until the cool-down has passed
    HALF_OPEN = "half_open"  # cool-down over: requests flow; one success closes, a failure reopens


class CircuitBreaker:
    """Per-account breaker: opens after `failure_threshold` consecutive failed operations,
    half-opens `cool_down_s` seconds later, closes on the next success.

    `clock` returns seconds (monotonic). `state`, `consecutive_failures` and `times_opened`
    are for alerts and metrics.
    """

    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        cool_down_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        name: str = "",
    ) -> None:
        if failure_threshold < 1 or cool_down_s < 0:
            raise ValueError("failure_threshold must be >= 1 and cool_down_s >= 0")
        self.failure_threshold = failure_threshold
        self.cool_down_s = cool_down_s
        self.name = name
        self._clock = clock
        self._opened_at: float | None = None
        self.consecutive_failures = 0
        self.times_opened = 0

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.cool_down_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    @property
    def retry_in_s(self) -> float:
        """Seconds until an open breaker half-opens (0 when not open)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self.cool_down_s - (self._clock() - self._opened_at))

    def check(self, op: str) -> None:
        """Raise CircuitOpen if the breaker is open (nothing is sent)."""
        if self.state is BreakerState.OPEN:
            raise CircuitOpen(
                f"[{self.name}] circuit open after {self.consecutive_failures} consecutive "
                f"failures; {op} not sent, retry in {self.retry_in_s:.0f}s",
                account=self.name or None,
            )

    def record_success(self) -> None:
        if self._opened_at is not None:
            log.info("exchange.breaker_closed", account=self.name)
        self._opened_at = None
        self.consecutive_failures = 0

    def record_failure(self) -> None:
        self.consecutive_failures += 1
        reopen = self.state is BreakerState.HALF_OPEN
        if reopen or (
            self._opened_at is None and self.consecutive_failures >= self.failure_threshold
        ):
            self._opened_at = self._clock()
            self.times_opened += 1
            log.warning(
                "exchange.breaker_opened",
                account=self.name,
                failures=self.consecutive_failures,
                cool_down_s=self.cool_down_s,
            )
