"""The live hedge's P&L split, exact: between two consecutive journaled readings, spot P&L
(the holding marked from one reading to the next), perp P&L (the position and every fill in
between marked to the later reading), funding received and fees paid (`bot.domain.pnl`).
Each part is a Decimal sum, so per day and over any window spot + perp + funding − fees is
the change in the hedge's equity exactly. Pure.

Valuation: both legs at the perp's mark journaled with each reading (the journal holds no
spot quote; on the simulator spot and perp share a price). A fill or funding settlement
belongs to the first reading whose venue-clock time (`venue_ms`) is at or after its stamp.

Dated futures: each interval is valued on the contract its starting reading held (a series
hedge's real contract, not its label), and every other contract with a fill, a payment or a
roll leg in the interval on its own, at the same mark. That is exact for one contract; over
a roll (two contracts) or a move to the next contract it values the other contract at the
held one's mark, so the basis between them is not in that interval's perp P&L (documented as
approximate).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol, TypeVar

from bot.domain.model import Fill, FundingPayment, Market, MarketKind
from bot.domain.pnl import HedgePnl, Holdings, Marks, hedge_pnl
from bot.report.journal_read import SnapshotRow

__all__ = [
    "Increment",
    "Split",
    "cumulative_at",
    "cumulative_of",
    "day_of",
    "increments",
    "markets_for",
]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Split:
    """Quote amounts over a period: `spot` and `perp` P&L, `funding` received (+), `fees`
    paid (+); `total` = spot + perp + funding − fees = the equity change."""

    spot: Decimal = ZERO
    perp: Decimal = ZERO
    funding: Decimal = ZERO
    fees: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.spot + self.perp + self.funding - self.fees

    def __add__(self, other: Split) -> Split:
        return Split(
            self.spot + other.spot,
            self.perp + other.perp,
            self.funding + other.funding,
            self.fees + other.fees,
        )

    def __neg__(self) -> Split:
        return Split(-self.spot, -self.perp, -self.funding, -self.fees)

    def as_json(self) -> dict[str, str]:
        return {
            "spot_pnl": str(self.spot),
            "perp_pnl": str(self.perp),
            "funding": str(self.funding),
            "fees": str(self.fees),
            "total": str(self.total),
        }


@dataclass(frozen=True, slots=True)
class Increment:
    """The split from reading `start` to reading `end`, and how many fills it holds."""

    start: SnapshotRow
    end: SnapshotRow
    split: Split
    fills: int


def markets_for(symbol: str, contract_size: Decimal) -> tuple[Market, Market]:
    """(spot, perp) markets of a hedge on `symbol` (BASE/QUOTE:SETTLE) for `hedge_pnl`."""
    base, _, rest = symbol.partition("/")
    quote, _, settle = rest.partition(":")
    settle = settle.partition("-")[0]  # a dated future: BTC/USDT:USDT-250328 settles in USDT
    kind = MarketKind.INVERSE if settle and settle != quote else MarketKind.LINEAR
    step = Decimal("1e-8")
    spot = Market(
        f"{base}/{quote}",
        f"{base}{quote}",
        MarketKind.SPOT,
        base,
        quote,
        None,
        Decimal(1),
        step,
        step,
    )
    perp = Market(
        symbol, f"{base}{quote}", kind, base, quote, settle or quote, contract_size, step, step
    )
    return spot, perp


def _split(pnl: HedgePnl) -> Split:
    """Quote amounts of a `HedgePnl` (inverse coin amounts at the end mark)."""
    price = pnl.settle_price
    return Split(
        spot=pnl.spot,
        perp=pnl.perp * price,
        funding=pnl.funding * price,
        fees=pnl.spot_fees + pnl.perp_fees * price,
    )


def increments(
    symbol: str,
    readings: Sequence[SnapshotRow],
    fills: Sequence[Fill],
    funding: Sequence[FundingPayment],
) -> Iterator[Increment]:
    """One `Increment` per pair of consecutive readings, oldest first."""
    fill_i = pay_i = 0
    for start, end in itertools.pairwise(readings):
        taken, fill_i = _between(fills, fill_i, start.venue_ms, end.venue_ms)
        paid, pay_i = _between(funding, pay_i, start.venue_ms, end.venue_ms)
        yield Increment(start, end, _interval(symbol, start, end, taken, paid), len(taken))


def _interval(
    symbol: str,
    start: SnapshotRow,
    end: SnapshotRow,
    taken: Sequence[Fill],
    paid: Sequence[FundingPayment],
) -> Split:
    """One interval's split: the held contract with the spot, then any other contract
    traded, paid or rolled in it on its own (see the module docstring)."""
    held_symbol = start.symbol or symbol
    legs = dict(start.roll_legs)
    others = sorted(
        ({f.symbol for f in taken} | {p.symbol for p in paid} | set(legs)) - {held_symbol}
    )
    total = Split()
    for contract in (held_symbol, *others):
        spot_market, perp_market = markets_for(contract, end.contract_size)
        own = contract == held_symbol
        contracts = start.contracts if own else legs.get(contract, ZERO)
        held = Holdings(start.spot if own else ZERO, contracts, Marks(start.mark, start.mark))
        pnl = hedge_pnl(
            spot_market,
            perp_market,
            held,
            Marks(end.mark, end.mark),
            perp_fills=[f for f in taken if f.symbol == contract],
            funding=[p for p in paid if p.symbol == contract],
        )
        total = total + _split(pnl)
    return total


def cumulative_at(
    symbol: str,
    readings: Sequence[SnapshotRow],
    fills: Sequence[Fill],
    funding: Sequence[FundingPayment],
    times_ms: Sequence[int],
) -> tuple[Split, ...]:
    """The split summed from the first reading up to each of `times_ms` (ascending, the
    local clock of `taken_at_ms`): an increment counts from the time its later reading was
    taken, so the value at the newest reading is the whole window's split."""
    return cumulative_of(increments(symbol, readings, fills, funding), times_ms)


def cumulative_of(steps: Iterable[Increment], times_ms: Sequence[int]) -> tuple[Split, ...]:
    """`steps` (oldest first) summed up to each of `times_ms`, as `cumulative_at`."""
    pending_steps = iter(steps)
    pending = next(pending_steps, None)
    cum, out = Split(), []
    for t in times_ms:
        while pending is not None and pending.end.taken_at_ms <= t:
            cum = cum + pending.split
            pending = next(pending_steps, None)
        out.append(cum)
    return tuple(out)


class _Stamped(Protocol):
    @property
    def timestamp_ms(self) -> int: ...


_T = TypeVar("_T", bound=_Stamped)


def _between(items: Sequence[_T], i: int, after_ms: int, upto_ms: int) -> tuple[list[_T], int]:
    """Items from index `i` stamped in (after_ms, upto_ms] (time-sorted), and the next index;
    items stamped at or before `after_ms` (before the first reading) are skipped."""
    out: list[_T] = []
    while i < len(items) and items[i].timestamp_ms <= upto_ms:
        if items[i].timestamp_ms > after_ms:
            out.append(items[i])
        i += 1
    return out, i


def day_of(ms: int) -> str:
    """The UTC date of an epoch-ms time, ISO (2025-03-01)."""
    return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()
