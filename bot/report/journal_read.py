"""The journal as `hedgebot report` reads it: read-only (`mode=ro`, never the daemon's lock,
safe while it writes), in venue-clock order. Everything is parsed into frozen values here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.domain.model import Fill, FundingPayment
from bot.store import Journal

__all__ = ["BasketTag", "HedgeEvents", "ReportJournal", "SnapshotRow"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class BasketTag:
    """A basket member's reading: every hedge on the perp (lead first) and this member's
    `share` of the position (0..1) as the daemon journaled it with the reading."""

    members: tuple[str, ...]
    share: Decimal

    def as_json(self) -> dict[str, Any]:
        return {"members": list(self.members), "share": str(self.share)}


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    """One journaled hedge reading: `spot` base units held, `contracts` signed (short < 0),
    `mark` quote per base; `venue_ms` the venue-clock time it reflects (fills and funding
    stamped up to it are in it; the local `taken_at_ms` for rows journaled before that was
    recorded); ratio/target fractions; `distance` the liquidation distance; `cycle_id` the
    daemon cycle that took it; `basket` its place in a basket (None alone on its perp)."""

    taken_at_ms: int
    venue_ms: int
    spot: Decimal
    contracts: Decimal
    mark: Decimal
    contract_size: Decimal
    ratio: Decimal | None
    target: Decimal | None
    distance: Decimal | None
    cycle_id: str = ""
    basket: BasketTag | None = None
    symbol: str = ""  # the contract held (a series hedge's real one); "" in old journals
    roll_legs: tuple[tuple[str, Decimal], ...] = ()  # while rolling: (symbol, contracts) each


@dataclass(frozen=True, slots=True)
class HedgeEvents:
    """What else the journal holds for a hedge: orders sent, top-ups done and risk events,
    each as their times (local clock, ms); `rolls`: (time, cost in quote) of each roll of a
    `future.series` completed (basis paid > 0, earned < 0)."""

    orders: tuple[int, ...]
    top_ups: tuple[int, ...]
    risk_events: tuple[int, ...]
    rolls: tuple[tuple[int, Decimal], ...] = ()


def _dec(text: Any) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def _basket(extra: dict[str, Any]) -> BasketTag | None:
    tag = extra.get("basket")
    if not isinstance(tag, dict) or tag.get("share") is None:
        return None
    return BasketTag(tuple(str(m) for m in tag.get("members") or ()), Decimal(str(tag["share"])))


def _snapshot(row: tuple[Any, ...]) -> SnapshotRow | None:
    cycle_id, taken, spot, contracts, mark, ratio, target, data = row
    if spot is None or contracts is None or mark is None:
        return None  # a cycle that could not read the hedge
    extra = json.loads(data or "{}")
    venue = extra.get("venue_ms")
    return SnapshotRow(
        taken_at_ms=int(taken),
        venue_ms=int(venue) if isinstance(venue, int) else int(taken),
        spot=Decimal(spot),
        contracts=Decimal(contracts),
        mark=Decimal(mark),
        contract_size=Decimal(str(extra.get("contract_size") or 1)),
        ratio=_dec(ratio),
        target=_dec(target),
        distance=_dec(extra.get("distance")),
        cycle_id=str(cycle_id),
        basket=_basket(extra),
        symbol=_held_symbol(extra),
        roll_legs=tuple(
            (str(sym), Decimal(str(n))) for sym, n in (extra.get("roll_legs") or {}).items()
        ),
    )


def _held_symbol(extra: dict[str, Any]) -> str:
    """The contract the reading was of, from the memory journaled with it."""
    memory = extra.get("memory")
    legs = memory.get("legs") if isinstance(memory, dict) else None
    symbol = legs.get("perp_symbol") if isinstance(legs, dict) else None
    return symbol if isinstance(symbol, str) else ""


class ReportJournal(Journal):
    """`Journal(path, read_only=True)` with the report's queries."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, read_only=True)

    def __enter__(self) -> ReportJournal:
        return self

    def hedges(self) -> list[str]:
        """Every hedge with a snapshot, in name order."""
        return [str(r[0]) for r in self._rows("SELECT DISTINCT hedge FROM snapshots ORDER BY 1")]

    def snapshots(self, hedge: str, since_ms: int = 0) -> list[SnapshotRow]:
        """The hedge's readings taken at or after `since_ms` (local clock), oldest first
        (readings without prices are skipped)."""
        rows = self._rows(
            "SELECT cycle_id, taken_at, spot, perp_contracts, mark, ratio, target, data "
            "FROM snapshots "
            "WHERE hedge = ? AND taken_at >= ? ORDER BY taken_at, id",
            (hedge, since_ms),
        )
        return [s for s in map(_snapshot, rows) if s is not None]

    def latest_basket(self, hedge: str) -> BasketTag | None:
        """The basket the hedge's newest reading names, None alone on its perp (or unread)."""
        rows = self._rows(
            "SELECT data FROM snapshots WHERE hedge = ? ORDER BY taken_at DESC, id DESC LIMIT 1",
            (hedge,),
        )
        return _basket(json.loads(rows[0][0] or "{}")) if rows else None

    def perp_fills(self, hedge: str) -> list[Fill]:
        """The hedge's fills, oldest first (venue clock)."""
        return list(self.fills_since(hedge, 0))

    def funding_payments(self, hedge: str) -> list[FundingPayment]:
        """The hedge's funding settlements, oldest first (venue clock); amount > 0 received."""
        rows = self._rows(
            "SELECT payment_id, symbol, asset, amount, ts FROM funding WHERE hedge = ? "
            "ORDER BY ts, id",
            (hedge,),
        )
        return [
            FundingPayment(str(pid), str(sym), str(asset), Decimal(amount), int(ts))
            for pid, sym, asset, amount, ts in rows
        ]

    def events(self, hedge: str) -> HedgeEvents:
        """Times of the hedge's orders, successful top-ups and risk events."""
        orders = self._rows("SELECT created_at FROM orders WHERE hedge = ?", (hedge,))
        top_ups = self._rows(
            "SELECT ts FROM margin_actions WHERE hedge = ? AND status = 'ok'", (hedge,)
        )
        risk = self._rows("SELECT ts FROM risk_events WHERE hedge = ?", (hedge,))
        rolls = tuple(
            (int(e["ts"]), e["cost"]) for e in self.roll_events(hedge) if e["kind"] == "done"
        )
        return HedgeEvents(
            tuple(int(r[0]) for r in orders),
            tuple(int(r[0]) for r in top_ups),
            tuple(int(r[0]) for r in risk),
            rolls,
        )
