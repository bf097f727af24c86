"""The alerts journal: sent alerts round-trip, retention bounds the table, v3 journals upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import SCHEMA_VERSION, Journal
from bot.store.alerts import SentAlert
from bot.store.schema import migrate

DAY_MS = 86_400_000


class FakeClock:
    """A settable millisecond clock."""

    def __init__(self, now: int = 1_700_000_000_000) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal(tmp_path: Path, clock: FakeClock) -> Journal:
    with Journal(tmp_path / "j.sqlite", clock=clock) as j:
        yield j


def _send(journal: Journal, kind: str, hedge: str | None = "BTC") -> SentAlert:
    return journal.record_sent_alert("warning", kind, hedge, f"hedgebot {hedge}: {kind}", "body")


def test_sent_alerts_round_trip_newest_first(journal: Journal, clock: FakeClock) -> None:
    """Every field of a sent alert comes back as written, newest first, hedge None kept."""
    _send(journal, "stale_data")
    clock.now += 1000
    journal.record_sent_alert(
        "critical", "breaker_open", None, "[DRY RUN] hedgebot: breaker open", "main: timeout"
    )
    newest, oldest = journal.recent_alerts()
    assert newest == SentAlert(
        clock.now, "critical", "breaker_open", None, "[DRY RUN] hedgebot: breaker open",
        "main: timeout",
    )  # fmt: skip
    assert (oldest.kind, oldest.hedge, oldest.at_ms) == ("stale_data", "BTC", clock.now - 1000)
    assert [a.kind for a in journal.recent_alerts(limit=1)] == ["breaker_open"]


def test_retention_keeps_only_the_newest_rows(journal: Journal) -> None:
    """Past the row bound, a prune on write leaves exactly the newest rows."""
    journal.alerts_keep_rows = 5
    journal.alerts_prune_every = 3
    for i in range(12):
        _send(journal, f"kind{i}")
    kinds = [a.kind for a in journal.recent_alerts(limit=100)]
    assert kinds[:5] == [f"kind{i}" for i in range(11, 6, -1)]
    assert len(kinds) <= 5 + 3  # never more than one prune interval past the bound
    assert journal.prune_alerts(now_ms=0) == len(kinds) - 5
    assert journal.count("alerts") == 5


def test_retention_drops_alerts_older_than_the_age_bound(
    journal: Journal, clock: FakeClock
) -> None:
    """An alert older than the retention days is deleted on the first write after opening."""
    _send(journal, "old")
    clock.now += 91 * DAY_MS
    journal._alerts_until_prune = 0  # as on the first write after a restart
    _send(journal, "new")
    assert [a.kind for a in journal.recent_alerts()] == ["new"]


def test_alert_counts_by_kind_over_a_period(journal: Journal, clock: FakeClock) -> None:
    """Counts group by kind and include only alerts sent inside [since, until)."""
    start = clock.now
    for kind in ("stale_data", "risk_warn", "stale_data"):
        _send(journal, kind)
        clock.now += 10
    _send(journal, "later")
    assert journal.alert_counts(start, start + 30) == {"stale_data": 2, "risk_warn": 1}


def test_a_version_3_journal_upgrades_keeping_its_alert_rows(tmp_path: Path) -> None:
    """A v3 journal gains the alert columns; an old row survives with an empty kind."""
    path = tmp_path / "v3.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=3) == 3
    conn.execute(
        "INSERT INTO alerts (ts, severity, key, title, body, delivered) "
        "VALUES (?, 'warning', 'risk:BTC', 'old title', 'old body', 1)",
        (FakeClock().now - DAY_MS,),
    )
    conn.close()
    with Journal(path, clock=FakeClock()) as journal:
        assert journal.pragma("user_version") == SCHEMA_VERSION == 4
        _send(journal, "stale_data")
        new, old = journal.recent_alerts()
    assert (old.title, old.kind, old.hedge) == ("old title", "", None)
    assert (new.kind, new.hedge) == ("stale_data", "BTC")
