"""Recent alerts for the dashboard: the in-memory feed and GET /alerts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.api.alerts import RecentAlerts
from bot.logs import register_secret
from bot.notify.alert import Alert, Severity
from bot.store import Journal
from tests.api.dashboard_support import ServeDashboard, fetch, serve_dashboard

__all__ = ["serve_dashboard"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _alert(kind: str = "stale_data", hedge: str | None = "BTC", body: str = "old") -> Alert:
    return Alert(Severity.WARNING, kind, hedge, f"{hedge} {kind}", body)


def test_feed_lists_newest_first_with_severity_and_delivery() -> None:
    """Alerts come back newest first, each with its time, severity label and delivery verdict."""
    clock = Clock()
    feed = RecentAlerts(clock=clock)
    feed.add(_alert("started", None), "filtered")
    clock.now = 1005.0
    feed.add(_alert("stale_data"), "send")
    rows = feed.recent()
    assert [(r["kind"], r["at"], r["delivery"]) for r in rows] == [
        ("stale_data", 1005.0, "send"),
        ("started", 1000.0, "filtered"),
    ]
    assert rows[0]["severity"] == "warning"


def test_repeats_collapse_into_one_entry_with_a_count() -> None:
    """An alert raised every cycle is one entry moved to the top, counted, with its latest body."""
    clock = Clock()
    feed = RecentAlerts(clock=clock)
    feed.add(_alert("stale_data", body="10 s old"), "send")
    feed.add(_alert("risk_warn"), "send")
    clock.now = 1010.0
    feed.add(_alert("stale_data", body="20 s old"), "duplicate")
    first, second = feed.recent()
    assert (first["kind"], first["count"], first["body"]) == ("stale_data", 2, "20 s old")
    assert (first["first_at"], first["at"]) == (1000.0, 1010.0)
    assert second["kind"] == "risk_warn"


def test_feed_keeps_only_the_last_n() -> None:
    """The feed is bounded: the oldest distinct alerts fall off."""
    feed = RecentAlerts(size=3)
    for i in range(5):
        feed.add(_alert(f"kind{i}"))
    assert [r["kind"] for r in feed.recent()] == ["kind4", "kind3", "kind2"]


def test_feed_scrubs_registered_secrets() -> None:
    """A secret that slipped into an alert's text never reaches the page."""
    register_secret("hunter2-webhook-secret")
    feed = RecentAlerts()
    feed.add(_alert(body="POST https://hooks/hunter2-webhook-secret failed"))
    assert "hunter2" not in str(feed.recent())


def test_feed_starts_from_the_journal_and_new_alerts_go_on_top(tmp_path: Path) -> None:
    """Seeded with journaled alerts, the feed lists them as sent at their journal time, repeats
    collapsed, and an alert raised after start-up comes first."""
    with Journal(tmp_path / "j.sqlite", clock=lambda: 1_000_000) as journal:
        for kind in ("stale_data", "risk_warn", "stale_data"):
            journal.record_sent_alert("warning", kind, "BTC", f"BTC {kind}", "before restart")
        feed = RecentAlerts(clock=lambda: 2000.0)
        feed.seed(journal.recent_alerts())
    feed.add(_alert("started", None), "filtered")
    rows = feed.recent()
    assert [(r["kind"], r["delivery"], r["at"], r["count"]) for r in rows] == [
        ("started", "filtered", 2000.0, 1),
        ("stale_data", "send", 1000.0, 2),
        ("risk_warn", "send", 1000.0, 1),
    ]


def test_seeded_text_is_scrubbed_too(tmp_path: Path) -> None:
    """A journal row written before a secret was scrubbed still never reaches the page."""
    register_secret("old-leaked-token-4242")
    with Journal(tmp_path / "j.sqlite") as journal:
        journal.record_sent_alert("critical", "breaker_open", None, "t", "old-leaked-token-4242")
        feed = RecentAlerts()
        feed.seed(journal.recent_alerts())
    assert "old-leaked-token-4242" not in str(feed.recent())


def test_feed_size_must_be_positive() -> None:
    """A feed of size 0 is a programming error named at once."""
    with pytest.raises(ValueError, match="size must be at least 1"):
        RecentAlerts(size=0)


async def test_alerts_endpoint_serves_the_feed(serve_dashboard: ServeDashboard) -> None:
    """GET /alerts returns the feed's entries and says alerts are recorded."""
    feed = RecentAlerts()
    feed.add(_alert("risk_top_up", body="moved 150 USDT"), "send")
    api = await serve_dashboard(alerts=feed)
    body = (await fetch("GET", f"{api.url}/alerts")).json()
    assert body["recorded"] is True
    assert [(a["kind"], a["body"]) for a in body["alerts"]] == [("risk_top_up", "moved 150 USDT")]


async def test_alerts_endpoint_without_a_feed(serve_dashboard: ServeDashboard) -> None:
    """Without a feed /alerts is an empty list that says nothing records alerts."""
    api = await serve_dashboard(alerts=None)
    assert (await fetch("GET", f"{api.url}/alerts")).json() == {"alerts": [], "recorded": False}
