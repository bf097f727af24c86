"""The roll journal: one row per step of a `future.series` roll — `start`, each leg `fill`,
`late` (the roll_late alert, steps escalated to IOC), `done` — with the base moved so far
and the roll cost so far (quote currency: basis paid > 0, earned < 0)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bot.store.db import Database, json_text

__all__ = ["RollsJournal"]

ZERO = Decimal(0)


class RollsJournal(Database):
    """Roll events, and the cost of the rolls a hedge completed."""

    def record_roll_event(
        self,
        hedge: str,
        kind: str,
        *,
        from_symbol: str,
        to_symbol: str,
        moved: Decimal,
        cost: Decimal,
        detail: str = "",
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """One roll event (`start`, `fill`, `late`, `done`); `moved` base units, `cost` quote."""
        self._exec(
            "INSERT INTO roll_events (ts, hedge, kind, from_symbol, to_symbol, moved, cost, "
            "detail, data) VALUES (?,?,?,?,?,?,?,?,?)",
            (self._clock(), hedge, kind, from_symbol, to_symbol, str(moved), str(cost), detail,
             json_text(data)),
        )  # fmt: skip

    def roll_events(self, hedge: str) -> tuple[dict[str, Any], ...]:
        """The hedge's roll events, oldest first, as plain rows (amounts as Decimal)."""
        rows = self._rows(
            "SELECT ts, kind, from_symbol, to_symbol, moved, cost, detail FROM roll_events "
            "WHERE hedge = ? ORDER BY id",
            (hedge,),
        )
        keys = ("ts", "kind", "from_symbol", "to_symbol", "moved", "cost", "detail")
        return tuple(
            {**dict(zip(keys, row, strict=True)), "moved": Decimal(row[4]), "cost": Decimal(row[5])}
            for row in rows
        )

    def roll_fill_ids(self, hedge: str) -> set[str]:
        """Trade ids of the leg fills journaled as the hedge's roll events."""
        rows = self._rows(
            "SELECT json_extract(data, '$.trade_id') FROM roll_events "
            "WHERE hedge = ? AND kind = 'fill'",
            (hedge,),
        )
        return {str(r[0]) for r in rows if r[0] is not None}

    def roll_costs(self, hedge: str, since_ms: int = 0) -> Decimal:
        """The summed cost of the hedge's completed rolls since `since_ms`, in quote."""
        rows = self._rows(
            "SELECT cost FROM roll_events WHERE hedge = ? AND kind = 'done' AND ts >= ?",
            (hedge, since_ms),
        )
        return sum((Decimal(r[0]) for r in rows), ZERO)
