"""A basket's P&L split per member, exact. Several hedges share one perp (a basket): the
daemon journals the basket's fills and funding under its lead while each member's reading
holds its own holding and its share of the position (`BasketTag`). Per member, the perp
P&L, funding and fees are the basket's (the whole position, every member's fills and
funding), split by the share the member's reading journaled at the START of each interval
(the position held over it was attributed with that share, pro rata to the targets); its
spot P&L is its own holding marked from one reading to the next. Pure.

Exactness: each member but the interval's lead gets its share of each part rounded
half-even to `SHARE_QUANTUM`; the lead (the first member present at both readings, the
basket's lead normally) takes the remainder, so the members' parts add up to the basket's
whole exactly, per interval and so over any window.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Decimal

from bot.domain.model import Fill, FundingPayment
from bot.domain.pnl import spot_pnl
from bot.report.journal_read import BasketTag, SnapshotRow
from bot.report.split import Increment, Split, increments

__all__ = ["SHARE_QUANTUM", "basket_increments", "basket_members", "shared"]

ZERO = Decimal(0)
SHARE_QUANTUM = Decimal("1e-12")  # quote; far below a cent
Cycle = dict[str, SnapshotRow]  # one daemon cycle's member readings, lead first


def basket_members(readings: Sequence[SnapshotRow]) -> tuple[str, ...]:
    """Every hedge the hedge's basket readings name, in the order first named (lead first):
    the members of today and of before a reload; () for a hedge never in a basket."""
    names = (m for r in readings if r.basket is not None for m in r.basket.members)
    return tuple(dict.fromkeys(names))


def shared(whole: Decimal, shares: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """`whole` split by `shares` (first = the remainder taker): every part but the first is
    whole × share rounded half-even to `SHARE_QUANTUM`; the parts sum to `whole` exactly."""
    rest = [(whole * s).quantize(SHARE_QUANTUM, rounding=ROUND_HALF_EVEN) for s in shares[1:]]
    return (whole - sum(rest, ZERO), *rest)


def _tag(row: SnapshotRow) -> BasketTag:
    if row.basket is None:
        raise ValueError(f"reading {row.cycle_id}: not a basket reading")
    return row.basket


def _split_parts(split: Split, shares: Sequence[Decimal]) -> tuple[Split, ...]:
    perp, funding, fees = (shared(v, shares) for v in (split.perp, split.funding, split.fees))
    return tuple(Split(ZERO, p, f, c) for p, f, c in zip(perp, funding, fees, strict=True))


def _cycles(readings: Mapping[str, Sequence[SnapshotRow]]) -> list[Cycle]:
    """The cycles in which every member a reading names has a basket reading, oldest first."""
    by_cycle: dict[str, dict[str, SnapshotRow]] = {}
    for name, rows in readings.items():
        for row in rows:
            if row.basket is not None:
                by_cycle.setdefault(row.cycle_id, {})[name] = row
    out = []
    for cycle in by_cycle.values():
        members = _tag(next(iter(cycle.values()))).members
        if all(m in cycle for m in members):
            out.append({m: cycle[m] for m in members})
    return sorted(out, key=lambda c: next(iter(c.values())).taken_at_ms)


def _whole(cycle: Cycle) -> SnapshotRow:
    """The basket's reading of the cycle: the whole position (the members' shares summed,
    exactly the position read), no spot, at the perp's mark."""
    lead = next(iter(cycle.values()))
    contracts = sum((r.contracts for r in cycle.values()), ZERO)
    return replace(lead, spot=ZERO, contracts=contracts, basket=None)


def basket_increments(
    symbol: str,
    readings: Mapping[str, Sequence[SnapshotRow]],
    fills: Sequence[Fill],
    funding: Sequence[FundingPayment],
) -> dict[str, list[Increment]]:
    """Per member (`readings`: name → its readings), its increments: its own spot P&L and
    its share of the basket's perp P&L, funding and fees (the module docstring); `fills`
    and `funding` the basket's, every member's, time-sorted. Each increment counts the
    basket's fills in it."""
    cycles = _cycles(readings)
    whole = increments(symbol, [_whole(c) for c in cycles], fills, funding)
    out: dict[str, list[Increment]] = {name: [] for name in readings}
    for (c0, c1), inc in zip(itertools.pairwise(cycles), whole, strict=True):
        names = [m for m in c0 if m in c1]
        shares = [_tag(c0[m]).share for m in names]
        for name, part in zip(names, _split_parts(inc.split, shares), strict=True):
            start, end = c0[name], c1[name]
            spot = Split(spot_pnl(start.spot, start.mark, end.mark))
            out.setdefault(name, []).append(Increment(start, end, spot + part, inc.fills))
    return out
