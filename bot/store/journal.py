"""The journal: one SQLite file (WAL, schema version in `PRAGMA user_version`) recording what
the daemon saw, decided and did. Open it with `Journal(settings.journal.path)`.

Calls are synchronous and tiny; the class is thread-safe (one connection, one lock), so the
engine may run them in a worker thread. Timestamps come from the injected `clock`
(milliseconds since the Unix epoch, UTC); amounts are Decimal, stored as text.
"""

from __future__ import annotations

from bot.store.alerts import AlertsJournal
from bot.store.db import JournalError, wall_clock_ms
from bot.store.events import EventsJournal
from bot.store.fills import FillsJournal
from bot.store.orders import DuplicateClientId, OrdersJournal
from bot.store.rolls import RollsJournal

__all__ = ["DuplicateClientId", "Journal", "JournalError", "wall_clock_ms"]


class Journal(OrdersJournal, FillsJournal, EventsJournal, RollsJournal, AlertsJournal):
    """Orders, fills, funding, cycles, snapshots, risk/operator events, alerts and config
    versions in one SQLite file. Use as a context manager or call `close()`."""

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
