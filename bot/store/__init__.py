"""The journal (SQLite) and the single-instance lock that guards it."""

from bot.store.journal import DuplicateClientId, Journal, JournalError, wall_clock_ms
from bot.store.lock import AlreadyRunning, InstanceLock
from bot.store.records import (
    LIVE_STATUSES,
    PENDING,
    TERMINAL_STATUSES,
    UNKNOWN,
    CycleRecord,
    OrderLike,
    OrderRecord,
)
from bot.store.schema import SCHEMA_VERSION, SchemaTooNew

__all__ = [
    "LIVE_STATUSES",
    "PENDING",
    "SCHEMA_VERSION",
    "TERMINAL_STATUSES",
    "UNKNOWN",
    "AlreadyRunning",
    "CycleRecord",
    "DuplicateClientId",
    "InstanceLock",
    "Journal",
    "JournalError",
    "OrderLike",
    "OrderRecord",
    "SchemaTooNew",
    "wall_clock_ms",
]
