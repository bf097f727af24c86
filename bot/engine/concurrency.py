"""Run one coroutine per item at once, at most `limit` at a time per key (the account), and
wait for all of them: one item's failure never cancels or delays the others. The first
exception (a bug: exchange errors are handled inside each item) is raised after every item
has finished, so no task is left running behind the cycle."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

__all__ = ["run_bounded"]

T = TypeVar("T")


async def run_bounded(
    items: Sequence[T], key: Callable[[T], str], limit: int, fn: Callable[[T], Awaitable[None]]
) -> None:
    """`fn(item)` for every item concurrently, at most `limit` at once per `key(item)`, in
    the order given (earlier items take the free slots first)."""
    gates = {k: asyncio.Semaphore(limit) for k in {key(i) for i in items}}

    async def one(item: T) -> None:
        async with gates[key(item)]:
            await fn(item)

    outcomes = await asyncio.gather(*(one(i) for i in items), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
