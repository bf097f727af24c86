"""The alerts the operator was sent: one journal row per alert the notifier's throttle let
through, so the record (and the dashboard's feed) outlives a restart.

Rows are written already redacted (the caller scrubs secrets exactly as the notifier does);
the journal stores text as given. Retention keeps the table bounded on a daemon that runs for
months: every `alerts_prune_every` inserts (and on the first insert after opening) rows older
than `alerts_keep_ms` and all but the newest `alerts_keep_rows` are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database

__all__ = ["KEEP_DAYS", "KEEP_ROWS", "PRUNE_EVERY", "AlertsJournal", "SentAlert"]

KEEP_ROWS = 10_000
KEEP_DAYS = 90
PRUNE_EVERY = 100
_DAY_MS = 86_400_000
_MIN_MS, _MAX_MS = -(2**63), 2**63 - 1  # SQLite's INTEGER range: an open end of a window


@dataclass(frozen=True, slots=True)
class SentAlert:
    """One journaled alert. `at_ms` is epoch milliseconds (UTC); `severity` its label
    ("info", "warning", "critical"); `hedge` None for daemon- or account-wide alerts; a dry
    run's title keeps its "[DRY RUN]" tag."""

    at_ms: int
    severity: str
    kind: str
    hedge: str | None
    title: str
    body: str


class AlertsJournal(Database):
    """Write and read the `alerts` table (bounded: see the module docstring)."""

    alerts_keep_rows = KEEP_ROWS
    alerts_keep_ms = KEEP_DAYS * _DAY_MS
    alerts_prune_every = PRUNE_EVERY
    _alerts_until_prune = 0  # 0: prune on the first insert after opening

    def record_sent_alert(
        self, severity: str, kind: str, hedge: str | None, title: str, body: str
    ) -> SentAlert:
        """Journal one alert sent now; returns the row as stored."""
        row = SentAlert(self._clock(), severity, kind, hedge, title, body)
        self._exec(
            "INSERT INTO alerts (ts, severity, key, title, body, delivered, kind, hedge) "
            "VALUES (?,?,?,?,?,1,?,?)",
            (row.at_ms, severity, kind, title, body, kind, hedge),
        )
        if self._alerts_until_prune <= 0:
            self.prune_alerts(now_ms=row.at_ms)
            self._alerts_until_prune = self.alerts_prune_every
        self._alerts_until_prune -= 1
        return row

    def prune_alerts(self, *, now_ms: int) -> int:
        """Delete alerts past retention (older than the age bound, beyond the row bound);
        returns how many were deleted."""
        cur = self._exec(
            "DELETE FROM alerts WHERE ts < ? OR id <= "
            "(SELECT id FROM alerts ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (now_ms - self.alerts_keep_ms, self.alerts_keep_rows),
        )
        return int(cur.rowcount)

    def recent_alerts(self, limit: int = 50) -> tuple[SentAlert, ...]:
        """The newest `limit` journaled alerts, newest first."""
        rows = self._rows(
            "SELECT ts, severity, kind, hedge, title, body FROM alerts ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return tuple(
            SentAlert(int(ts), str(sev), str(kind), _str_or_none(hedge), str(title), str(body))
            for ts, sev, kind, hedge, title, body in rows
        )

    def alert_counts(self, since_ms: int | None, until_ms: int | None) -> dict[str, int]:
        """Alerts sent in [since_ms, until_ms) by kind, most frequent first (for `hedgebot
        report`); None leaves that side unbounded."""
        rows = self._rows(
            "SELECT kind, COUNT(*) FROM alerts WHERE ts >= ? AND ts < ? GROUP BY kind "
            "ORDER BY COUNT(*) DESC, kind",
            (_MIN_MS if since_ms is None else since_ms, _MAX_MS if until_ms is None else until_ms),
        )
        return {str(kind): int(n) for kind, n in rows}


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)
