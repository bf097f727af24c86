"""The journal's connection: SQLite in WAL mode, one connection guarded by one lock, so the
engine may call it from worker threads. Amounts are stored as Decimal text (never floats)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.store.schema import SCHEMA_VERSION, SchemaTooNew, migrate, schema_version

__all__ = ["Database", "JournalError", "dec", "json_text", "opt_dec", "text", "wall_clock_ms"]

TABLES = frozenset(
    {"config_versions", "cycles", "snapshots", "orders", "fills", "risk_events", "funding",
     "margin_actions", "operator_events", "alerts"}
)  # fmt: skip


class JournalError(Exception):
    """The journal cannot be opened or written. Operator: check `journal.path` (directory
    exists, writable, disk not full)."""


def wall_clock_ms() -> int:
    """Milliseconds since the Unix epoch (UTC)."""
    return time.time_ns() // 1_000_000


class Database:
    """The SQLite file at `path`, migrated to the current schema on open.

    `read_only=True` opens an existing journal with SQLite's `mode=ro` (for `hedgebot plan`
    beside a running daemon): no migration, no pragma that writes, and every write raises
    `JournalError`. WAL readers never block the daemon's writes, nor the other way round.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Callable[[], int] = wall_clock_ms,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self.read_only = read_only
        if read_only:
            self._db = _open_read_only(self.path)
            return
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout = 5000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise JournalError(f"cannot open journal {self.path}: {exc}") from None
        try:
            migrate(self._db)
        except BaseException as exc:
            self._db.close()
            if isinstance(exc, sqlite3.Error):
                raise JournalError(f"cannot migrate journal {self.path}: {exc}") from None
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        """Run one statement (autocommit). Integrity errors propagate for callers to map."""
        with self._lock:
            try:
                return self._db.execute(sql, params)
            except sqlite3.IntegrityError:
                raise
            except sqlite3.Error as exc:
                raise JournalError(f"journal {self.path}: {exc}") from None

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise JournalError(f"journal {self.path}: {exc}") from None

    def pragma(self, name: str) -> Any:
        """The value of `PRAGMA name` (journal_mode, user_version, ...), for checks and tests."""
        return self._rows(f"PRAGMA {name}")[0][0]

    def count(self, table: str) -> int:
        """Rows in `table` (for status pages and tests)."""
        if table not in TABLES:
            raise ValueError(f"unknown journal table {table!r}")
        return int(self._rows(f"SELECT COUNT(*) FROM {table}")[0][0])


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A `mode=ro` connection to the journal at `path`, at this hedgebot's schema version."""
    if not path.is_file():
        raise JournalError(f"journal {path} does not exist")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 5000")
        version = schema_version(conn)
    except sqlite3.Error as exc:
        raise JournalError(f"cannot read journal {path}: {exc}") from None
    if version != SCHEMA_VERSION:
        conn.close()
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"journal schema v{version} is newer than this hedgebot's v{SCHEMA_VERSION}"
            )
        raise JournalError(
            f"journal {path} has schema v{version}, this hedgebot reads v{SCHEMA_VERSION}:"
            " start the daemon once to upgrade it"
        )
    return conn


def dec(value: Decimal | None) -> str | None:
    """Decimal → exact text for storage."""
    return None if value is None else str(value)


def opt_dec(stored: str | None) -> Decimal | None:
    return None if stored is None else Decimal(stored)


def text(value: str | Enum) -> str:
    """An enum's value, or the string itself."""
    return str(value.value) if isinstance(value, Enum) else str(value)


def json_text(data: Mapping[str, Any] | None) -> str:
    """`data` as JSON; Decimals and other values become strings."""
    return json.dumps(dict(data or {}), default=str, sort_keys=True)
