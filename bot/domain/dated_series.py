"""Dated series: which listed quarterly of a series (`future: {series: BTC/USDT:USDT}`) a
hedge holds.

The venue lists the current and the next quarter of a series (ccxt symbols
`<series>-YYMMDD`); `expiry: quarter` holds the nearest one, `next_quarter` the one after.
A contract in its last hour (`CLOSE_BEFORE_MS`) is never chosen to open into. The held
contract is kept while it is listed and not delivered (`held_or_resolved`) or until a roll
moves the hedge to the next contract `roll_before_hours` ahead of expiry (`roll_plan`,
`roll_step`, engine/roll.py). Whatever is left on it is bought back in its last hour
(instrument.closing_before_delivery) unless `at_expiry: deliver`; a hedge whose contract
expired moves to the series' next contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.instrument import CLOSE_BEFORE_MS
from bot.domain.model import Market

__all__ = [
    "AtExpiry",
    "DatedSeries",
    "Expiry",
    "held_or_resolved",
    "listed_contracts",
    "resolve_series",
]

HOUR_MS = 3_600_000


class Expiry(StrEnum):
    """Which listed contract of a series to hold."""

    QUARTER = "quarter"
    NEXT_QUARTER = "next_quarter"


class AtExpiry(StrEnum):
    """What happens to the held contract at its expiry: bought back in its last hour
    (`close`, after a roll to the next contract for a series) or left to deliver."""

    CLOSE = "close"
    DELIVER = "deliver"


@dataclass(frozen=True, slots=True)
class DatedSeries:
    """A hedge's series: `series` (BTC/USDT:USDT), which contract, and when to roll."""

    series: str
    expiry: Expiry
    roll_before_hours: int

    @property
    def roll_before_ms(self) -> int:
        return self.roll_before_hours * HOUR_MS


def listed_contracts(markets: Iterable[Market], series: str, now_ms: int) -> list[Market]:
    """The series' dated contracts still open to trade at `now_ms` (before their last
    hour), nearest expiry first."""
    prefix = series + "-"
    found = [
        m
        for m in markets
        if m.symbol.startswith(prefix)
        and m.expiry_ms is not None
        and now_ms < m.expiry_ms - CLOSE_BEFORE_MS
    ]
    return sorted(found, key=lambda m: (m.expiry_ms, m.symbol))


def resolve_series(markets: Iterable[Market], series: DatedSeries, now_ms: int) -> str | None:
    """The ccxt symbol to hold: the nearest listed contract (`quarter`) or the one after
    (`next_quarter`); None when the venue lists none that fits."""
    contracts = listed_contracts(markets, series.series, now_ms)
    index = 0 if series.expiry is Expiry.QUARTER else 1
    return contracts[index].symbol if len(contracts) > index else None


def held_or_resolved(
    held: str | None, markets: Iterable[Market], series: DatedSeries, now_ms: int
) -> str | None:
    """Keep the held contract while it is one of the series, listed and not yet expired
    (its last-hour close-out flattens it); else the contract the series resolves to now."""
    by_symbol = {m.symbol: m for m in markets}
    ours = held is not None and held.startswith(series.series + "-")
    market = by_symbol.get(held) if held is not None and ours else None
    if market is not None and market.expiry_ms is not None and now_ms < market.expiry_ms:
        return held
    return resolve_series(by_symbol.values(), series, now_ms)
