"""retry.py: the tenacity policy for reads and the circuit breaker, with a fake clock, a fake
sleep and fake async callables (our own code; no ccxt involved)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.exchange import errors as E
from bot.exchange.retry import (
    BreakerState,
    CircuitBreaker,
    RetryPolicy,
    backoff_s,
    call_with_retry,
)


class Script:
    """An async callable that raises the scripted errors in turn, then returns 'ok'."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


async def run(
    fn: Callable[[], Awaitable[str]],
    policy: RetryPolicy | None = None,
    sleeps: Sleeps | None = None,
    resync: Callable[[], Awaitable[None]] | None = None,
) -> str:
    return await call_with_retry(
        fn,
        policy=policy or RetryPolicy(),
        op="test",
        resync_clock=resync,
        sleep=sleeps or Sleeps(),
        rand=lambda: 0.5,
    )


async def test_temporary_errors_are_retried_until_success() -> None:
    """Two transient failures then success: three calls, the result is returned."""
    fn = Script(E.TemporaryError("503"), E.RateLimited("429"))
    assert await run(fn) == "ok"
    assert fn.calls == 3


async def test_plain_callables_returning_coroutines_are_awaited() -> None:
    """A lambda returning a coroutine is retried and awaited like an async def."""
    script = Script(E.TemporaryError("503"))
    assert await run(lambda: script()) == "ok"
    assert script.calls == 2


async def test_attempts_are_bounded_and_last_error_reraised() -> None:
    """After `attempts` failures the last TemporaryError itself propagates."""
    fn = Script(*[E.TemporaryError(f"fail {i}") for i in range(10)])
    with pytest.raises(E.TemporaryError, match="fail 3"):
        await run(fn, RetryPolicy(attempts=4))
    assert fn.calls == 4


@pytest.mark.parametrize(
    "error",
    [
        E.OrderRejected("no"),
        E.AuthError("bad key"),
        E.BadResponse("NaN"),
        E.CircuitOpen("open"),
        E.AmbiguousOrderError("?", client_id="x"),
    ],
)
async def test_final_errors_are_not_retried(error: E.ExchangeError) -> None:
    """Refusals, bad data, an open breaker and ambiguity are raised at once."""
    fn = Script(error)
    with pytest.raises(type(error)):
        await run(fn)
    assert fn.calls == 1


async def test_retry_after_is_a_floor_on_the_wait() -> None:
    """A RateLimited with retry_after_s waits at least that long."""
    sleeps = Sleeps()
    await run(Script(E.RateLimited("429", retry_after_s=3.0)), sleeps=sleeps)
    assert sleeps.waits == [3.0]


async def test_total_time_budget_stops_before_a_long_wait() -> None:
    """A Retry-After longer than the total budget is not slept through: the error is raised."""
    sleeps = Sleeps()
    fn = Script(E.RateLimited("429", retry_after_s=60.0))
    with pytest.raises(E.RateLimited):
        await run(fn, RetryPolicy(total_s=10.0), sleeps=sleeps)
    assert fn.calls == 1 and sleeps.waits == []


async def test_clock_skew_resyncs_before_retrying() -> None:
    """ClockSkew triggers resync_clock once, before the second attempt."""
    events: list[str] = []

    async def resync() -> None:
        events.append("resync")

    async def fn() -> str:
        events.append("call")
        if events.count("call") == 1:
            raise E.ClockSkew("-1021")
        return "ok"

    assert await run(fn, resync=resync) == "ok"
    assert events == ["call", "resync", "call"]


async def test_failed_resync_does_not_abort_the_retry() -> None:
    """A resync that itself fails temporarily is logged; the next attempt still runs."""

    async def resync() -> None:
        raise E.TemporaryError("time endpoint down")

    fn = Script(E.ClockSkew("-1021"))
    assert await run(fn, resync=resync) == "ok"


@pytest.mark.parametrize(
    ("attempt", "rand", "expected"),
    [(1, 1.0, 0.25), (2, 1.0, 0.5), (3, 0.5, 0.5), (10, 1.0, 4.0), (10, 0.0, 0.0)],
)
def test_backoff_is_jittered_exponential_and_capped(
    attempt: int, rand: float, expected: float
) -> None:
    """Full jitter under initial·2^(n-1), capped at max_backoff_s."""
    policy = RetryPolicy(initial_s=0.25, max_backoff_s=4.0)
    assert backoff_s(policy, attempt, None, lambda: rand) == expected


@pytest.mark.parametrize("kwargs", [{"attempts": 0}, {"total_s": 0}, {"max_backoff_s": 0.1}])
def test_policy_rejects_inconsistent_bounds(kwargs: dict[str, float]) -> None:
    """A policy that could never retry sensibly is refused at construction."""
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def state_of(breaker: CircuitBreaker) -> BreakerState:
    """Read the state afresh (keeps mypy from narrowing a property across clock moves)."""
    return breaker.state


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_and_refuses() -> None:
    """N consecutive failures open the breaker; check() then raises CircuitOpen."""
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, cool_down_s=30, clock=clock, name="main")
    for _ in range(2):
        breaker.record_failure()
    assert state_of(breaker) is BreakerState.CLOSED
    breaker.check("read")
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.OPEN and breaker.times_opened == 1
    with pytest.raises(E.CircuitOpen, match="main"):
        breaker.check("read")


def test_success_resets_the_failure_count() -> None:
    """A success between failures means they were not consecutive."""
    breaker = CircuitBreaker(failure_threshold=2, clock=FakeClock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.CLOSED


def test_breaker_half_opens_after_cool_down_and_closes_on_success() -> None:
    """After the cool-down requests flow again; one success closes the breaker."""
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, cool_down_s=30, clock=clock)
    breaker.record_failure()
    clock.now += 29.9
    assert state_of(breaker) is BreakerState.OPEN and breaker.retry_in_s == pytest.approx(0.1)
    clock.now += 0.1
    assert state_of(breaker) is BreakerState.HALF_OPEN
    breaker.check("probe")
    breaker.record_success()
    assert state_of(breaker) is BreakerState.CLOSED and breaker.consecutive_failures == 0


def test_failure_while_half_open_reopens_for_a_full_cool_down() -> None:
    """A failed probe reopens the breaker and restarts the cool-down."""
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, cool_down_s=10, clock=clock)
    for _ in range(3):
        breaker.record_failure()
    clock.now += 10
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.OPEN and breaker.times_opened == 2
    clock.now += 9
    assert state_of(breaker) is BreakerState.OPEN
