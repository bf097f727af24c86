"""Backing off a rejected order instead of resending it every cycle.

A venue that refused an order (margin insufficient, a filter, a permission) usually refuses the
same order again: resending it every cycle floods the venue and the operator's phone. After a
rejection the same plan waits `delay_ms(attempts)` — `FIRST_DELAY_MS`, doubling with each
rejection in a row, at most `MAX_DELAY_MS` — before it is sent again. The wait ends at once
when the plan changes (another purpose, position or size wanted: `Backoff.key` is the planned
order's intent) and is forgotten after an order is accepted.

Not backed off: a post-only order refused because it would take (the touch moved; it is
repriced next cycle) and risk reductions (a safety trade is never delayed by this rule; its
rejections are still alerted). Times are the local clock in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FIRST_DELAY_MS",
    "MAX_DELAY_MS",
    "Backoff",
    "after_rejection",
    "delay_ms",
    "waiting",
]

FIRST_DELAY_MS = 5_000
MAX_DELAY_MS = 300_000


@dataclass(frozen=True, slots=True)
class Backoff:
    """`attempts` rejections in a row of the plan `key` (a planned order's intent); the next
    attempt is not sent before `until_ms`."""

    key: str
    attempts: int
    until_ms: int


def delay_ms(attempts: int) -> int:
    """The wait after `attempts` (≥ 1) rejections in a row: 5 s, 10 s, 20 s, … capped at 5 min."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")
    doubled: int = FIRST_DELAY_MS << min(attempts - 1, 32)
    return min(doubled, MAX_DELAY_MS)


def after_rejection(backoff: Backoff | None, key: str, now_ms: int) -> Backoff:
    """The back-off after the order planned as `key` was rejected at `now_ms`: one more attempt
    of the same plan, or the first of a new one."""
    attempts = backoff.attempts + 1 if backoff is not None and backoff.key == key else 1
    return Backoff(key, attempts, now_ms + delay_ms(attempts))


def waiting(backoff: Backoff | None, key: str, now_ms: int) -> str | None:
    """Why the order planned as `key` is not sent now (a note), or None to send it."""
    if backoff is None or backoff.key != key or now_ms >= backoff.until_ms:
        return None
    left = (backoff.until_ms - now_ms + 999) // 1000
    return f"backing off after {backoff.attempts} rejection(s) in a row: next attempt in {left} s"
