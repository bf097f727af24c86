"""Is this snapshot safe to trade on? Pure checks that turn doubt into a `DataVerdict`.

A naive bot that believes a briefly mis-reported zero position sells again every cycle and
ends up with a naked short. These checks let the shell pause a hedge (and alert) instead:
- a snapshot part older than a bound;
- a position that predates, or disagrees with, our own fills since the last trusted reading;
- a quote that is missing numbers, non-positive or crossed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from bot.domain.model import Position, Quote

__all__ = [
    "DataVerdict",
    "check_fresh",
    "check_position_matches_fills",
    "check_quote",
    "first_problem",
]

OK_REASON = "ok"


@dataclass(frozen=True, slots=True)
class DataVerdict:
    """`ok` False means: do not trade this hedge this cycle; `reason` says why."""

    ok: bool
    reason: str = OK_REASON


def check_fresh(part: str, timestamp_ms: int | None, now_ms: int, max_age_ms: int) -> DataVerdict:
    """`part` (e.g. "positions") read at `timestamp_ms` is at most `max_age_ms` old at
    `now_ms`. A missing timestamp is a failure: unknown age cannot be trusted."""
    if timestamp_ms is None:
        return DataVerdict(False, f"{part}: no timestamp")
    age = now_ms - timestamp_ms
    if age > max_age_ms:
        return DataVerdict(False, f"{part}: {age} ms old (max {max_age_ms} ms)")
    return DataVerdict(True)


def check_position_matches_fills(
    position: Position,
    expected_contracts: Decimal | None,
    last_fill_ms: int | None,
    tolerance: Decimal,
) -> DataVerdict:
    """The reported `position` agrees with what our own fills imply.

    `expected_contracts` is the last trusted position plus our signed fills since (None when
    there is nothing to compare with); `last_fill_ms` the time of our latest fill;
    `tolerance` the contracts of disagreement accepted (e.g. half a step). A position stamped
    before our latest fill is stale; one that differs from the expectation is inconsistent
    (e.g. reported flat right after fills) — both fail until the venue agrees again.
    """
    stamp = position.timestamp_ms
    if last_fill_ms is not None and stamp is not None and stamp < last_fill_ms:
        return DataVerdict(
            False,
            f"position {position.symbol} is stamped {stamp}, before our last fill {last_fill_ms}",
        )
    if expected_contracts is None:
        return DataVerdict(True)
    if abs(position.contracts - expected_contracts) > tolerance:
        return DataVerdict(
            False,
            f"position {position.symbol} reported {position.contracts} contracts,"
            f" our fills imply {expected_contracts}",
        )
    return DataVerdict(True)


def check_quote(quote: Quote) -> DataVerdict:
    """Bid, ask (and mark if present) are finite and positive and the book is not crossed."""
    prices = [quote.bid, quote.ask] + ([quote.mark] if quote.mark is not None else [])
    if not all(p.is_finite() and p > 0 for p in prices):
        return DataVerdict(False, f"quote {quote.symbol}: non-finite or non-positive price")
    if quote.bid >= quote.ask:
        return DataVerdict(False, f"quote {quote.symbol}: bid {quote.bid} >= ask {quote.ask}")
    return DataVerdict(True)


def first_problem(verdicts: Iterable[DataVerdict]) -> DataVerdict:
    """The first failing verdict, or ok when all pass."""
    return next((v for v in verdicts if not v.ok), DataVerdict(True))
