"""Journal tables written once and rarely read: config versions, cycles, snapshots, risk
events, margin actions, operator events and alerts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from bot.store.db import Database, dec, json_text, text
from bot.store.records import CycleRecord

__all__ = ["EventsJournal"]


class EventsJournal(Database):
    """What happened, for audits, replays and status pages."""

    def record_config(self, fingerprint: str, redacted_yaml: str) -> int:
        """Journal an applied config version; returns its id (the latest's if unchanged)."""
        latest = self._rows("SELECT id, fingerprint FROM config_versions ORDER BY id DESC LIMIT 1")
        if latest and latest[0][1] == fingerprint:
            return int(latest[0][0])
        cur = self._exec(
            "INSERT INTO config_versions (fingerprint, redacted_yaml, applied_at) VALUES (?,?,?)",
            (fingerprint, redacted_yaml, self._clock()),
        )
        return int(cur.lastrowid or 0)

    def latest_config_fingerprint(self) -> str | None:
        rows = self._rows("SELECT fingerprint FROM config_versions ORDER BY id DESC LIMIT 1")
        return str(rows[0][0]) if rows else None

    def start_cycle(self, cycle_id: str) -> None:
        self._exec(
            "INSERT INTO cycles (cycle_id, started_at) VALUES (?, ?)", (cycle_id, self._clock())
        )

    def finish_cycle(self, cycle_id: str, *, status: str = "ok", error: str | None = None) -> None:
        """Close a cycle: `status` ok, error or skipped; `error` is a one-line reason."""
        self._exec(
            "UPDATE cycles SET finished_at = ?, status = ?, error = ? WHERE cycle_id = ?",
            (self._clock(), status, error, cycle_id),
        )

    def recent_cycles(self, n: int = 10) -> tuple[CycleRecord, ...]:
        """The last `n` cycles, newest first."""
        rows = self._rows(
            "SELECT cycle_id, started_at, finished_at, status, error FROM cycles "
            "ORDER BY id DESC LIMIT ?",
            (n,),
        )
        return tuple(CycleRecord(*row) for row in rows)

    def record_snapshot(
        self,
        cycle_id: str,
        hedge: str,
        *,
        spot: Decimal | None,
        perp_contracts: Decimal | None,
        ratio: Decimal | None,
        target: Decimal | None,
        gap: Decimal | None,
        mark: Decimal | None = None,
        bid: Decimal | None = None,
        ask: Decimal | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """One hedge's summary in a cycle (the cycle must be started): spot (base units), perp
        contracts (signed, short < 0), ratio/target (fractions), gap (contracts, > 0 = sell
        more), mark/bid/ask (quote per base unit), `data` anything else (JSON)."""
        values = (spot, perp_contracts, ratio, target, gap, mark, bid, ask)
        self._exec(
            "INSERT INTO snapshots (cycle_id, hedge, taken_at, spot, perp_contracts, ratio, "
            "target, gap, mark, bid, ask, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (cycle_id, hedge, self._clock(), *map(dec, values), json_text(data)),
        )

    def last_trusted_position(self, hedge: str) -> tuple[Decimal, int] | None:
        """The latest perp position (signed contracts, taken-at ms) recorded for `hedge` from a
        snapshot whose data passed the consistency checks (`data.trusted` true), or None. The
        time is when the position was read (`data.read_at_ms`), not when the row was written."""
        rows = self._rows(
            "SELECT perp_contracts, COALESCE(json_extract(data, '$.read_at_ms'), taken_at) "
            "FROM snapshots WHERE hedge = ? "
            "AND perp_contracts IS NOT NULL AND json_extract(data, '$.trusted') = 1 "
            "ORDER BY id DESC LIMIT 1",
            (hedge,),
        )
        if not rows:
            return None
        contracts, taken_at = rows[0]
        return Decimal(contracts), int(taken_at)

    def last_memory(self, hedge: str) -> dict[str, Any] | None:
        """The hedge memory (`domain.memory.to_data`) journaled with `hedge`'s latest snapshot
        that carries one, or None (no snapshot yet, or a journal from before memories)."""
        rows = self._rows(
            "SELECT json_extract(data, '$.memory') FROM snapshots WHERE hedge = ? "
            "AND json_extract(data, '$.memory') IS NOT NULL ORDER BY id DESC LIMIT 1",
            (hedge,),
        )
        if not rows:
            return None
        try:
            found = json.loads(rows[0][0])
        except (TypeError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def record_risk_event(
        self,
        hedge: str,
        *,
        grade: str | Enum,
        action: str | Enum,
        reason: str,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """A risk guard decision: its grade (warn, top_up, ...), the action taken and why."""
        self._exec(
            "INSERT INTO risk_events (ts, hedge, grade, action, reason, data) VALUES (?,?,?,?,?,?)",
            (self._clock(), hedge, text(grade), text(action), reason, json_text(data)),
        )

    def risk_events(self, hedge: str, since_ms: int = 0) -> tuple[dict[str, Any], ...]:
        """The hedge's risk events since `since_ms`, oldest first, as plain rows."""
        rows = self._rows(
            "SELECT ts, grade, action, reason, data FROM risk_events "
            "WHERE hedge = ? AND ts >= ? ORDER BY id",
            (hedge, since_ms),
        )
        keys = ("ts", "grade", "action", "reason", "data")
        return tuple(dict(zip(keys, row, strict=True)) for row in rows)

    def record_margin_action(
        self,
        hedge: str,
        *,
        account: str,
        kind: str,
        asset: str | None,
        amount: Decimal | None,
        status: str,
        reason: str,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """A transfer, isolated-margin top-up or leverage change (`kind`) and its outcome;
        `amount` in `asset` units."""
        self._exec(
            "INSERT INTO margin_actions (ts, hedge, account, kind, asset, amount, status, reason, "
            "data) VALUES (?,?,?,?,?,?,?,?,?)",
            (self._clock(), hedge, account, kind, asset, dec(amount), status, reason,
             json_text(data)),
        )  # fmt: skip

    def record_operator_event(
        self, kind: str, *, source: str, hedge: str | None = None, reason: str = ""
    ) -> None:
        """pause / resume / kill_switch_on / kill_switch_off, from `source` (api, cli, file);
        `hedge` None means every hedge."""
        self._exec(
            "INSERT INTO operator_events (ts, kind, hedge, source, reason) VALUES (?,?,?,?,?)",
            (self._clock(), kind, hedge, source, reason),
        )

    def paused_hedges(self, hedges: list[str]) -> set[str]:
        """Which of `hedges` the operator left paused (replaying pause/resume events; an event
        with no hedge applies to all)."""
        paused: set[str] = set()
        rows = self._rows(
            "SELECT kind, hedge FROM operator_events WHERE kind IN ('pause', 'resume') ORDER BY id",
            (),
        )
        for kind, hedge in rows:
            names = set(hedges) if hedge is None else {hedge}
            if kind == "pause":
                paused |= names
            else:
                paused -= names
        return paused & set(hedges)

    def record_alert(
        self, severity: str, key: str, title: str, body: str, *, delivered: bool
    ) -> None:
        """An alert raised (`delivered` False when rate-limited or the notifier failed)."""
        self._exec(
            "INSERT INTO alerts (ts, severity, key, title, body, delivered) VALUES (?,?,?,?,?,?)",
            (self._clock(), severity, key, title, body, int(delivered)),
        )
