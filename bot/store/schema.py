"""The journal's SQLite schema as forward migrations, versioned by `PRAGMA user_version`.

Migration N (1-based) upgrades a version N-1 database to version N. Append, never edit:
released databases carry the old steps. Amounts and prices are Decimal text; timestamps are
integer milliseconds since the Unix epoch (UTC); `data` columns hold JSON.
"""

from __future__ import annotations

import sqlite3

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SchemaTooNew", "migrate", "schema_version"]

_V1 = """
CREATE TABLE config_versions (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    redacted_yaml TEXT NOT NULL,
    applied_at INTEGER NOT NULL
);
CREATE TABLE cycles (
    id INTEGER PRIMARY KEY,
    cycle_id TEXT NOT NULL UNIQUE,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    status TEXT NOT NULL DEFAULT 'running',
    error TEXT
);
CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY,
    cycle_id TEXT NOT NULL REFERENCES cycles(cycle_id),
    hedge TEXT NOT NULL,
    taken_at INTEGER NOT NULL,
    spot TEXT, perp_contracts TEXT, ratio TEXT, target TEXT, gap TEXT,
    mark TEXT, bid TEXT, ask TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX snapshots_hedge ON snapshots(hedge, taken_at);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    exchange_id TEXT,
    account TEXT NOT NULL,
    hedge TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    amount TEXT NOT NULL,
    price TEXT,
    post_only INTEGER NOT NULL,
    reduce_only INTEGER NOT NULL,
    intent TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    filled TEXT NOT NULL DEFAULT '0',
    avg_price TEXT
);
CREATE INDEX orders_hedge_status ON orders(hedge, status);
CREATE TABLE fills (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    symbol TEXT NOT NULL,
    trade_id TEXT NOT NULL,
    order_exchange_id TEXT,
    client_id TEXT,
    hedge TEXT NOT NULL,
    side TEXT NOT NULL,
    amount TEXT NOT NULL,
    price TEXT NOT NULL,
    notional TEXT NOT NULL,
    fee TEXT NOT NULL,
    fee_asset TEXT,
    maker INTEGER,
    ts INTEGER NOT NULL,
    UNIQUE (account, symbol, trade_id)
);
CREATE INDEX fills_hedge_ts ON fills(hedge, ts);
CREATE TABLE risk_events (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    hedge TEXT NOT NULL,
    grade TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE funding (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    hedge TEXT NOT NULL,
    symbol TEXT NOT NULL,
    asset TEXT NOT NULL,
    amount TEXT NOT NULL,
    ts INTEGER NOT NULL,
    UNIQUE (account, symbol, payment_id)
);
"""

# Operator controls, margin actions and alerts (reliability and operations issues).
_V2 = """
CREATE TABLE margin_actions (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    hedge TEXT NOT NULL,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    asset TEXT,
    amount TEXT,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE operator_events (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    kind TEXT NOT NULL,
    hedge TEXT,
    source TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    severity TEXT NOT NULL,
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    delivered INTEGER NOT NULL
);
CREATE INDEX risk_events_hedge_ts ON risk_events(hedge, ts);
"""

# v3: the roll of a `future.series` hedge (start, each leg fill, late, done) and its cost
_V3 = """
CREATE TABLE roll_events (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    hedge TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_symbol TEXT NOT NULL,
    to_symbol TEXT NOT NULL,
    moved TEXT NOT NULL,
    cost TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX roll_events_hedge_ts ON roll_events(hedge, ts);
"""

# v4: the alerts the operator was sent (bot/store/alerts.py). v2's `alerts` table was never
# written by the daemon; it gains the alert's kind and hedge, and an index for "newest first".
_V4 = """
ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN hedge TEXT;
CREATE INDEX alerts_ts ON alerts(ts);
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(Exception):
    """The journal was written by a newer hedgebot. Operator: upgrade hedgebot (or point
    `journal.path` at another file); never downgrade a journal."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's `PRAGMA user_version` (0 for a new file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> int:
    """Apply the missing migrations up to `target`, each in its own transaction; returns the
    version reached. `conn` must be in autocommit mode (isolation_level=None)."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"journal schema v{current} is newer than this hedgebot's v{SCHEMA_VERSION}"
        )
    for version in range(current + 1, target + 1):
        script = MIGRATIONS[version - 1]
        try:
            conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return max(current, target)
