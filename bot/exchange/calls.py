"""How one account's requests are sent: translated errors, the circuit breaker, and retries
for the calls that may be repeated.

`Calls.read` is for reads and idempotent writes (retried); `Calls.once` for anything that must
not be repeated blindly (orders, transfers, margin). Both consult the account's breaker first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from bot.exchange.errors import BadResponse, ExchangeError, RateLimited, TemporaryError
from bot.exchange.rate_hold import RateHold
from bot.exchange.retry import CircuitBreaker, RetryPolicy, call_with_retry
from bot.exchange.translate import translate

__all__ = ["Calls"]

T = TypeVar("T")


class Calls:
    """Request plumbing for one ccxt instance `client` of account `account`."""

    def __init__(
        self,
        account: str,
        client: Any,
        *,
        retry: RetryPolicy,
        breaker: CircuitBreaker,
        secrets: Sequence[str | None],
        resync_clock: Callable[[], Awaitable[None]],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.account = account
        self.breaker = breaker
        self._client = client
        self._retry = retry
        self._secrets = tuple(s for s in secrets if s)
        self._resync_clock = resync_clock
        self._sleep = sleep
        self.hold = RateHold(account)

    def __repr__(self) -> str:
        return f"Calls(account={self.account!r})"

    def translate(self, exc: BaseException) -> ExchangeError:
        """Our error for `exc`, with the last response's Retry-After and secrets scrubbed."""
        return translate(
            exc,
            account=self.account,
            exchange_id=str(self._client.id),
            secrets=self._secrets,
            headers=getattr(self._client, "last_response_headers", None),
        )

    async def send(self, fn: Callable[[], Awaitable[T]]) -> T:
        """One request (and its parsing); any failure leaves as one of our errors. After a
        rate-limit answer the account's requests wait it out first (`rate_hold`)."""
        await self.hold.wait_out(self._sleep)
        try:
            return await fn()
        except ExchangeError:
            raise
        except Exception as exc:  # ccxt, aiohttp, or ccxt's parser choking on a payload
            error = self.translate(exc)
            if isinstance(error, RateLimited):
                self.hold.note(error)
            raise error from None

    async def _guarded(self, op: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run `call` behind the breaker: temporary failures count against the venue, any
        other answer (even a refusal) shows it is up."""
        self.breaker.check(op)
        try:
            result = await call()
        except TemporaryError:
            self.breaker.record_failure()
            raise
        except ExchangeError:
            self.breaker.record_success()
            raise
        self.breaker.record_success()
        return result

    async def read(self, op: str, fn: Callable[[], Awaitable[T]]) -> T:
        """A retried request (reads and idempotent writes); `op` names it in logs and in
        the message of an unreadable reply (so "NaN" says which reply carried it)."""
        try:
            return await self._guarded(
                op,
                lambda: call_with_retry(
                    lambda: self.send(fn),
                    policy=self._retry,
                    op=op,
                    resync_clock=self._resync_clock,
                    sleep=self._sleep,
                ),
            )
        except BadResponse as exc:
            raise BadResponse(
                f"{op}: unreadable reply: {exc}", account=exc.account, code=exc.code
            ) from None

    async def once(self, op: str, fn: Callable[[], Awaitable[T]]) -> T:
        """A request sent exactly once (it moves money or places orders)."""
        return await self._guarded(op, lambda: self.send(fn))
